//! Which script functions provably cannot fail, so that whole-program code may call them
//! without testing the status they return and they need no stack-depth check at entry.
//!
//! A function *cannot fail* when no runtime error is reachable from its body (LANGUAGE.md
//! section 6 lists them) and its frame cannot be the one that overflows the stack. The
//! analysis is deliberately narrow, a whitelist of constructs that compile to plain
//! instructions:
//! - parameters, result and every expression of type `int`, `float` or `bool` (no strings,
//!   arrays, maps, structs, optionals or function values: those allocate, index, unwrap or
//!   call unknown code);
//! - literals, locals (read, `let`/`var` without a type annotation, assignment, compound
//!   assignment), unary and binary operators except `??` (`int` arithmetic wraps; an `int`
//!   `/` or `%` only by a non-zero literal; float division never fails), `if` (statement and
//!   expression), `while`, `for` over a range, `break`, `continue`, `return`;
//! - direct calls of script functions that themselves cannot fail, with arguments of exactly
//!   the parameters' types (no conversion that could allocate);
//! - the numeric built-ins on `int`, `float` and `bool` arguments: `int`, `float` (the
//!   conversion of a float to an int saturates), `sqrt`, `floor`, `ceil`, `abs`, `min`,
//!   `max`, `sin`, `cos`, `tan`, `exp`, `log`, `atan2`, `pow`;
//! - reads and writes of module variables of those types, only in functions that cannot run
//!   while module initializers run (`reachability`): elsewhere a read checks that the
//!   variable was initialized, which can fail in import cycles.
//!
//! No other built-in is called, no closure is made. A function that is part of a call
//! cycle never qualifies: recursion is what the stack-depth check exists for. Without a
//! cycle, the frames a chain of such calls adds are bounded: at most `MAX_HEIGHT` of them
//! below the last checked frame, each of a body of at most `MAX_NODES` syntax nodes, which
//! stays well inside the reserve the runtime keeps below the stack limit
//! (`STACK_RESERVE`, 1 MiB).
//!
//! Hot-reload code never skips a status test by this (`Target::call_protocol`): a reload may
//! replace any callee by one that fails. It asks only about *leaves* (`leaves_that_cannot_fail`:
//! no calls of script functions, no module variables, whose cells a reload may remove): such a
//! body has no stack-depth check, and a guarded direct call of it (`hot/calls.rs`), which runs
//! exactly the version analysed, does not test its status.

use crate::sema::CheckedProgram;
use crate::sema::builtins::Builtin;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::{FunctionId, Type};
use crate::source::FileId;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, StatementKind};

/// The longest chain of calls of functions that cannot fail, counting the first.
const MAX_HEIGHT: u32 = 8;

/// The most syntax nodes (expressions and statements) a body that cannot fail may have, so
/// that its frame stays small.
const MAX_NODES: usize = 2000;

/// For each function (indexed by `FunctionId`): whether it provably cannot fail.
/// `runs_during_initialization` is `reachability::reachable_from_initializers`.
pub fn functions_that_cannot_fail(checked: &CheckedProgram, runs_during_initialization: &[bool]) -> Vec<bool> {
    let declarations = checked.function_declarations();
    let count = checked.items.functions.len();
    // Per function: its direct callees, or `None` when its own body may fail.
    let callees: Vec<Option<Vec<FunctionId>>> = (0..count)
        .map(|index| {
            let reads_variables = !runs_during_initialization.get(index).copied().unwrap_or(true);
            direct_callees_if_body_cannot_fail(checked, index, declarations[index]?, reads_variables)
        })
        .collect();
    let mut height: Vec<Height> = vec![Height::Unknown; count];
    (0..count)
        .map(|index| matches!(height_of(index, &callees, &mut height), Height::Known(_)))
        .collect()
}

/// For each function `wanted` accepts (others are false): whether it provably cannot fail,
/// calls no script function and names no module variable, so that what it does depends on
/// its own body alone (hot mode: `declarations` is `CheckedProgram::function_declarations`).
pub(crate) fn leaves_that_cannot_fail(
    checked: &CheckedProgram,
    declarations: &[Option<&ast::FunctionDecl>],
    wanted: impl Fn(usize) -> bool,
) -> Vec<bool> {
    (0..checked.items.functions.len())
        .map(|index| {
            wanted(index)
                && declarations[index]
                    .and_then(|declaration| direct_callees_if_body_cannot_fail(checked, index, declaration, false))
                    .is_some_and(|callees| callees.is_empty())
        })
        .collect()
}

