//! Calls through function slots under hot reload, with a guarded direct call when the callee
//! is compiled in the same module version.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::hot::not_compiled_here;
use crate::codegen::memory::Region;
use crate::sema::types::FunctionId;

impl Translator<'_, '_, '_> {
    /// Hot mode: a call through the function's slot, never a direct one.
    pub(crate) fn call_through_slot(&mut self, id: FunctionId, call_args: &[Value]) -> Vec<Value> {
        self.call_function_with(id, call_args, false)
    }

    /// Calls function `id` through `slot`; when `guarded` and the callee is compiled here,
    /// directly behind a guard that the slot still holds it.
    pub(crate) fn call_hot_slot(
        &mut self,
        id: FunctionId,
        slot: u64,
        call_args: &[Value],
        guarded: bool,
    ) -> Vec<Value> {
        let info = self.state.checked.items.function(id).clone();
        let signature = self.state.script_signature(&info.params, info.result.as_ref());
        let signature = self.builder.import_signature(signature);
        let slot = self.hot_reference(slot as i64);
        let cells = self.flags(Region::Cells);
        let code = self.builder.ins().load(types::I64, cells, slot, 0);
        let local = self.state.functions[id.0 as usize];
        if !self.state.options.inline || local == not_compiled_here() || !guarded {
            let call = self.builder.ins().call_indirect(signature, code, call_args);
            return self.builder.inst_results(call).to_vec();
        }
        // The callee is compiled in this same module version: while its slot still holds
        // this version, call it directly, so that a small callee can be inlined. The
        // guard keeps the semantics of a call through the slot: once a reload has patched
        // the slot, the call goes to the new version.
        let reference = self.func_ref(local);
        let expected = self.builder.ins().func_addr(types::I64, reference);
        let same = self.builder.ins().icmp(IntCC::Equal, code, expected);
        let direct = self.builder.create_block();
        let indirect = self.builder.create_block();
        let join = self.builder.create_block();
        let result_types: Vec<ir::Type> = self.builder.func.dfg.signatures[signature]
            .returns
            .iter()
            .map(|param| param.value_type)
            .collect();
        let results: Vec<Value> = result_types
            .iter()
            .map(|ty| self.builder.append_block_param(join, *ty))
            .collect();
        self.builder.ins().brif(same, direct, &[], indirect, &[]);
        self.builder.set_cold_block(indirect);
        self.builder.switch_to_block(direct);
        self.builder.seal_block(direct);
        let call = self.builder.ins().call(reference, call_args);
        self.jump_with_results(call, join);
        self.builder.switch_to_block(indirect);
        self.builder.seal_block(indirect);
        let call = self.builder.ins().call_indirect(signature, code, call_args);
        self.jump_with_results(call, join);
        self.builder.switch_to_block(join);
        self.builder.seal_block(join);
        results
    }
}
