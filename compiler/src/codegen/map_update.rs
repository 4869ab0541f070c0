//! The counting idiom `if has(m, k) { m[k] += v } else { insert(m, k, w) }` as one map probe.
//!
//! Written out, it hashes `k` and probes the table twice (`has`, then the entry's value slot
//! or the insertion). When `m` and `k` are locals and `v` and `w` run no code, nothing between
//! the test and the update can change the map or the key, so one runtime call,
//! `lang_rt_map_value_slot_or_insert`, does both: it inserts `k` with `w` when missing, and
//! otherwise returns the address of the value, which is read and written here. The result,
//! every error and its order are those of the written-out statement (book: decisions, "The
//! counting idiom is one map probe"). Nothing here depends on facts a reload can change, so
//! every mode uses it.

use cranelift_codegen::ir::{InstBuilder, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::trusted;
use crate::sema::builtins::Builtin;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::strip_parens;
use crate::syntax::ast::{self, BinaryOp, ElseBranch, Expr, ExprKind, StatementKind};

/// The parts of a recognized counting idiom.
struct MapUpdate<'a> {
    map: &'a Expr,
    key: &'a Expr,
    /// The update of a present key: `m[k] op= step`, or `m[k] = m[k] op step`.
    op: BinaryOp,
    step: &'a Expr,
    /// The value a missing key is inserted with.
    initial: &'a Expr,
    /// The span of the update's target `m[k]`, where an error of `op` is reported.
    target_span: Span,
    /// The span of the insertion, where an error of the insertion (out of memory) is reported.
    insert_span: Span,
}

