//! Hot reload: the check that an enum payload has the layout the code reading it was
//! compiled for.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::enums::hot_variant_cell_name;
use crate::codegen::function::Translator;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::codegen::target::StructDescriptor;
use crate::sema::types::EnumId;
use crate::source::Span;

impl Translator<'_, '_, '_> {
    /// Under hot reload a variant whose payload changed gets a new descriptor (its cell's name
    /// holds the layout), and values built before keep the old one: reading their fields at
    /// this code's positions would read the wrong words, so meeting one is a runtime error at
    /// the pattern. Elsewhere (one layout per program) nothing is emitted.
    pub(crate) fn check_payload_layout(&mut self, value: Value, enum_id: EnumId, variant: usize, span: Span) {
        let (module, cell_name) = hot_variant_cell_name(self.state.checked, enum_id, variant);
        let StructDescriptor::Cell(cell) = self.state.target.variant_descriptor(&module, &cell_name) else {
            return;
        };
        let cell = self.hot_reference(cell as i64);
        let expected = self.builder.ins().load(types::I64, trusted(), cell, 0);
        let actual = self.builder.ins().load(types::I64, trusted(), value, 0);
        let differs = self.builder.ins().icmp(IntCC::NotEqual, expected, actual);
        let name = self.state.checked.items.enum_info(enum_id).variants[variant]
            .name
            .clone();
        let name = self.text_address(&name);
        let zero = self.iconst(0);
        self.error_if(differs, span, Some((RAISE_PAYLOAD_CHANGED, name, zero)));
    }
}
