//! What the hot linker hands out for function slots and field-offset cells.

use crate::codegen::function::Translator;
use crate::codegen::runtime_abi::*;
use crate::sema::types::{FunctionId, StructId};

impl Translator<'_, '_, '_> {
    /// The slot of a script function, in hot mode.
    pub(crate) fn hot_slot(&mut self, id: FunctionId) -> Option<i64> {
        let target = self.state.hot?;
        let checked = self.state.checked;
        let info = checked.items.function(id);
        let module = &checked.program.module(info.module).name;
        let signature = checked.type_key(&info.ty());
        Some(target.linker.function_slot(module, &info.name, &signature) as i64)
    }

    /// The cell holding a hot-reload struct field's offset in its payload (-1 once a reload
    /// removed the field or changed its type).
    pub(crate) fn hot_field_cell(&mut self, id: StructId, field: &str) -> Option<i64> {
        let target = self.state.hot?;
        let checked = self.state.checked;
        let info = checked.items.struct_info(id);
        let position = info.fields.iter().position(|known| known.name == field)?;
        let module = &checked.program.module(info.module).name;
        let ty = checked.type_key(&info.fields[position].ty);
        let initial = HOT_FIELDS_OFFSET as i64 + position as i64 * 8;
        Some(target.linker.field_cell(module, &info.name, field, &ty, initial) as i64)
    }
}
