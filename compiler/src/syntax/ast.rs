//! The syntax tree the parser builds: every node carries the span of the source it came from.

use crate::source::Span;

/// A name as written in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// One parsed source file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Import(Import),
    Struct(StructDecl),
    Enum(EnumDecl),
    Function(FunctionDecl),
    Variable(VariableDecl),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub module: Name,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructDecl {
    pub is_pub: bool,
    pub name: Name,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

/// `enum Name { Variant, Variant(field: T = default, ...), ... }` (LANGUAGE.md section 9).
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub is_pub: bool,
    pub name: Name,
    pub variants: Vec<VariantDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VariantDecl {
    pub name: Name,
    /// `None` for a variant written without parentheses. `Some(vec![])` is `Name()`: the
    /// parser keeps the difference so that the checker can say to drop the `()`.
    pub payload: Option<Vec<FieldDecl>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionDecl {
    pub is_pub: bool,
    pub name: Name,
    pub params: Vec<Param>,
    pub result: Option<TypeExpr>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Name,
    pub ty: TypeExpr,
    pub span: Span,
}

/// A module-level `let` or `var`.
#[derive(Clone, Debug, PartialEq)]
pub struct VariableDecl {
    pub is_pub: bool,
    pub mutable: bool,
    pub name: Name,
    pub ty: Option<TypeExpr>,
    pub init: Expr,
    pub span: Span,
}

/// A type as written: `int`, `m.Vec2`, `[T]`, `{K: V}`, `?T`, `fn(A) -> R`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    Named {
        module: Option<Name>,
        name: Name,
    },
    Array(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    Optional(Box<TypeExpr>),
    Function(Vec<TypeExpr>, Option<Box<TypeExpr>>),
    /// A type the parser could not read; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    Let {
        mutable: bool,
        name: Name,
        ty: Option<TypeExpr>,
        init: Expr,
    },
    /// `target = value`, or `target op= value` when `op` is set.
    Assign {
        target: Expr,
        op: Option<BinaryOp>,
        value: Expr,
    },
    Expr(Expr),
    If {
        condition: Expr,
        then_block: Block,
        else_branch: Option<ElseBranch>,
    },
    /// `if let PATTERN = value { ... }`. Version 0.1 only had a name here (`if let v = opt`),
    /// which is now `PatternKind::Binding`.
    IfLet {
        /// Boxed: a pattern is large, and a statement is as large as its largest variant.
        pattern: Box<Pattern>,
        value: Expr,
        then_block: Block,
        else_branch: Option<ElseBranch>,
    },
    /// `let PATTERN = value else { ... }`, or `let PATTERN = value` with a pattern that is not a
    /// plain name (which the checker rejects unless the pattern cannot fail). `let NAME = value`
    /// without `else` stays a `Let`.
    LetElse {
        pattern: Box<Pattern>,
        value: Expr,
        else_block: Option<Block>,
    },
    /// A `match` at the start of a statement; its arms' bodies are blocks, an arm written
    /// without braces being a block of that one statement.
    Match(Box<Match>),
    While {
        condition: Expr,
        body: Block,
    },
    ForRange {
        variable: Name,
        start: Expr,
        end: Expr,
        inclusive: bool,
        body: Block,
    },
    /// `for x in xs` (no `second`) or `for k, v in m`.
    ForEach {
        first: Name,
        second: Option<Name>,
        iterable: Expr,
        body: Block,
    },
    Break,
    Continue,
    Return(Option<Expr>),
    /// A statement the parser could not read; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ElseBranch {
    Block(Block),
    /// `else if ...` or `else if let ...`: an `If` or `IfLet` statement.
    If(Box<Statement>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// `expr` without the parentheses written around it.
pub fn strip_parens(mut expr: &Expr) -> &Expr {
    while let ExprKind::Paren(inner) = &expr.kind {
        expr = inner;
    }
    expr
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal. Its bits are those of the `u64` written, so `9223372036854775808`
    /// is `i64::MIN`; the type checker accepts that only directly under a unary minus.
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
    Str(String),
    Interpolated(Vec<StringPart>),
    Name(Name),
    Array(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    /// Boxed, as the rare large variants are: an `Expr` is as large as its largest variant, and
    /// a tree holds hundreds of thousands of them at 100,000 lines (issue 20).
    StructLiteral(Box<StructLiteral>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    Field {
        object: Box<Expr>,
        field: Name,
    },
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    Unwrap(Box<Expr>),
    /// An expression in parentheses; kept so that `(a < b) < c` is not mistaken for a chain.
    Paren(Box<Expr>),
    /// `.Name`: a variant of the enum the context expects (`.Circle(1.0)` is a `Call` of it).
    /// `Shape.Circle` and `geo.Shape.Circle` are `Field`s: only the checker can tell an enum's
    /// name from a variable's.
    ImplicitMember(Name),
    /// `match` used as a value (LANGUAGE.md section 9).
    Match(Box<Match>),
    /// `if` used as a value: `if c { a } else { b }`, each branch exactly one expression.
    If(Box<IfExpr>),
    /// A function expression (a closure, LANGUAGE.md section 10): `fn(a, b: int) -> T { ... }`
    /// or `fn(a) => expr`.
    Function(Box<FunctionExpr>),
    /// An expression the parser could not read; already reported.
    Error,
}

/// `fn(PARAMS) -> T { BODY }` or `fn(PARAMS) => EXPR`; parameter and result types may be
/// left out where the expected type gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionExpr {
    pub params: Vec<ClosureParam>,
    pub result: Option<TypeExpr>,
    pub body: FunctionBody,
    /// The `fn` keyword, where messages about the closure point.
    pub keyword: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClosureParam {
    pub name: Name,
    pub ty: Option<TypeExpr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FunctionBody {
    Block(Block),
    /// `=> expr`.
    Expr(Expr),
}

/// The scrutinee and arms of a `match`, as a statement or as a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub scrutinee: Expr,
    pub arms: Vec<MatchArm>,
}

/// `PATTERN => BODY` or `PATTERN if GUARD => BODY`.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub guard: Option<Expr>,
    pub body: ArmBody,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArmBody {
    /// A body in braces, or in a statement `match` any body (see `StatementKind::Match`).
    Block(Block),
    /// The expression of an arm of a `match` used as a value.
    Value(Expr),
}

/// `if` used as a value. `else if` is an `else_value` that is itself an `ExprKind::If`.
#[derive(Clone, Debug, PartialEq)]
pub struct IfExpr {
    pub condition: IfCondition,
    pub then_value: Expr,
    pub else_value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IfCondition {
    Bool(Expr),
    /// `if let PATTERN = value`.
    Let {
        pattern: Pattern,
        value: Expr,
    },
}

/// A pattern of `match`, `if let` or `let ... else` (LANGUAGE.md section 9).
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    /// `_`.
    Wildcard,
    /// A name, which matches anything and binds it.
    Binding(Name),
    /// An `int` literal, its sign applied (`-3`). Character literals (section 11) will be
    /// `int` patterns too, written differently.
    Int(i64),
    Str(String),
    Bool(bool),
    Nil,
    /// `start..end` or `start..=end`, bounds `int` literals.
    Range {
        start: i64,
        end: i64,
        inclusive: bool,
    },
    /// `.Name`, `.Name(p, ...)`, `Enum.Name(...)`, `module.Enum.Name(...)`.
    Variant {
        /// The enum's name when written, with its module when written.
        enum_name: Option<(Option<Name>, Name)>,
        name: Name,
        /// `None` without parentheses; `Some(vec![])` is `.Name()`.
        fields: Option<Vec<Pattern>>,
    },
    /// `p | q | ...`, at least two alternatives.
    Or(Vec<Pattern>),
    /// A pattern the parser could not read; already reported.
    Error,
}

impl Pattern {
    /// The name of `if let NAME = ...`, the one form of version 0.1, where `_` was an
    /// ordinary name; `None` for every other pattern.
    pub fn plain_name(&self) -> Option<Name> {
        match &self.kind {
            PatternKind::Binding(name) => Some(name.clone()),
            PatternKind::Wildcard => Some(Name {
                text: "_".to_string(),
                span: self.span,
            }),
            _ => None,
        }
    }

    /// The names the pattern binds, in source order (alternatives may not bind, but an
    /// erroneous one is walked too, so that later uses of its names resolve).
    pub fn bindings(&self) -> Vec<&Name> {
        let mut names = Vec::new();
        self.collect_bindings(&mut names);
        names
    }

    fn collect_bindings<'a>(&'a self, names: &mut Vec<&'a Name>) {
        match &self.kind {
            PatternKind::Binding(name) => names.push(name),
            PatternKind::Variant {
                fields: Some(fields), ..
            } => fields.iter().for_each(|field| field.collect_bindings(names)),
            PatternKind::Or(alternatives) => alternatives.iter().for_each(|pattern| pattern.collect_bindings(names)),
            _ => {}
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum StringPart {
    Text(String),
    Expr(Expr),
    /// The format specification of the `Expr` part just before it (`"{x:>8}"`). Kept as a
    /// part of its own so that code walking the expressions of a string needs no change.
    Format(FormatSpec, Span),
}

/// How an interpolated value is written: `[[fill]align][0][width][.precision]` (LANGUAGE.md
/// section 11), as the lexer parsed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    pub fill: char,
    /// `None` for the default of the value's type: right for numbers, left otherwise.
    pub align: Option<FormatAlign>,
    pub zero: bool,
    /// 0 when the spec has no width.
    pub width: u32,
    pub precision: Option<u32>,
}

impl FormatSpec {
    /// Whether the spec changes nothing about how the value is written (`{x:}`, `{x:<}`).
    pub fn is_plain(&self) -> bool {
        self.width == 0 && self.precision.is_none()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatAlign {
    Left,
    Right,
    Center,
}

/// `Name { field: value, ... }` or `module.Name { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct StructLiteral {
    pub module: Option<Name>,
    pub name: Name,
    pub fields: Vec<FieldInit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldInit {
    pub name: Name,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Negate,
    BitNot,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    BitAnd,
    BitOr,
    BitXor,
    ShiftLeft,
    ShiftRight,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    And,
    Or,
    /// `a ?? b` (LANGUAGE.md section 11): `a`'s value, or `b` (evaluated only then) when `a` is nil.
    Coalesce,
}

impl BinaryOp {
    /// Whether the operator binds at least as tightly as `+` and `-`: what a range bound may
    /// use without parentheses (LANGUAGE.md section 4).
    pub fn is_additive_or_tighter(self) -> bool {
        matches!(
            self,
            BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Remainder
        )
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Remainder => "%",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::ShiftLeft => "<<",
            BinaryOp::ShiftRight => ">>",
            BinaryOp::Equal => "==",
            BinaryOp::NotEqual => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEqual => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Coalesce => "??",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Equal
                | BinaryOp::NotEqual
                | BinaryOp::Less
                | BinaryOp::LessEqual
                | BinaryOp::Greater
                | BinaryOp::GreaterEqual
        )
    }
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Negate => "-",
            UnaryOp::BitNot => "~",
            UnaryOp::Not => "not",
        }
    }
}
