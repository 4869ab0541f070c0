//! Doubly recursive functions like `fib` turned into a loop with an accumulator: the second
//! call of `return f(n - A) + f(n - B)` is a tail call once its sum is carried along, so the
//! body becomes `acc = 0; loop { if BASE { return acc + E }; acc += f(n - A); n = n - B }`,
//! which halves the calls (gcc -O2's tail-recursion pass does the same for C's `fib`).
//!
//! The rewrite must not change anything a program can observe (LANGUAGE.md), which is why
//! its shape is narrow:
//! - `int` `+` wraps (section 2), so it is associative and commutative: the sum is the same;
//! - the calls, the base test and the arguments run in the same order as before: `f(n - A)`,
//!   then the second call's test at its entry, then its own first call, and so on;
//! - nothing but the recursive calls can fail: the base test, the base value and the
//!   arguments are plain arithmetic on locals that cannot fail (`calls_infallible`), so no
//!   error is raised in a frame the loop no longer has, and every stack trace is the one the
//!   recursion would print;
//! - the recursion stays as deep: with `n < K` (or `n <= K`), `K` a non-negative literal,
//!   and literal steps `1 <= A <= B`, the depth below `f(n)` does not decrease with `n`, so
//!   the deepest chain of calls is always the first one, `f(n - A)` from `f(n)` and so on,
//!   which the loop makes exactly as the recursion did: deep recursion still overflows the
//!   stack at the same call, with the same trace. With `K >= 0` no step wraps around.
//!
//! Under hot reload (`Target::tail_accumulation`) the back edge stands for the second call,
//! which must run whatever body the function's slot holds, and the error exits must record
//! the frames the iterations stand for: `codegen/hot/accumulation.rs`.

use cranelift_codegen::ir::{self, InstBuilder, types};
use cranelift_frontend::Variable;

use crate::codegen::calls_infallible::expression_is_plain_arithmetic;
use crate::codegen::function::Translator;
use crate::codegen::target::TailAccumulation;
use crate::sema::CheckedProgram;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::{FunctionId, Type};
use crate::source::FileId;
use crate::syntax::ast::strip_parens;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, StatementKind};

/// The largest step of the counting parameter, so that the steps stay far from wrapping.
const MAX_STEP: i64 = 1 << 32;

/// The parts of a function the loop is made of.
pub(crate) struct AccumulatingLoop<'a> {
    /// True when the recursion ends (`n < 2`).
    pub(crate) base_condition: &'a Expr,
    /// What the function returns when it ends (`n`).
    pub(crate) base_value: &'a Expr,
    /// The call whose result is accumulated (`f(n - 1)`).
    pub(crate) first_call: &'a Expr,
    /// The call the back edge stands for (`f(n - 2)`).
    pub(crate) second_call: &'a Expr,
    /// The second call's arguments, one per parameter: the parameters of the next iteration.
    pub(crate) next_arguments: &'a [Expr],
    /// The index of the counting parameter (`n`).
    pub(crate) counter: usize,
    /// How much the first call takes from it (`1`).
    pub(crate) first_step: i64,
    /// How much the second call takes from it (`2`).
    pub(crate) step: i64,
}