/// Whether `expr`, in a body of `file`, is arithmetic on locals and literals that cannot fail
/// and calls nothing (`tail_accumulation`: it may move to another frame).
pub(crate) fn expression_is_plain_arithmetic(checked: &CheckedProgram, file: FileId, expr: &Expr) -> bool {
    let mut walker = Walker {
        checked,
        file,
        result: None,
        callees: Vec::new(),
        nodes: 0,
        reads_variables: false,
    };
    walker.expr(expr) && walker.callees.is_empty() && walker.nodes <= MAX_NODES
}

/// The script functions function `index` calls directly, when its own body cannot fail
/// (`reads_variables`: whether module variables are plain storage there).
fn direct_callees_if_body_cannot_fail(
    checked: &CheckedProgram,
    index: usize,
    declaration: &ast::FunctionDecl,
    reads_variables: bool,
) -> Option<Vec<FunctionId>> {
    let info = checked.items.function(FunctionId(index as u32));
    let simple_signature = info.params.iter().all(is_plain) && info.result.as_ref().is_none_or(is_plain);
    if !simple_signature {
        return None;
    }
    let mut walker = Walker {
        checked,
        file: info.file,
        result: info.result.as_ref(),
        callees: Vec::new(),
        nodes: 0,
        reads_variables,
    };
    (walker.block(&declaration.body) && walker.nodes <= MAX_NODES).then_some(walker.callees)
}

/// The state of one function in the depth-first walk of `height_of`.
#[derive(Clone, Copy)]
enum Height {
    Unknown,
    /// On the walk's path: meeting it again means a cycle.
    Visiting,
    /// Cannot fail; the longest chain of calls it starts.
    Known(u32),
    Fails,
}

/// The longest call chain from `index` through functions that cannot fail, or `Fails`.
fn height_of(index: usize, callees: &[Option<Vec<FunctionId>>], height: &mut [Height]) -> Height {
    match height[index] {
        Height::Unknown => {}
        // A cycle: every function on it keeps its checks.
        Height::Visiting => return Height::Fails,
        known => return known,
    }
    let Some(direct) = &callees[index] else {
        height[index] = Height::Fails;
        return Height::Fails;
    };
    height[index] = Height::Visiting;
    let mut tallest = 0;
    let mut result = Height::Known(0);
    for callee in direct {
        match height_of(callee.0 as usize, callees, height) {
            Height::Known(below) => tallest = tallest.max(below),
            _ => result = Height::Fails,
        }
    }
    if let Height::Known(_) = result {
        result = if tallest < MAX_HEIGHT {
            Height::Known(tallest + 1)
        } else {
            Height::Fails
        };
    }
    height[index] = result;
    result
}

/// Types whose values live in one register and whose operations compile to instructions.
fn is_plain(ty: &Type) -> bool {
    matches!(ty, Type::Int | Type::Float | Type::Bool)
}

/// Walks one body; every method answers whether what it walked cannot fail.
struct Walker<'a> {
    checked: &'a CheckedProgram,
    file: FileId,
    result: Option<&'a Type>,
    callees: Vec<FunctionId>,
    nodes: usize,
    /// Whether module variables are read without a check here (see the file's comment).
    reads_variables: bool,
}

