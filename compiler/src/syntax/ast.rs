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
    IfLet {
        name: Name,
        value: Expr,
        then_block: Block,
        else_branch: Option<ElseBranch>,
    },
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
    StructLiteral {
        module: Option<Name>,
        name: Name,
        fields: Vec<FieldInit>,
    },
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
    /// An expression the parser could not read; already reported.
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StringPart {
    Text(String),
    Expr(Expr),
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
}

impl BinaryOp {
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
