//! String literals: the program's literal table, and the setup code that interns them.

use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_module::{DataDescription, DataId, Linkage};

use crate::codegen::function::Translator;
use crate::codegen::memory::trusted;
use crate::codegen::{CodegenError, ProgramState};

/// All string literals' bytes, one after the other, as read-only data.
pub(crate) fn define_literal_bytes(state: &mut ProgramState<'_>) -> Result<DataId, CodegenError> {
    let name = state.unique_name("lang.literal_bytes".into());
    let blob = state.module.declare_data(&name, Linkage::Local, false, false)?;
    let mut description = DataDescription::new();
    let mut bytes = state.literals.concat().into_bytes();
    bytes.push(0);
    description.define(bytes.into_boxed_slice());
    state.module.define_data(blob, &description)?;
    Ok(blob)
}

impl Translator<'_, '_, '_> {
    pub(crate) fn string_literal(&mut self, text: &str) -> Value {
        let index = self.state.literal(text);
        let table = self.state.literal_table;
        let base = self.data_address(table);
        self.builder.ins().load(types::I64, trusted(), base, (index * 8) as i32)
    }

    /// Copies every literal into runtime memory and fills the literal table (run once, before
    /// any code that uses the literals).
    pub(crate) fn intern_literals(&mut self, blob: DataId, literals: &[String]) {
        let ctx = self.ctx;
        let blob_address = self.data_address(blob);
        let table_id = self.state.literal_table;
        let table = self.data_address(table_id);
        let mut offset = 0i64;
        for (index, literal) in literals.iter().enumerate() {
            let address = self.builder.ins().iadd_imm_s(blob_address, offset);
            let len = self.iconst(literal.len() as i64);
            let string = self
                .call_runtime("lang_rt_str_literal", &[ctx, address, len])
                .unwrap_or(len);
            self.builder.ins().store(trusted(), string, table, (index * 8) as i32);
            offset += literal.len() as i64;
        }
    }
}
