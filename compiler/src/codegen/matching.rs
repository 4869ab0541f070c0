//! `match` (statement and value), `if` used as a value, `if let` with a pattern and
//! `let PATTERN = e else { ... }` (LANGUAGE.md section 9).
//!
//! A `match` on an enum reads the tag once and dispatches with one `br_table` to a block per
//! variant, where only the arms that admit that variant are tried, in order; any other
//! scrutinee tries the arms in order. Each arm's body is one block, reached from every path
//! whose pattern and guard matched; a value `match` passes its arm's value to the merge block
//! as a block parameter. A value no arm matches (only possible when a reload added or removed
//! a variant) raises a runtime error at the `match`.

use cranelift_codegen::ir::{self, BlockArg, InstBuilder, JumpTableData, Value};
use cranelift_frontend::Switch;

use crate::codegen::enums::{enum_key, variant_number};
use crate::codegen::function::Translator;
use crate::codegen::layout::clif_type;
use crate::codegen::patterns::Bindings;
use crate::codegen::runtime_abi::*;
use crate::codegen::target::VariantNumbering;
use crate::sema::types::{EnumId, Type};
use crate::source::Span;
use crate::syntax::ast::{self, ArmBody, Expr, IfCondition};

impl Translator<'_, '_, '_> {
    pub(crate) fn match_statement(&mut self, match_ast: &ast::Match, span: Span) {
        self.translate_match(match_ast, span, None);
    }

    pub(crate) fn match_value(&mut self, expr: &Expr, match_ast: &ast::Match) -> Option<Value> {
        let ty = self.ty(expr);
        self.translate_match(match_ast, expr.span, Some(ty))
    }

    /// The value of an arm or branch converted to the value's type `ty`; none when the arm
    /// cannot complete (`panic(...)`, `exit(...)`), which fits any type.
    fn arm_value(&mut self, expr: &Expr, ty: &Type) -> Option<Value> {
        let from = self.ty(expr);
        let value = self.expr(expr)?;
        if self.is_terminated() {
            return None;
        }
        Some(self.coerce(value, &from, ty, expr.span))
    }

    /// A merge block for a value of type `result` (a parameter), or for none.
    fn merge_block(&mut self, result: Option<&Type>) -> (ir::Block, Option<Value>) {
        let merge = self.builder.create_block();
        let value = result
            .and_then(clif_type)
            .map(|clif| self.builder.append_block_param(merge, clif));
        (merge, value)
    }

    fn jump_to_merge(&mut self, merge: ir::Block, value: Option<Value>) {
        if self.is_terminated() {
            return;
        }
        match value {
            Some(value) => {
                self.builder.ins().jump(merge, &[BlockArg::Value(value)]);
            }
            None => match self.builder.func.dfg.block_params(merge).first().copied() {
                // An arm without a value that still completes (`exit` returns to no one, but
                // is a call): pass a zero the merge never uses.
                Some(param) => {
                    let ty = self.builder.func.dfg.value_type(param);
                    let zero = self.zero(ty);
                    self.builder.ins().jump(merge, &[BlockArg::Value(zero)]);
                }
                None => {
                    self.builder.ins().jump(merge, &[]);
                }
            },
        }
    }

    fn translate_match(&mut self, match_ast: &ast::Match, span: Span, result: Option<Type>) -> Option<Value> {
        let scrutinee_type = self.ty(&match_ast.scrutinee);
        let value = self.expr_value(&match_ast.scrutinee);
        let bindings: Vec<Bindings> = match_ast
            .arms
            .iter()
            .map(|arm| self.declare_bindings(&arm.pattern))
            .collect();
        let bodies: Vec<ir::Block> = match_ast.arms.iter().map(|_| self.builder.create_block()).collect();
        let no_match = self.builder.create_block();
        let every_arm: Vec<usize> = (0..match_ast.arms.len()).collect();
        match &scrutinee_type {
            Type::Enum(id) => {
                let count = self.state.checked.items.enum_info(*id).variants.len();
                let tag = self.enum_tag(value);
                let variant_blocks: Vec<ir::Block> = (0..count).map(|_| self.builder.create_block()).collect();
                // A variant this code does not know (one a reload added, or one it removed
                // that older values still hold) goes to the catch-all arms (`_` or a name,
                // section 9: they "also meet variants that a reload adds or removes"), and
                // only past them to the runtime error.
                // Only hot code can meet one: elsewhere the enum never changes, and the
                // switch's default is the error, which cannot happen.
                let unknown_variant = match self.state.target.variant_numbering() {
                    VariantNumbering::NameHash => self.builder.create_block(),
                    VariantNumbering::DeclarationIndex => no_match,
                };
                self.dispatch_on_tag(*id, tag, &variant_blocks, unknown_variant);
                if unknown_variant != no_match {
                    self.builder.switch_to_block(unknown_variant);
                    self.builder.seal_block(unknown_variant);
                    self.builder.set_cold_block(unknown_variant);
                    let catch_all: Vec<usize> = every_arm
                        .iter()
                        .copied()
                        .filter(|&arm| self.pattern_admits_any_variant(&match_ast.arms[arm].pattern))
                        .collect();
                    self.arm_chain(
                        match_ast,
                        &catch_all,
                        value,
                        &scrutinee_type,
                        None,
                        &bindings,
                        &bodies,
                        no_match,
                    );
                }
                for (variant, block) in variant_blocks.into_iter().enumerate() {
                    self.builder.switch_to_block(block);
                    self.builder.seal_block(block);
                    let candidates: Vec<usize> = every_arm
                        .iter()
                        .copied()
                        .filter(|&arm| self.pattern_admits_variant(&match_ast.arms[arm].pattern, variant))
                        .collect();
                    self.arm_chain(
                        match_ast,
                        &candidates,
                        value,
                        &scrutinee_type,
                        Some(variant),
                        &bindings,
                        &bodies,
                        no_match,
                    );
                }
            }
            _ => self.arm_chain(
                match_ast,
                &every_arm,
                value,
                &scrutinee_type,
                None,
                &bindings,
                &bodies,
                no_match,
            ),
        }
        // Old code meeting a variant a reload added, or new code meeting a removed one.
        self.builder.switch_to_block(no_match);
        self.builder.seal_block(no_match);
        self.builder.set_cold_block(no_match);
        let numbering = self.state.target.variant_numbering();
        let enum_index = match &scrutinee_type {
            Type::Enum(id) => enum_key(self.state.checked, *id, numbering) as i64,
            Type::Optional(inner) => match **inner {
                Type::Enum(id) => enum_key(self.state.checked, id, numbering) as i64,
                _ => 0,
            },
            _ => 0,
        };
        let enum_index = self.iconst(enum_index);
        let word = self.word_of(value, &scrutinee_type);
        self.raise_and_exit(span, Some((RAISE_NO_MATCH_ARM, word, enum_index)));
        let (merge, merged) = self.merge_block(result.as_ref());
        for ((arm, body), arm_bindings) in match_ast.arms.iter().zip(bodies).zip(&bindings) {
            self.builder.switch_to_block(body);
            self.builder.seal_block(body);
            self.enter_bindings(arm_bindings);
            match &arm.body {
                ArmBody::Block(block) => {
                    self.block(block);
                    self.jump_to_merge(merge, None);
                }
                ArmBody::Value(expr) => match &result {
                    Some(ty) => {
                        let value = self.arm_value(expr, ty);
                        self.jump_to_merge(merge, value);
                    }
                    None => {
                        self.expr(expr);
                        self.jump_to_merge(merge, None);
                    }
                },
            }
            self.scopes.pop();
        }
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        Some(merged.unwrap_or_else(|| self.iconst(0)))
    }

    /// Jumps to the block of the variant whose number `tag` is, or to `no_match`: one
    /// `br_table` when numbers are declaration indices; under hot reload a search among the
    /// numbers of the variants this version declares.
    fn dispatch_on_tag(&mut self, id: EnumId, tag: Value, variant_blocks: &[ir::Block], no_match: ir::Block) {
        match self.state.target.variant_numbering() {
            VariantNumbering::DeclarationIndex => {
                let default = self.builder.func.dfg.block_call(no_match, &[]);
                let targets: Vec<_> = variant_blocks
                    .iter()
                    .map(|block| self.builder.func.dfg.block_call(*block, &[]))
                    .collect();
                let table = self.builder.create_jump_table(JumpTableData::new(default, &targets));
                self.builder.ins().br_table(tag, table);
            }
            numbering @ VariantNumbering::NameHash => {
                let mut switch = Switch::new();
                for (variant, block) in variant_blocks.iter().enumerate() {
                    let number = variant_number(self.state.checked, id, variant, numbering);
                    switch.set_entry(number as u128, *block);
                }
                switch.emit(&mut self.builder, tag, no_match);
            }
        }
    }

    /// Tries `candidates` (arm indices) in order on `value`, jumping to the body of the first
    /// whose pattern and guard match, or to `no_match`.
    #[allow(clippy::too_many_arguments)]
    fn arm_chain(
        &mut self,
        match_ast: &ast::Match,
        candidates: &[usize],
        value: Value,
        ty: &Type,
        known_variant: Option<usize>,
        bindings: &[Bindings],
        bodies: &[ir::Block],
        no_match: ir::Block,
    ) {
        for &index in candidates {
            let arm = &match_ast.arms[index];
            let next = self.builder.create_block();
            self.test_pattern(&arm.pattern, value, ty, next, &bindings[index], known_variant);
            match &arm.guard {
                Some(guard) => {
                    self.enter_bindings(&bindings[index]);
                    let holds = self.expr_value(guard);
                    self.scopes.pop();
                    self.builder.ins().brif(holds, bodies[index], &[], next, &[]);
                }
                None => {
                    self.builder.ins().jump(bodies[index], &[]);
                }
            }
            self.builder.switch_to_block(next);
            self.builder.seal_block(next);
        }
        self.builder.ins().jump(no_match, &[]);
    }

    /// `if c { a } else { b }` and `if let P = v { a } else { b }` used as values.
    pub(crate) fn if_value(&mut self, expr: &Expr, if_expr: &ast::IfExpr) -> Option<Value> {
        let ty = self.ty(expr);
        let then_label = self.builder.create_block();
        let else_label = self.builder.create_block();
        let bindings = match &if_expr.condition {
            IfCondition::Bool(condition) => {
                let condition = self.expr_value(condition);
                self.builder.ins().brif(condition, then_label, &[], else_label, &[]);
                Bindings::new()
            }
            IfCondition::Let { pattern, value } => {
                let value_type = self.ty(value);
                let value = self.expr_value(value);
                let bindings = self.declare_bindings(pattern);
                self.test_pattern(pattern, value, &value_type, else_label, &bindings, None);
                self.builder.ins().jump(then_label, &[]);
                bindings
            }
        };
        let (merge, merged) = self.merge_block(Some(&ty));
        self.builder.switch_to_block(then_label);
        self.builder.seal_block(then_label);
        self.enter_bindings(&bindings);
        let then_value = self.arm_value(&if_expr.then_value, &ty);
        self.jump_to_merge(merge, then_value);
        self.scopes.pop();
        self.builder.switch_to_block(else_label);
        self.builder.seal_block(else_label);
        let else_value = self.arm_value(&if_expr.else_value, &ty);
        self.jump_to_merge(merge, else_value);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        Some(merged.unwrap_or_else(|| self.iconst(0)))
    }

    /// `if let PATTERN = value { ... } else ...` with a pattern other than a plain name.
    pub(crate) fn if_let_pattern(
        &mut self,
        pattern: &ast::Pattern,
        value: &Expr,
        then_block: &ast::Block,
        else_branch: &Option<ast::ElseBranch>,
    ) {
        let value_type = self.ty(value);
        let value = self.expr_value(value);
        let bindings = self.declare_bindings(pattern);
        let else_label = self.builder.create_block();
        let merge = self.builder.create_block();
        self.test_pattern(pattern, value, &value_type, else_label, &bindings, None);
        self.enter_bindings(&bindings);
        self.block(then_block);
        self.scopes.pop();
        self.jump_if_open(merge);
        self.builder.switch_to_block(else_label);
        self.builder.seal_block(else_label);
        self.else_branch(else_branch);
        self.jump_if_open(merge);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
    }

    /// `let PATTERN = value else { ... }`: the names stay bound for the rest of the block.
    pub(crate) fn let_else(
        &mut self,
        pattern: &ast::Pattern,
        value: &Expr,
        else_block: Option<&ast::Block>,
        span: Span,
    ) {
        let value_type = self.ty(value);
        let value = self.expr_value(value);
        let bindings = self.declare_bindings(pattern);
        let else_label = self.builder.create_block();
        self.test_pattern(pattern, value, &value_type, else_label, &bindings, None);
        let matched = self.builder.create_block();
        self.builder.ins().jump(matched, &[]);
        self.builder.switch_to_block(else_label);
        self.builder.seal_block(else_label);
        if let Some(block) = else_block {
            self.block(block);
        }
        // The checker makes the `else` block diverge, and a `let` without `else` takes only
        // patterns that cannot fail: this is unreachable.
        if !self.is_terminated() {
            let zero = self.iconst(0);
            let word = self.word_of(value, &value_type);
            self.raise_and_exit(span, Some((RAISE_NO_MATCH_ARM, word, zero)));
        }
        self.builder.switch_to_block(matched);
        self.builder.seal_block(matched);
        if let Some(scope) = self.scopes.last_mut() {
            scope.extend(bindings);
        }
    }
}
