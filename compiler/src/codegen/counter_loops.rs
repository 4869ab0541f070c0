//! Bounds-check elimination for `while` loops over counters that move toward each other:
//! `while LOW < HIGH { ... }` (or `<=`), where the body only raises `LOW` (`LOW += STEP`) and
//! only lowers `HIGH` (`HIGH -= STEP`), as in an in-place reversal (`while lo < hi`) or a
//! sieve's strides (`while j <= n { flags[j] = false; j += i }`).
//!
//! The loop is emitted twice and chosen at entry (loop versioning, as for `for` loops in
//! `bounds.rs`): the proven copy when `LOW >= 0`, `HIGH < len(xs)` for every `xs[HIGH]`,
//! `HIGH <= len(xs)` (`< len(xs)` with `<=`) for every `xs[LOW]`, and every step named by a
//! local is in `0..=2^32`. Then, at the top of each iteration, `LOW` is at least its entry value
//! (it only grew, by steps too small to wrap, since `LOW < HIGH <= len` before each step) and
//! `HIGH` at most its entry value, and the condition holds, so `0 <= LOW <= HIGH < len` (or
//! `LOW < HIGH <= len`): every `xs[LOW]` and `xs[HIGH]` is in range until the body's first
//! statement that moves a counter. Accesses after it keep their checks. The body must keep
//! every array's length and hold no loop (the rule of `bounds.rs`), move the counters only
//! by top-level statements of that form, and not bind a counter, an array or a step at its
//! top level (so each name means the value the entry test saw).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_frontend::Variable;

use crate::codegen::bounds::{IndexedBy, InnerLoops, LengthKeeping, LoopCopy, ProvenIndex};
use crate::codegen::conditions::LoopTargets;
use crate::codegen::function::Translator;
use crate::codegen::hot::unrolled_loops::unrolls_twice;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::ARRAY_LEN_OFFSET;
use crate::codegen::target::IndexProofs;
use crate::sema::CheckedProgram;
use crate::sema::types::Type;
use crate::source::{FileId, Span};
use crate::syntax::ast::strip_parens;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, StatementKind};

/// The largest step named by a local that the proven copy accepts: with it, a counter that
/// is below an array's length before a step cannot wrap around.
const LARGEST_STEP: i64 = 1 << 32;

/// The upper side of the condition: a local counter or an int literal.
pub(crate) enum High<'e> {
    Counter(&'e ast::Name),
    Literal(i64),
}

/// A `while` loop whose accesses `xs[LOW]` and `xs[HIGH]` can be proven (module
/// documentation).
pub(crate) struct CounterLoop<'e> {
    low: &'e ast::Name,
    high: High<'e>,
    /// `LOW <= HIGH` rather than `LOW < HIGH`.
    inclusive: bool,
    /// The arrays indexed as `xs[LOW]` / `xs[HIGH]` before the first counter step.
    low_arrays: Vec<&'e ast::Name>,
    high_arrays: Vec<&'e ast::Name>,
    /// The steps named by locals (literal steps need no test).
    named_steps: Vec<&'e ast::Name>,
    /// The number of the body's first statements in which the accesses are proven.
    proven_statements: usize,
}