/// The loop function `id` becomes, when its body has the shape this file describes.
pub(crate) fn accumulating_loop<'a>(
    checked: &CheckedProgram,
    file: FileId,
    id: FunctionId,
    declaration: &'a ast::FunctionDecl,
) -> Option<AccumulatingLoop<'a>> {
    let info = checked.items.function(id);
    let plain = |ty: &Type| matches!(ty, Type::Int | Type::Float | Type::Bool);
    if info.result != Some(Type::Int) || !info.params.iter().all(plain) {
        return None;
    }
    let (base_condition, base_value, recursive_value) = base_and_recursion(&declaration.body)?;
    let ExprKind::Binary {
        op: BinaryOp::Add,
        lhs,
        rhs,
    } = &strip_parens(recursive_value).kind
    else {
        return None;
    };
    let first_call = strip_parens(lhs);
    let second_call = strip_parens(rhs);
    let first_arguments = self_call_arguments(checked, file, id, first_call)?;
    let next_arguments = self_call_arguments(checked, file, id, second_call)?;
    let names: Vec<&str> = declaration
        .params
        .iter()
        .map(|param| param.name.text.as_str())
        .collect();
    if first_arguments.len() != names.len()
        || next_arguments.len() != names.len()
        || declaration
            .params
            .iter()
            .any(|param| checked.results.is_cell(file, param.name.span))
    {
        return None;
    }
    let counter = counting_parameter(checked, file, base_condition, &names, &info.params)?;
    let (mut first_step_taken, mut step) = (0, 0);
    for (index, name) in names.iter().enumerate() {
        let (first, next) = (&first_arguments[index], &next_arguments[index]);
        if index == counter {
            let first_step = step_below(checked, file, first, name)?;
            let next_step = step_below(checked, file, next, name)?;
            if first_step > next_step {
                return None;
            }
            (first_step_taken, step) = (first_step, next_step);
        } else if !names_local(checked, file, first, name) || !names_local(checked, file, next, name) {
            return None;
        }
    }
    expression_is_plain_arithmetic(checked, file, base_value).then_some(AccumulatingLoop {
        base_condition,
        base_value,
        first_call,
        second_call,
        next_arguments,
        counter,
        first_step: first_step_taken,
        step,
    })
}

impl Translator<'_, '_, '_> {
    /// Translates the body of function `id` as a loop with an accumulator when it has the
    /// shape this file describes and the target allows it; false when it did nothing. The
    /// parameters are declared, and the stack-depth check made, as for any body.
    pub(crate) fn accumulated_body(
        &mut self,
        id: crate::sema::types::FunctionId,
        declaration: &ast::FunctionDecl,
    ) -> bool {
        let Some(plan) = accumulating_loop(self.state.checked, self.file, id, declaration) else {
            return false;
        };
        let mut parameters = Vec::with_capacity(declaration.params.len());
        for param in &declaration.params {
            let Some((variable, _)) = self.lookup_local(&param.name.text) else {
                self.bug("a parameter of an accumulated recursion is not a local");
                return false;
            };
            parameters.push(variable);
        }
        if self.state.target.tail_accumulation() == TailAccumulation::LoopCheckingTheSlot {
            self.slot_checked_accumulation(id, &plan, &parameters);
            return true;
        }
        let sum = self.builder.declare_var(types::I64);
        let zero = self.iconst(0);
        self.builder.def_var(sum, zero);
        let header = self.builder.create_block();
        self.builder.ins().jump(header, &[]);
        self.builder.switch_to_block(header);
        self.base_case_or_recursion(&plan, sum, None);
        let first = self.expr_value(plan.first_call);
        let before = self.builder.use_var(sum);
        let total = self.builder.ins().iadd(before, first);
        self.builder.def_var(sum, total);
        // Every argument is computed from this iteration's parameters before any is replaced.
        let next: Vec<_> = plan
            .next_arguments
            .iter()
            .map(|argument| self.expr_value(argument))
            .collect();
        for (variable, value) in parameters.into_iter().zip(next) {
            self.builder.def_var(variable, value);
        }
        self.builder.ins().jump(header, &[]);
        self.builder.seal_block(header);
        true
    }

    /// At a level's header: the base test; its base case returns (outer level, `join` None)
    /// or goes to `join` with `sum + E` (inner level). Leaves the recursion block current.
    pub(crate) fn base_case_or_recursion(
        &mut self,
        plan: &AccumulatingLoop<'_>,
        sum: Variable,
        join: Option<ir::Block>,
    ) {
        let base = self.builder.create_block();
        let recursion = self.builder.create_block();
        let ends = self.expr_value(plan.base_condition);
        self.builder.ins().brif(ends, base, &[], recursion, &[]);
        self.builder.switch_to_block(base);
        self.builder.seal_block(base);
        let value = self.expr_value(plan.base_value);
        let before = self.builder.use_var(sum);
        let total = self.builder.ins().iadd(before, value);
        match join {
            Some(join) => self.jump_with(join, &[total]),
            None => self.return_status(0, Some(total)),
        }
        self.builder.switch_to_block(recursion);
        self.builder.seal_block(recursion);
    }
}

