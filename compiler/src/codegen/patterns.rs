//! Patterns (LANGUAGE.md section 9): the test of one pattern against a value, branching to a
//! failure block, and the names it binds.
//!
//! A pattern's names are variables declared before any test (so that every path reaching an
//! arm's body, one per variant under a `br_table`, defines the same variables); a test assigns
//! them as it goes. Or-patterns bind no names (the checker enforces it).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, InstBuilder, Value, types};
use cranelift_frontend::Variable;

use crate::codegen::enums::variant_number;
use crate::codegen::function::Translator;
use crate::codegen::layout::clif_type;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::codegen::target::StructAllocation;
use crate::sema::types::Type;
use crate::syntax::ast::{Pattern, PatternKind};

/// The variables of the names a pattern binds: (name, variable, type).
pub(crate) type Bindings = Vec<(String, Variable, Type)>;

impl Translator<'_, '_, '_> {
    /// Declares a variable for each name `pattern` binds, holding zero until a test assigns it.
    pub(crate) fn declare_bindings(&mut self, pattern: &Pattern) -> Bindings {
        let mut bindings = Bindings::new();
        for name in pattern.bindings() {
            let ty = match self.state.checked.results.local(self.file, name.span) {
                Some(ty) => ty.clone(),
                None => {
                    self.bug(format!("no type recorded for the binding `{}`", name.text));
                    Type::Error
                }
            };
            let clif = clif_type(&ty).unwrap_or(types::I64);
            let variable = self.builder.declare_var(clif);
            let zero = self.zero(clif);
            self.builder.def_var(variable, zero);
            bindings.push((name.text.clone(), variable, ty));
        }
        bindings
    }

    /// Opens a scope holding `bindings` as locals.
    pub(crate) fn enter_bindings(&mut self, bindings: &Bindings) {
        self.scopes.push(bindings.clone());
    }

    /// Whether `pattern` can match a value of variant `variant` (at the top level).
    pub(crate) fn pattern_admits_variant(&self, pattern: &Pattern, variant: usize) -> bool {
        match &pattern.kind {
            PatternKind::Variant { .. } => self
                .state
                .checked
                .results
                .variant(self.file, pattern.span)
                .is_some_and(|found| found.variant == variant),
            PatternKind::Or(alternatives) => alternatives
                .iter()
                .any(|alternative| self.pattern_admits_variant(alternative, variant)),
            _ => true,
        }
    }

    /// Whether `pattern`, on an enum value, admits a variant whatever it is: `_`, a name, or an
    /// alternative of them; the arms that meet a variant the code does not know.
    pub(crate) fn pattern_admits_any_variant(&self, pattern: &Pattern) -> bool {
        match &pattern.kind {
            PatternKind::Wildcard | PatternKind::Binding(_) => true,
            PatternKind::Or(alternatives) => alternatives
                .iter()
                .any(|alternative| self.pattern_admits_any_variant(alternative)),
            _ => false,
        }
    }

    /// Continues in a new block when `condition` holds, else goes to `fail`.
    fn continue_if(&mut self, condition: Value, fail: ir::Block) {
        let next = self.builder.create_block();
        self.builder.ins().brif(condition, next, &[], fail, &[]);
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
    }

    /// The value inside an optional `value` of type `ty` that a pattern of the inner type
    /// tests, after going to `fail` when it is nil; `value` itself when `ty` is not optional.
    fn unwrap_for_pattern(&mut self, value: Value, ty: &Type, fail: ir::Block) -> (Value, Type) {
        match ty {
            Type::Optional(inner) => {
                let present = self.builder.ins().icmp_imm_s(IntCC::NotEqual, value, 0);
                self.continue_if(present, fail);
                (self.unbox(value, inner), (**inner).clone())
            }
            _ => (value, ty.clone()),
        }
    }

    /// Tests `pattern` against `value` of type `ty`: goes to `fail` when it does not match,
    /// else continues in the current block with its names assigned. `known_variant` is the
    /// variant the value is already known to be (after a `br_table` on the tag).
    pub(crate) fn test_pattern(
        &mut self,
        pattern: &Pattern,
        value: Value,
        ty: &Type,
        fail: ir::Block,
        bindings: &Bindings,
        known_variant: Option<usize>,
    ) {
        match &pattern.kind {
            PatternKind::Wildcard => {}
            PatternKind::Binding(name) => {
                let Some((_, variable, bound)) = bindings.iter().find(|(known, _, _)| *known == name.text) else {
                    self.bug(format!("no variable for the binding `{}`", name.text));
                    return;
                };
                let (variable, bound) = (*variable, bound.clone());
                // On a `?T`, a name matches a non-nil value and binds the `T` inside.
                let value = match ty {
                    Type::Optional(_) if !matches!(bound, Type::Optional(_)) => {
                        self.unwrap_for_pattern(value, ty, fail).0
                    }
                    _ => value,
                };
                self.builder.def_var(variable, value);
            }
            PatternKind::Int(literal) => {
                let (value, _) = self.unwrap_for_pattern(value, ty, fail);
                let equal = self.builder.ins().icmp_imm_s(IntCC::Equal, value, *literal);
                self.continue_if(equal, fail);
            }
            PatternKind::Bool(literal) => {
                let (value, _) = self.unwrap_for_pattern(value, ty, fail);
                let equal = self.builder.ins().icmp_imm_s(IntCC::Equal, value, *literal as i64);
                self.continue_if(equal, fail);
            }
            PatternKind::Str(literal) => {
                let (value, _) = self.unwrap_for_pattern(value, ty, fail);
                let literal = self.string_literal(literal);
                let equal = self
                    .call_runtime("lang_rt_str_eq", &[value, literal])
                    .unwrap_or(literal);
                self.continue_if(equal, fail);
            }
            PatternKind::Nil => {
                let is_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, value, 0);
                self.continue_if(is_nil, fail);
            }
            PatternKind::Range { start, end, inclusive } => {
                let (value, _) = self.unwrap_for_pattern(value, ty, fail);
                let above = self
                    .builder
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, value, *start);
                self.continue_if(above, fail);
                let condition = if *inclusive {
                    IntCC::SignedLessThanOrEqual
                } else {
                    IntCC::SignedLessThan
                };
                let below = self.builder.ins().icmp_imm_s(condition, value, *end);
                self.continue_if(below, fail);
            }
            PatternKind::Variant { fields, .. } => {
                let Some(variant) = self.state.checked.results.variant(self.file, pattern.span) else {
                    self.bug("a variant pattern without a variant");
                    return;
                };
                let (value, _) = self.unwrap_for_pattern(value, ty, fail);
                match known_variant {
                    Some(known) if known == variant.variant => {}
                    Some(_) => {
                        self.builder.ins().jump(fail, &[]);
                        self.start_unreachable_block();
                        return;
                    }
                    None => {
                        let tag = self.enum_tag(value);
                        let numbering = self.state.target.variant_numbering();
                        let number = variant_number(self.state.checked, variant.enum_id, variant.variant, numbering);
                        let equal = self.builder.ins().icmp_imm_s(IntCC::Equal, tag, number);
                        self.continue_if(equal, fail);
                    }
                }
                let has_fields = fields
                    .iter()
                    .flatten()
                    .any(|field| !matches!(field.kind, PatternKind::Wildcard));
                if has_fields && self.state.target.struct_allocation() == StructAllocation::Hot {
                    self.check_hot_payload_object(value, variant.enum_id, variant.variant, pattern.span);
                }
                let info = self.state.checked.items.enum_info(variant.enum_id).variants[variant.variant].clone();
                for (position, field_pattern) in fields.iter().flatten().enumerate() {
                    if matches!(field_pattern.kind, PatternKind::Wildcard) {
                        continue;
                    }
                    let Some(field) = info.fields.get(position) else {
                        self.bug("more sub-patterns than payload fields");
                        return;
                    };
                    // Under hot reload, through the field's offset cell (the payload may have
                    // been migrated to another layout).
                    let word =
                        match self.hot_payload_word(value, variant.enum_id, variant.variant, position, pattern.span) {
                            Some(word) => word,
                            None => self.builder.ins().load(
                                types::I64,
                                trusted(),
                                value,
                                STRUCT_FIELDS_OFFSET + position as i32 * 8,
                            ),
                        };
                    let field_value = self.value_of_word(word, &field.ty);
                    self.test_pattern(field_pattern, field_value, &field.ty, fail, bindings, None);
                }
            }
            PatternKind::Or(alternatives) => {
                let matched = self.builder.create_block();
                let candidates: Vec<&Pattern> = alternatives
                    .iter()
                    .filter(|alternative| {
                        known_variant.is_none_or(|known| self.pattern_admits_variant(alternative, known))
                    })
                    .collect();
                for (index, alternative) in candidates.iter().enumerate() {
                    let last = index + 1 == candidates.len();
                    let next = if last { fail } else { self.builder.create_block() };
                    self.test_pattern(alternative, value, ty, next, bindings, known_variant);
                    self.builder.ins().jump(matched, &[]);
                    if !last {
                        self.builder.switch_to_block(next);
                        self.builder.seal_block(next);
                    }
                }
                if candidates.is_empty() {
                    self.builder.ins().jump(fail, &[]);
                }
                self.builder.switch_to_block(matched);
                self.builder.seal_block(matched);
            }
            PatternKind::Error => self.bug("an erroneous pattern reached code generation"),
        }
    }
}