/// The counter loop of `while CONDITION { BODY }`, when it has that shape and something to
/// prove.
pub(crate) fn counter_loop<'e>(
    checked: &CheckedProgram,
    cannot_fail: &[bool],
    file: FileId,
    condition: &'e Expr,
    body: &'e ast::Block,
) -> Option<CounterLoop<'e>> {
    let ExprKind::Binary { op, lhs, rhs } = &strip_parens(condition).kind else {
        return None;
    };
    let inclusive = match op {
        BinaryOp::Less => false,
        BinaryOp::LessEqual => true,
        _ => return None,
    };
    let ExprKind::Name(low) = &strip_parens(lhs).kind else {
        return None;
    };
    let high = match &strip_parens(rhs).kind {
        ExprKind::Name(high) if high.text != low.text => High::Counter(high),
        ExprKind::Int(value) => High::Literal(*value),
        _ => return None,
    };
    let high_name = match &high {
        High::Counter(name) => Some(name.text.as_str()),
        High::Literal(_) => None,
    };
    let mut named_steps = Vec::new();
    let mut proven_statements = None;
    for (position, statement) in body.statements.iter().enumerate() {
        match counter_step(statement, &low.text, high_name) {
            Some(Step::Literal) => {}
            Some(Step::Named(step)) => named_steps.push(step),
            None => continue,
        }
        proven_statements.get_or_insert(position);
    }
    let proven_statements = proven_statements.unwrap_or(body.statements.len());
    let prefix = &body.statements[..proven_statements];
    let mut low_indexed = IndexedBy {
        index: &low.text,
        arrays: Vec::new(),
    };
    prefix.iter().for_each(|statement| low_indexed.statement(statement));
    let mut high_indexed = IndexedBy {
        index: high_name.unwrap_or(""),
        arrays: Vec::new(),
    };
    if high_name.is_some() {
        prefix.iter().for_each(|statement| high_indexed.statement(statement));
    }
    if low_indexed.arrays.is_empty() && high_indexed.arrays.is_empty() {
        return None;
    }
    // Every name whose meaning the entry test fixes: no statement but a step may assign it,
    // and no top-level statement may bind it.
    let mut fixed: Vec<&str> = vec![low.text.as_str()];
    fixed.extend(high_name);
    fixed.extend(named_steps.iter().map(|step| step.text.as_str()));
    fixed.extend(low_indexed.arrays.iter().map(|array| array.text.as_str()));
    fixed.extend(high_indexed.arrays.iter().map(|array| array.text.as_str()));
    let mut walker = LengthKeeping::new(checked, cannot_fail, file, &low.text);
    walker.arrays = fixed.clone();
    walker.inner_loops = InnerLoops::None;
    let body_keeps = body.statements.iter().all(|statement| {
        let binds_fixed = match &statement.kind {
            StatementKind::Let { name, .. } => fixed.contains(&name.text.as_str()),
            StatementKind::LetElse { .. } => true,
            _ => false,
        };
        !binds_fixed && (counter_step(statement, &low.text, high_name).is_some() || walker.statement(statement))
    });
    body_keeps.then_some(CounterLoop {
        low,
        high,
        inclusive,
        low_arrays: low_indexed.arrays,
        high_arrays: high_indexed.arrays,
        named_steps,
        proven_statements,
    })
}

enum Step<'e> {
    Literal,
    Named(&'e ast::Name),
}

/// Whether `statement` is `LOW += STEP` or `HIGH -= STEP`, with a non-negative int literal
/// or a local's name as the step.
fn counter_step<'e>(statement: &'e ast::Statement, low: &str, high: Option<&str>) -> Option<Step<'e>> {
    let StatementKind::Assign {
        target,
        op: Some(op),
        value,
    } = &statement.kind
    else {
        return None;
    };
    let ExprKind::Name(counter) = &strip_parens(target).kind else {
        return None;
    };
    let moves_toward = (counter.text == low && *op == BinaryOp::Add)
        || (Some(counter.text.as_str()) == high && *op == BinaryOp::Subtract);
    if !moves_toward {
        return None;
    }
    match &strip_parens(value).kind {
        ExprKind::Int(step) if (0..=LARGEST_STEP).contains(step) => Some(Step::Literal),
        // Not a counter: the other one may be negative after its own step.
        ExprKind::Name(step) if step.text != low && Some(step.text.as_str()) != high => Some(Step::Named(step)),
        _ => None,
    }
}

