//! Reaching what the hot linker handed out: slots, cells and runtime functions, by address
//! or (in a shared library) through the import table that the loader fills.

use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::trusted;

impl Translator<'_, '_, '_> {
    /// In hot mode, what the linker gave for a slot or cell as a value: its address, or (for
    /// a shared library) the address the loader wrote into entry `reference` of the import
    /// table.
    pub(crate) fn hot_reference(&mut self, reference: i64) -> Value {
        let Some(table) = self.state.imports else {
            return self.iconst(reference);
        };
        let base = self.data_address(table);
        // The table is filled before any code of the library runs, and never changes after.
        let flags = trusted().with_readonly();
        self.builder.ins().load(types::I64, flags, base, (reference * 8) as i32)
    }

    /// A shared library reaches the runtime only through its import table, which the loader
    /// fills: never by dynamic symbol lookup into the host.
    pub(crate) fn call_runtime_through_import_table(
        &mut self,
        name: &'static str,
        index: u64,
        args: &[Value],
    ) -> Option<Value> {
        let address = self.hot_reference(index as i64);
        let signature = self.state.runtime_signature(name);
        let signature = self.builder.import_signature(signature);
        let call = self.builder.ins().call_indirect(signature, address, args);
        self.builder.inst_results(call).first().copied()
    }
}
