//! Calls of script functions and of function values.

use cranelift_codegen::ir::{self, InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::FUNCTION_CODE_OFFSET;
use crate::codegen::target::{CallProtocol, Callee, FunctionValueCode};
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
                let (results, status_tested) = self.call_function_with(id, &call_args, Some(expr.span));
                match self.call_protocol(id) {
                    CallProtocol::Checked if !status_tested => self.finish_call(results, expr.span),
                    // The status is always 0 (`calls_infallible`), or was tested on the one
                    // path where it may not be (a guarded hot call, `hot/calls.rs`).
                    _ => (results.len() == 2).then(|| results[0]),
                }
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
                let results = self.call_function_value(function, &params, result.as_deref(), &values);
                self.finish_call(results, expr.span)
            }
            CallTarget::Builtin(builtin) => self.builtin_call(builtin, expr, &arguments),
        }
    }

    /// Calls the function value `function` (of type `fn(params) -> result`) with `arguments`
    /// (the context is added here). Returns the call's results (value if any, then status),
    /// unchecked: the caller passes them to `finish_call` or tests the status itself. Every
    /// call through a function value goes through here, so the calling convention of function
    /// values is decided in one place.
    pub(crate) fn call_function_value(
        &mut self,
        function: Value,
        params: &[Type],
        result: Option<&Type>,
        arguments: &[Value],
    ) -> Vec<Value> {
        // The value itself goes last, as a hidden argument: a closure's body reads its
        // captures from it. A named function's code (and a built-in's wrapper, and a hot stub)
        // is called with the same extra argument, which it does not declare and so ignores:
        // under the C calling conventions Cranelift uses here (System V on x86-64, AAPCS64),
        // the arguments a callee declares are assigned registers and stack slots exactly as if
        // the extra one were absent (it comes after them), and the caller, not the callee,
        // pops stack arguments. So named functions and their direct calls stay exactly as they
        // were (`tests/cases/run/closure_many_arguments.ln` calls a function value with more
        // arguments than there are argument registers).
        let mut signature = self.state.script_signature(params, result);
        signature.params.push(ir::AbiParam::new(types::I64));
        let signature = self.builder.import_signature(signature);
        let mut code = self
            .builder
            .ins()
            .load(types::I64, trusted(), function, FUNCTION_CODE_OFFSET);
        if self.state.target.function_value_code() == FunctionValueCode::ThroughSlot {
            code = self.code_in_slot(function, code);
        }
        let mut call_args = vec![self.ctx];
        call_args.extend_from_slice(arguments);
        call_args.push(function);
        self.forget_checks();
        let call = self.builder.ins().call_indirect(signature, code, &call_args);
        let results = self.builder.inst_results(call).to_vec();
        self.reload_cached_cells();
        results
    }

    /// How calls of script function `id` report failure (see `CallProtocol`).
    pub(crate) fn call_protocol(&self, id: FunctionId) -> CallProtocol {
        let cannot_fail = self.state.cannot_fail.get(id.0 as usize).copied().unwrap_or(false);
        self.state.target.call_protocol(cannot_fail)
    }

    /// Calls a script function: directly, or in hot mode through its slot (guarded when the
    /// call's site is given, see `hot/calls.rs`). Returns the results (value if any, then
    /// status) and whether the status was already tested.
    pub(crate) fn call_function_with(
        &mut self,
        id: FunctionId,
        call_args: &[Value],
        guarded_at: Option<crate::source::Span>,
    ) -> (Vec<Value>, bool) {
        self.forget_checks();
        if let Callee::Slot(slot) = self.state.target.callee(self.state.checked, id) {
            let results = self.call_hot_slot(id, slot, call_args, guarded_at);
            self.reload_cached_cells();
            return results;
        }
        let function = self.state.functions[id.0 as usize];
        if function == crate::codegen::hot::not_compiled_here() {
            self.bug(not_compiled_message(self.state.checked, id));
        }
        let reference = self.func_ref(function);
        let call = self.builder.ins().call(reference, call_args);
        let results = self.builder.inst_results(call).to_vec();
        self.reload_cached_cells();
        (results, false)
    }
}

/// The internal error of code that calls or names a function that was not compiled: the
/// compile set (`compile_set`) missed a way to reach it.
pub(crate) fn not_compiled_message(checked: &crate::sema::CheckedProgram, id: FunctionId) -> String {
    let info = &checked.items.functions[id.0 as usize];
    format!(
        "`{}.{}` is used but was not compiled (set LANG_COMPILE_ALL=1 to work around this bug)",
        checked.program.module(info.module).name,
        info.name
    )
}