impl Walker<'_> {
    fn block(&mut self, block: &ast::Block) -> bool {
        block.statements.iter().all(|statement| self.statement(statement))
    }

    fn type_of(&self, expr: &Expr) -> Option<&Type> {
        self.checked.results.expr_type(self.file, expr.span)
    }

    fn statement(&mut self, statement: &ast::Statement) -> bool {
        self.nodes += 1;
        match &statement.kind {
            StatementKind::Let { ty: None, init, .. } => self.expr(init),
            StatementKind::Assign { target, op, value } => {
                let ExprKind::Name(name) = &target.kind else {
                    return false;
                };
                let target_type = self.type_of(target).cloned();
                self.names_plain_storage(name)
                    && target_type.as_ref().is_some_and(is_plain)
                    && self.type_of(value) == target_type.as_ref()
                    && op.is_none_or(|op| self.operator_cannot_fail(op, target_type.as_ref(), value))
                    && self.expr(value)
            }
            StatementKind::Expr(expr) => self.expr(expr),
            StatementKind::If {
                condition,
                then_block,
                else_branch,
            } => self.expr(condition) && self.block(then_block) && self.else_branch(else_branch),
            StatementKind::While { condition, body } => self.expr(condition) && self.block(body),
            StatementKind::ForRange { start, end, body, .. } => self.expr(start) && self.expr(end) && self.block(body),
            StatementKind::Return(Some(value)) => self.type_of(value) == self.result && self.expr(value),
            StatementKind::Return(None) | StatementKind::Break | StatementKind::Continue => true,
            _ => false,
        }
    }

    fn else_branch(&mut self, else_branch: &Option<ast::ElseBranch>) -> bool {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.block(block),
            Some(ast::ElseBranch::If(statement)) => self.statement(statement),
            None => true,
        }
    }

    /// Whether `lhs op rhs` cannot fail, `lhs` being of type `ty`.
    fn operator_cannot_fail(&self, op: BinaryOp, ty: Option<&Type>, rhs: &Expr) -> bool {
        match op {
            BinaryOp::Coalesce => false,
            BinaryOp::Divide | BinaryOp::Remainder if ty == Some(&Type::Int) => is_nonzero_literal(rhs),
            _ => true,
        }
    }

    fn expr(&mut self, expr: &Expr) -> bool {
        self.nodes += 1;
        let typed_plain = self.type_of(expr).is_some_and(is_plain);
        match &expr.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) => typed_plain,
            ExprKind::Name(name) => typed_plain && self.names_plain_storage(name),
            ExprKind::Unary { operand, .. } => typed_plain && self.expr(operand),
            ExprKind::Binary { op, lhs, rhs } => {
                let operand_type = self.type_of(lhs).cloned();
                typed_plain
                    && operand_type.as_ref().is_some_and(is_plain)
                    && self.type_of(rhs) == operand_type.as_ref()
                    && self.operator_cannot_fail(*op, operand_type.as_ref(), rhs)
                    && self.expr(lhs)
                    && self.expr(rhs)
            }
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::If(if_expr) => {
                let ast::IfCondition::Bool(condition) = &if_expr.condition else {
                    return false;
                };
                typed_plain && self.expr(condition) && self.expr(&if_expr.then_value) && self.expr(&if_expr.else_value)
            }
            ExprKind::Call { callee, args } => self.call(expr, callee, args),
            _ => false,
        }
    }

    /// Whether `name` is a local, or a module variable read and written without a check.
    fn names_plain_storage(&self, name: &ast::Name) -> bool {
        match self.checked.results.name(self.file, name.span) {
            Some(NameRef::Local) | None => true,
            Some(NameRef::Variable(_)) => self.reads_variables,
            Some(NameRef::Function(_) | NameRef::Builtin(_)) => false,
        }
    }

    /// A direct call of a script function with arguments of exactly its parameters' types,
    /// or of a numeric built-in.
    fn call(&mut self, expr: &Expr, callee: &Expr, args: &[Expr]) -> bool {
        let Some(info) = self.checked.results.call(self.file, expr.span) else {
            return false;
        };
        let id = match info.target {
            CallTarget::Function(id) => id,
            CallTarget::Builtin(builtin) => {
                let receiver = match (&callee.kind, info.receiver_is_first_argument) {
                    (ExprKind::Field { object, .. }, true) => Some(&**object),
                    (_, true) => return false,
                    (_, false) => None,
                };
                return is_numeric_builtin(builtin)
                    && self.type_of(expr).is_some_and(is_plain)
                    && receiver
                        .into_iter()
                        .chain(args)
                        .all(|argument| self.type_of(argument).is_some_and(is_plain) && self.expr(argument));
            }
            CallTarget::Value => return false,
        };
        let mut arguments: Vec<&Expr> = Vec::with_capacity(args.len() + 1);
        if info.receiver_is_first_argument {
            let ExprKind::Field { object, .. } = &callee.kind else {
                return false;
            };
            arguments.push(object);
        }
        arguments.extend(args.iter());
        let params = &self.checked.items.function(id).params;
        if arguments.len() != params.len() {
            return false;
        }
        for (argument, param) in arguments.iter().zip(params) {
            if self.type_of(argument) != Some(param) || !self.expr(argument) {
                return false;
            }
        }
        self.callees.push(id);
        true
    }
}

/// The built-ins that, on `int`, `float` and `bool` arguments, compute a number and cannot
/// fail (see `codegen/builtins.rs` and `codegen/intrinsics.rs`).
fn is_numeric_builtin(builtin: Builtin) -> bool {
    use Builtin::*;
    matches!(
        builtin,
        Int | Float | Sqrt | Floor | Ceil | Abs | Min | Max | Sin | Cos | Tan | Exp | Log | Atan2 | Pow
    )
}

/// `N` or `-N` (in parentheses or not) with `N` not zero.
fn is_nonzero_literal(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Int(value) => *value != 0,
        ExprKind::Paren(inner) => is_nonzero_literal(inner),
        ExprKind::Unary {
            op: ast::UnaryOp::Negate,
            operand,
        } => is_nonzero_literal(operand),
        _ => false,
    }
}
