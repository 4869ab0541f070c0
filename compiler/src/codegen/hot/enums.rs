//! Hot reload: payload variants as hidden structs `Enum.Variant` (`lang_abi::enums`): a value
//! is a handle and a payload like a hot struct's, built for the layout the code was compiled
//! for, its fields reached through offset cells, so a reload that changes the payload
//! migrates every live value (`runtime/hot/src/session/migration.rs`).

use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::enums::{hot_payload_fields, hot_variant_struct, variant_descriptor};
use crate::codegen::function::Translator;
use crate::codegen::memory::Region;
use crate::codegen::runtime_abi::RAISE_PAYLOAD_CHANGED;
use crate::codegen::target::{FieldAccess, VariantNumbering};
use crate::sema::types::EnumId;
use crate::source::Span;

impl Translator<'_, '_, '_> {
    /// A value whose fields a pattern reads must be a payload object. Under hot reload it may
    /// not be: a value made while its variant had no payload (an immediate) meeting code of a
    /// version that gave the variant one, or the other way round. Immediates cannot be found
    /// to migrate them, so that is a runtime error at the pattern, never a read of a word.
    pub(crate) fn check_hot_payload_object(&mut self, value: Value, enum_id: EnumId, variant: usize, span: Span) {
        let is_immediate = self.builder.ins().band_imm_u(value, 1);
        let name = self.state.checked.items.enum_info(enum_id).variants[variant]
            .name
            .clone();
        self.error_if_named(is_immediate, span, RAISE_PAYLOAD_CHANGED, &name);
    }

    /// A value of payload variant `variant` of `enum_id` with descriptor `desc` and the given
    /// field words (in declaration order): a hot object of the layout this code knows.
    pub(crate) fn allocate_hot_variant(
        &mut self,
        enum_id: EnumId,
        variant: usize,
        desc: Value,
        words: Vec<Value>,
        span: Span,
    ) -> Value {
        let checked = self.state.checked;
        let layout_hash = variant_descriptor(checked, enum_id, variant, VariantNumbering::NameHash)
            .hot_layout_hash
            .unwrap_or(0);
        let object = self.allocate_hot_object(desc, layout_hash, span);
        let hidden_struct = hot_variant_struct(checked, enum_id, variant);
        let fields = hot_payload_fields(checked, enum_id, variant);
        let values = words
            .into_iter()
            .zip(fields.iter().enumerate())
            .map(|(word, (position, field))| {
                (
                    Some(word),
                    self.state.target.payload_field(&hidden_struct, field, position),
                    Region::Fields,
                )
            })
            .collect();
        self.store_hot_fields(object, values);
        object
    }

    /// The word of payload field `position` of `value` (a value of that variant) through its
    /// offset cell: the field as this code knows it (a runtime error at `span` when old code
    /// reads a field a reload removed or retyped). `None` outside hot reload.
    pub(crate) fn hot_payload_word(
        &mut self,
        value: Value,
        enum_id: EnumId,
        variant: usize,
        position: usize,
        span: Span,
    ) -> Option<Value> {
        let checked = self.state.checked;
        let hidden_struct = hot_variant_struct(checked, enum_id, variant);
        let fields = hot_payload_fields(checked, enum_id, variant);
        let field = fields.get(position)?;
        let FieldAccess::OffsetCell(cell) = self.state.target.payload_field(&hidden_struct, field, position) else {
            return None;
        };
        let (address, offset) = self.hot_field_address(value, &field.name, cell, span);
        let flags = self.flags(Region::Fields);
        Some(self.builder.ins().load(types::I64, flags, address, offset))
    }
}
