//! Calls of script functions and of function values.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::hot::not_compiled_here;
use crate::codegen::memory::{Region, trusted};
use crate::sema::results::CallTarget;
use crate::sema::types::{FunctionId, Type};
use crate::syntax::ast::{Expr, ExprKind};

impl Translator<'_, '_, '_> {
    pub(crate) fn call(&mut self, expr: &Expr, callee: &Expr, args: &[Expr]) -> Option<Value> {
        let Some(info) = self.state.checked.results.call(self.file, expr.span) else {
            self.bug("no call target recorded");
            return Some(self.iconst(0));
        };
        // The receiver of method syntax is the first argument.
        let mut arguments: Vec<&Expr> = Vec::with_capacity(args.len() + 1);
        if info.receiver_is_first_argument
            && let ExprKind::Field { object, .. } = &callee.kind
        {
            arguments.push(object);
        }
        arguments.extend(args.iter());
        match info.target {
            CallTarget::Function(id) => {
                let function = self.state.checked.items.function(id).clone();
                let values: Vec<Value> = arguments
                    .iter()
                    .zip(&function.params)
                    .map(|(arg, param)| self.expr_to(arg, param))
                    .collect();
                let mut call_args = vec![self.ctx];
                call_args.extend(values);
                let results = self.call_function(id, &call_args);
                self.finish_call(results, expr.span)
            }
            CallTarget::Value => {
                let callee_type = self.ty(callee);
                let Type::Function(params, result) = callee_type else {
                    self.bug("a call of a value that is not a function");
                    return Some(self.iconst(0));
                };
                let function = self.expr_value(callee);
                let values: Vec<Value> = arguments
                    .iter()
                    .zip(&params)
                    .map(|(arg, param)| self.expr_to(arg, param))
                    .collect();
                let signature = self.state.script_signature(&params, result.as_deref());
                let signature = self.builder.import_signature(signature);
                let code = self.builder.ins().load(types::I64, trusted(), function, 0);
                let mut call_args = vec![self.ctx];
                call_args.extend(values);
                self.forget_checks();
                let call = self.builder.ins().call_indirect(signature, code, &call_args);
                let results = self.builder.inst_results(call).to_vec();
                self.finish_call(results, expr.span)
            }
            CallTarget::Builtin(builtin) => self.builtin_call(builtin, expr, &arguments),
        }
    }

    /// Calls a script function: directly, or in hot mode through its slot.
    pub(crate) fn call_function(&mut self, id: FunctionId, call_args: &[Value]) -> Vec<Value> {
        self.call_function_with(id, call_args, true)
    }

    /// Jumps to `block`, passing the results of `call` as its arguments.
    pub(crate) fn jump_with_results(&mut self, call: ir::Inst, block: ir::Block) {
        let values: Vec<BlockArg> = self
            .builder
            .inst_results(call)
            .iter()
            .map(|value| BlockArg::Value(*value))
            .collect();
        self.builder.ins().jump(block, &values);
    }

    /// Hot mode: a call through the function's slot, never a direct one.
    pub(crate) fn call_through_slot(&mut self, id: FunctionId, call_args: &[Value]) -> Vec<Value> {
        self.call_function_with(id, call_args, false)
    }

    pub(crate) fn call_function_with(&mut self, id: FunctionId, call_args: &[Value], guarded: bool) -> Vec<Value> {
        self.forget_checks();
        if let Some(slot) = self.hot_slot(id) {
            let info = self.state.checked.items.function(id).clone();
            let signature = self.state.script_signature(&info.params, info.result.as_ref());
            let signature = self.builder.import_signature(signature);
            let slot = self.hot_reference(slot);
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
            return results;
        }
        let reference = self.func_ref(self.state.functions[id.0 as usize]);
        let call = self.builder.ins().call(reference, call_args);
        self.builder.inst_results(call).to_vec()
    }
}