/// `if BASE { return E }` then `return R` (or `else { return R }`): (BASE, E, R).
fn base_and_recursion(body: &ast::Block) -> Option<(&Expr, &Expr, &Expr)> {
    let (first, rest) = body.statements.split_first()?;
    let StatementKind::If {
        condition,
        then_block,
        else_branch,
    } = &first.kind
    else {
        return None;
    };
    let base_value = only_return(then_block)?;
    let recursive_value = match (else_branch, rest) {
        (None, [last]) => match &last.kind {
            StatementKind::Return(Some(value)) => value,
            _ => return None,
        },
        (Some(ast::ElseBranch::Block(block)), []) => only_return(block)?,
        _ => return None,
    };
    Some((condition, base_value, recursive_value))
}

/// The value of a block that is only `return VALUE`.
fn only_return(block: &ast::Block) -> Option<&Expr> {
    match block.statements.as_slice() {
        [statement] => match &statement.kind {
            StatementKind::Return(Some(value)) => Some(value),
            _ => None,
        },
        _ => None,
    }
}

/// The arguments of `expr` when it is a plain call of function `id` by its name.
fn self_call_arguments<'a>(
    checked: &CheckedProgram,
    file: FileId,
    id: FunctionId,
    expr: &'a Expr,
) -> Option<&'a [Expr]> {
    let ExprKind::Call { callee, args } = &expr.kind else {
        return None;
    };
    // A call by a bare name that resolves to a function (a local of function type would be
    // a call of a value) is a direct call.
    if !matches!(callee.kind, ExprKind::Name(_)) {
        return None;
    }
    let info = checked.results.call(file, expr.span)?;
    let calls_itself = info.target == CallTarget::Function(id) && !info.receiver_is_first_argument;
    calls_itself.then_some(args.as_slice())
}

/// The `int` parameter the base condition tests: `n < K`, `n <= K`, `K > n` or `K >= n` with
/// `K` a non-negative literal.
fn counting_parameter(
    checked: &CheckedProgram,
    file: FileId,
    condition: &Expr,
    names: &[&str],
    types: &[Type],
) -> Option<usize> {
    let ExprKind::Binary { op, lhs, rhs } = &strip_parens(condition).kind else {
        return None;
    };
    let (local, limit) = match op {
        BinaryOp::Less | BinaryOp::LessEqual => (lhs, rhs),
        BinaryOp::Greater | BinaryOp::GreaterEqual => (rhs, lhs),
        _ => return None,
    };
    if !matches!(strip_parens(limit).kind, ExprKind::Int(value) if value >= 0) {
        return None;
    }
    let index = names.iter().position(|name| names_local(checked, file, local, name))?;
    (types[index] == Type::Int).then_some(index)
}

/// Whether `expr` is the local `name` (the body declares no other local, so a local of a
/// parameter's name is that parameter).
fn names_local(checked: &CheckedProgram, file: FileId, expr: &Expr, name: &str) -> bool {
    match &strip_parens(expr).kind {
        ExprKind::Name(local) => local.text == name && checked.results.name(file, local.span) == Some(NameRef::Local),
        _ => false,
    }
}

/// `S` when `expr` is `name - S` with `S` a literal in `1..=MAX_STEP`.
fn step_below(checked: &CheckedProgram, file: FileId, expr: &Expr, name: &str) -> Option<i64> {
    let ExprKind::Binary {
        op: BinaryOp::Subtract,
        lhs,
        rhs,
    } = &strip_parens(expr).kind
    else {
        return None;
    };
    if !names_local(checked, file, lhs, name) {
        return None;
    }
    match strip_parens(rhs).kind {
        ExprKind::Int(step) if (1..=MAX_STEP).contains(&step) => Some(step),
        _ => None,
    }
}