impl Translator<'_, '_, '_> {
    /// Emits `if condition { then_block } else ...` as one probe when it is the counting
    /// idiom; false (and nothing emitted) otherwise.
    pub(crate) fn fused_map_update(
        &mut self,
        condition: &Expr,
        then_block: &ast::Block,
        else_branch: &Option<ElseBranch>,
    ) -> bool {
        let Some(update) = self.map_update_idiom(condition, then_block, else_branch) else {
            return false;
        };
        let Type::Map(key_type, value_type) = self.ty(update.map) else {
            return false;
        };
        if !matches!(*value_type, Type::Int | Type::Float | Type::Bool) {
            return false;
        }
        // The written-out order: `m`, then `k`; `w` runs no code, so it may come before the probe.
        let map = self.expr_value(update.map);
        let key = self.expr_to(update.key, &key_type);
        let key_word = self.word_of(key, &key_type);
        let initial = self.expr_to(update.initial, &value_type);
        let initial_word = self.word_of(initial, &value_type);
        let ctx = self.ctx;
        let Some(slot) = self.call_runtime_at(
            "lang_rt_map_value_slot_or_insert",
            &[ctx, map, key_word, initial_word],
            update.insert_span,
        ) else {
            return true;
        };
        let found = self.builder.create_block();
        let merge = self.builder.create_block();
        self.builder.ins().brif(slot, found, &[], merge, &[]);
        self.builder.switch_to_block(found);
        self.builder.seal_block(found);
        let word = self.builder.ins().load(types::I64, trusted(), slot, 0);
        let current = self.value_of_word(word, &value_type);
        let new_value = self.assigned_value(
            Some(current),
            &value_type,
            Some(update.op),
            update.step,
            update.target_span,
        );
        let word = self.word_of(new_value, &value_type);
        self.builder.ins().store(trusted(), word, slot, 0);
        self.jump_if_open(merge);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        true
    }

    /// Recognizes `if has(M, K) { M[K] op= V } else { insert(M, K, W) }` (also with
    /// `M.has(K)`, `M[K] = M[K] op V` and `M[K] = W`), where `M` and `K` are locals and `V`
    /// and `W` are literals or locals.
    fn map_update_idiom<'a>(
        &self,
        condition: &'a Expr,
        then_block: &'a ast::Block,
        else_branch: &'a Option<ElseBranch>,
    ) -> Option<MapUpdate<'a>> {
        let [map, key] = self.builtin_arguments(condition, Builtin::Has)?[..] else {
            return None;
        };
        if !self.is_local(map) || !self.is_local(key) {
            return None;
        }
        let [then_statement] = &then_block.statements[..] else {
            return None;
        };
        let StatementKind::Assign { target, op, value } = &then_statement.kind else {
            return None;
        };
        if !self.is_entry(target, map, key) {
            return None;
        }
        let (op, step) = match (op, &value.kind) {
            (Some(op), _) => (*op, value),
            // The operators of compound assignment only (`and`, `or` and `??` may skip their
            // right side; a comparison's result is not the entry's type).
            (None, ExprKind::Binary { op, lhs, rhs })
                if self.is_entry(lhs, map, key)
                    && matches!(
                        op,
                        BinaryOp::Add
                            | BinaryOp::Subtract
                            | BinaryOp::Multiply
                            | BinaryOp::Divide
                            | BinaryOp::Remainder
                            | BinaryOp::BitAnd
                            | BinaryOp::BitOr
                            | BinaryOp::BitXor
                            | BinaryOp::ShiftLeft
                            | BinaryOp::ShiftRight
                    ) =>
            {
                (*op, &**rhs)
            }
            _ => return None,
        };
        if !self.runs_no_code(step) {
            return None;
        }
        let Some(ElseBranch::Block(else_block)) = else_branch else {
            return None;
        };
        let [else_statement] = &else_block.statements[..] else {
            return None;
        };
        let initial = match &else_statement.kind {
            StatementKind::Expr(call) => match self.builtin_arguments(call, Builtin::Insert)?[..] {
                [insert_map, insert_key, initial]
                    if self.same_local(insert_map, map) && self.same_local(insert_key, key) =>
                {
                    initial
                }
                _ => return None,
            },
            StatementKind::Assign {
                target: insert_target,
                op: None,
                value: initial,
            } if self.is_entry(insert_target, map, key) => initial,
            _ => return None,
        };
        if !self.runs_no_code(initial) {
            return None;
        }
        Some(MapUpdate {
            map,
            key,
            op,
            step,
            initial,
            target_span: target.span,
            insert_span: else_statement.span,
        })
    }

    /// The arguments of a call of `builtin` (the receiver of method syntax first).
    fn builtin_arguments<'a>(&self, expr: &'a Expr, builtin: Builtin) -> Option<Vec<&'a Expr>> {
        let expr = strip_parens(expr);
        let ExprKind::Call { callee, args } = &expr.kind else {
            return None;
        };
        let info = self.state.checked.results.call(self.file, expr.span)?;
        if info.target != CallTarget::Builtin(builtin) {
            return None;
        }
        let mut arguments = Vec::with_capacity(args.len() + 1);
        if info.receiver_is_first_argument {
            let ExprKind::Field { object, .. } = &callee.kind else {
                return None;
            };
            arguments.push(&**object);
        }
        arguments.extend(args.iter());
        Some(arguments)
    }

    /// Whether `expr` is `map[key]`.
    fn is_entry(&self, expr: &Expr, map: &Expr, key: &Expr) -> bool {
        matches!(&strip_parens(expr).kind, ExprKind::Index { object, index }
            if self.same_local(object, map) && self.same_local(index, key))
    }

    /// Whether `expr` names a local variable.
    fn is_local(&self, expr: &Expr) -> bool {
        matches!(&strip_parens(expr).kind, ExprKind::Name(name)
            if self.state.checked.results.name(self.file, name.span) == Some(NameRef::Local))
    }

    /// Whether `expr` names the same local as `local` (the idiom's blocks declare nothing, so
    /// the same name is the same variable).
    fn same_local(&self, expr: &Expr, local: &Expr) -> bool {
        match (&strip_parens(expr).kind, &strip_parens(local).kind) {
            (ExprKind::Name(a), ExprKind::Name(b)) => a.text == b.text && self.is_local(expr),
            _ => false,
        }
    }
}