impl Translator<'_, '_, '_> {
    /// `while condition { body }` as two loops chosen at entry, when the loop is a counter
    /// loop whose names are plain int and array locals; false (nothing emitted) otherwise.
    pub(crate) fn versioned_counter_loop(
        &mut self,
        counter_loop: &CounterLoop,
        condition: &Expr,
        body: &ast::Block,
        span: Span,
    ) -> bool {
        let int_local = |translator: &Self, name: &ast::Name| {
            let (local, ty) = translator.lookup_local(&name.text)?;
            (ty == Type::Int && !translator.is_cell_variable(local)).then_some(local)
        };
        let array_local = |translator: &Self, name: &ast::Name| {
            let (local, ty) = translator.lookup_local(&name.text)?;
            (matches!(ty, Type::Array(_)) && !translator.is_cell_variable(local)).then_some(local)
        };
        let Some(low) = int_local(self, counter_loop.low) else {
            return false;
        };
        let high = match &counter_loop.high {
            High::Counter(name) => match int_local(self, name) {
                Some(high) => Some(high),
                None => return false,
            },
            High::Literal(_) => None,
        };
        let mut steps = Vec::new();
        for step in &counter_loop.named_steps {
            match int_local(self, step) {
                Some(step) => steps.push(step),
                None => return false,
            }
        }
        let mut arrays = Vec::new();
        for (names, counter) in [(&counter_loop.low_arrays, Some(low)), (&counter_loop.high_arrays, high)] {
            let Some(counter) = counter else { continue };
            for name in names {
                match array_local(self, name) {
                    Some(array) => arrays.push((array, counter)),
                    None => return false,
                }
            }
        }
        let low_value = self.builder.use_var(low);
        let mut in_range = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, low_value, 0);
        let high_value = match (&counter_loop.high, high) {
            (_, Some(high)) => self.builder.use_var(high),
            (High::Literal(value), None) => self.builder.ins().iconst(types::I64, *value),
            (High::Counter(_), None) => return false,
        };
        for &(array, counter) in &arrays {
            let array_value = self.builder.use_var(array);
            let len = self
                .builder
                .ins()
                .load(types::I64, trusted(), array_value, ARRAY_LEN_OFFSET);
            // `xs[HIGH]` needs `HIGH < len`; `xs[LOW]` needs `LOW < len`, which follows from
            // `HIGH <= len` when the condition is strict.
            let strict = counter != low || counter_loop.inclusive;
            let fits = self.high_fits(high_value, len, strict);
            in_range = self.builder.ins().band(in_range, fits);
        }
        for step in steps {
            let step = self.builder.use_var(step);
            let small = self
                .builder
                .ins()
                .icmp_imm_u(IntCC::UnsignedLessThanOrEqual, step, LARGEST_STEP);
            in_range = self.builder.ins().band(in_range, small);
        }
        // Under hot reload the proven copy goes on in the checked one after a safe point (the
        // counters are locals, so the checked header tests the condition on their values).
        let hot = self.state.target.index_proofs() == IndexProofs::BetweenSafePoints;
        self.versioned_loop(
            in_range,
            span,
            hot,
            |this, copy| this.while_loop(condition, body, &arrays, counter_loop.proven_statements, copy),
            |this, copy| this.while_loop(condition, body, &[], 0, copy),
        );
        true
    }

    fn high_fits(&mut self, high: Value, len: Value, strict: bool) -> Value {
        let condition = if strict {
            IntCC::SignedLessThan
        } else {
            IntCC::SignedLessThanOrEqual
        };
        self.builder.ins().icmp(condition, high, len)
    }

    /// `while condition { body }`, where `array[counter]` is proven in range for each of
    /// `proven` in the body's first `proven_statements` statements.
    pub(crate) fn while_loop(
        &mut self,
        condition: &Expr,
        body: &ast::Block,
        proven: &[(Variable, Variable)],
        proven_statements: usize,
        copy: LoopCopy,
    ) {
        let header = copy.header;
        let body_label = self.builder.create_block();
        let exit = self.builder.create_block();
        let mut facts: Vec<ProvenIndex> = Vec::new();
        for &(array, index) in proven {
            // An array indexed by both counters has one data pointer.
            let fact = match facts.iter().find(|fact| fact.array == array) {
                Some(known) => ProvenIndex { index, ..*known },
                None => self.proven_index(array, index),
            };
            facts.push(fact);
        }
        // Under hot reload a small body without calls runs twice per poll
        // (`hot/unrolled_loops.rs`): the second copy tests the condition again, without a poll.
        let twice = self.state.target.emits_polls() && unrolls_twice(self.state.checked, self.file, body);
        self.builder.ins().jump(header, &[]);
        self.builder.switch_to_block(header);
        self.loop_header_poll(copy);
        let targets = LoopTargets { body: body_label, exit };
        self.branch_on_condition(condition, body_label, exit, Some(targets));
        self.builder.switch_to_block(body_label);
        self.builder.seal_block(body_label);
        self.loops.push((header, exit));
        self.while_body(body, &facts, proven_statements);
        if twice {
            let second_test = self.builder.create_block();
            let second_body = self.builder.create_block();
            self.jump_if_open(second_test);
            self.builder.switch_to_block(second_test);
            self.builder.seal_block(second_test);
            let targets = LoopTargets {
                body: second_body,
                exit,
            };
            self.branch_on_condition(condition, second_body, exit, Some(targets));
            self.builder.switch_to_block(second_body);
            self.builder.seal_block(second_body);
            self.while_body(body, &facts, proven_statements);
        }
        self.loops.pop();
        self.jump_if_open(header);
        self.builder.seal_block(header);
        self.builder.switch_to_block(exit);
        self.builder.seal_block(exit);
    }

    /// One copy of a `while` loop's body, entered with its condition just tested: `facts`
    /// hold in its first `proven_statements` statements.
    fn while_body(&mut self, body: &ast::Block, facts: &[ProvenIndex], proven_statements: usize) {
        let known = self.proven_indices.len();
        self.proven_indices.extend_from_slice(facts);
        self.scopes.push(Vec::new());
        for (position, statement) in body.statements.iter().enumerate() {
            if position == proven_statements {
                self.proven_indices.truncate(known);
            }
            if self.is_terminated() {
                self.start_unreachable_block();
            }
            // The body's end goes to the header's poll (`poll_follows_statement`).
            self.poll_follows_statement = self.program_main && position + 1 == body.statements.len();
            self.statement(statement);
        }
        self.scopes.pop();
        self.proven_indices.truncate(known);
    }
}
