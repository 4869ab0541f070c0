//! Safe points of hot-reload code: the poll at function entries, loop headers and `main`'s
//! statements, and the per-module trampoline it calls.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, AbiParam, InstBuilder, Signature, types};
use cranelift_module::Linkage;

use crate::codegen::function::{Translator, translate_function};
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::types::FunctionId;
use crate::source::Span;

/// Hot mode: the module's safe-point trampoline, `lang.poll(ctx)`, which calls the runtime's
/// `lang_hot_poll` and leaves its answer in the context.
///
/// Polls sit at every loop back-edge. A plain call there would clobber every caller-saved
/// register, so the register allocator would keep a loop's values in stack slots for the
/// whole loop, though the call almost never happens (mandelbrot's inner loop ran 1.8x slower
/// than under `lang run`). The trampoline uses Cranelift's `preserve_all` convention instead:
/// it saves every register it clobbers, so to the caller the call clobbers nothing. That
/// convention has no return values, hence the answer in `Context::poll_answer`.
pub(crate) fn translate_poll_trampoline(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let mut signature = Signature::new(cranelift_codegen::isa::CallConv::PreserveAll);
    signature.params.push(AbiParam::new(types::I64));
    let name = state.unique_name("lang.poll".to_string());
    let id = state.module.declare_function(&name, Linkage::Local, &signature)?;
    let file = state.checked.program.modules[0].file;
    translate_function(state, id, "<poll>".to_string(), file, |translator| {
        let ctx = translator.ctx;
        let answer = translator.call_runtime("lang_hot_poll", &[ctx]).unwrap_or(ctx);
        let answer = translator.builder.ins().uextend(types::I64, answer);
        translator
            .builder
            .ins()
            .store(trusted(), answer, ctx, CONTEXT_POLL_ANSWER_OFFSET);
        translator.builder.ins().return_(&[]);
    })?;
    state.poll_trampoline = Some(id);
    Ok(())
}

impl Translator<'_, '_, '_> {
    /// Hot mode: a safe point. When a reload is ready (or Ctrl-C came) the runtime sets the
    /// interrupt flag and applies the swap inside `lang_hot_poll`, which answers 0 to go on,
    /// 1 to unwind (a runtime error, Ctrl-C or a changed `main`), 2 after a swap. At a
    /// function entry (`redispatch`), a swap calls the function again through its slot, so
    /// the caller gets the new body.
    pub(crate) fn poll(&mut self, span: Span, redispatch: Option<FunctionId>) {
        self.poll_then(span, redispatch, None);
    }

    /// The poll at the header of the proven copy of a versioned loop (`bounds.rs`) under hot
    /// reload: whenever its slow path ran (a swap may have run `on_reload`, which may shrink
    /// or grow an array the copy indexes unchecked through its hoisted data pointer), the
    /// iteration goes on in the checked copy, at its header `checked_header`. So a proof
    /// holds only between two safe points, and never survives a swap.
    pub(crate) fn poll_leaving_proof(&mut self, span: Span, checked_header: ir::Block) {
        self.poll_then(span, None, Some(checked_header));
    }

    fn poll_then(&mut self, span: Span, redispatch: Option<FunctionId>, leave: Option<ir::Block>) {
        if !self.state.target.emits_polls() {
            return;
        }
        let flag = self
            .builder
            .ins()
            .load(types::I64, trusted(), self.ctx, CONTEXT_INTERRUPT_FLAG_OFFSET);
        let poll_block = self.builder.create_block();
        let continue_block = self.builder.create_block();
        self.builder.ins().brif(flag, poll_block, &[], continue_block, &[]);
        self.builder.set_cold_block(poll_block);
        self.builder.switch_to_block(poll_block);
        self.builder.seal_block(poll_block);
        let ctx = self.ctx;
        if self.program_main {
            let marker = self.iconst(POLL_AT_MAIN_STATEMENT);
            self.builder
                .ins()
                .store(trusted(), marker, ctx, CONTEXT_POLL_ANSWER_OFFSET);
        }
        let answer = match self.state.poll_trampoline {
            Some(trampoline) => {
                let trampoline = self.func_ref(trampoline);
                self.forget_checks();
                self.builder.ins().call(trampoline, &[ctx]);
                // A swap may have changed any cell: new offsets, new `let` values. (A poll
                // that leaves a fixed-layout copy need not test its layout: it leaves anyway.)
                let fixed_layout = leave.and_then(|_| self.fixed_layout.take());
                self.reload_cached_cells();
                self.fixed_layout = fixed_layout;
                self.builder
                    .ins()
                    .load(types::I64, trusted(), ctx, CONTEXT_POLL_ANSWER_OFFSET)
            }
            None => self.call_runtime("lang_hot_poll", &[ctx]).unwrap_or(ctx),
        };
        let unwind = self.builder.ins().icmp_imm_s(IntCC::Equal, answer, 1);
        let not_unwinding = self.builder.create_block();
        self.builder.set_cold_block(not_unwinding);
        // Straight to the error exit, with no block of its own under the poll's path, which
        // rejoins the main one (why: `Translator::in_rejoining_cold_path`).
        self.exit_if(unwind, span, not_unwinding);
        self.builder.switch_to_block(not_unwinding);
        self.builder.seal_block(not_unwinding);
        if let Some(id) = redispatch {
            let swapped = self.builder.ins().icmp_imm_s(IntCC::Equal, answer, 2);
            let again = self.builder.create_block();
            let body = self.builder.create_block();
            self.builder.ins().brif(swapped, again, &[], body, &[]);
            self.builder.set_cold_block(again);
            self.builder.set_cold_block(body);
            self.builder.switch_to_block(again);
            self.builder.seal_block(again);
            let mut args = vec![self.ctx];
            args.extend(self.params.clone());
            // Through the slot: it now holds the new version.
            let results = self.call_through_slot(id, &args);
            self.builder.ins().return_(&results);
            self.builder.switch_to_block(body);
            self.builder.seal_block(body);
        }
        self.builder.ins().jump(leave.unwrap_or(continue_block), &[]);
        self.builder.switch_to_block(continue_block);
        self.builder.seal_block(continue_block);
        // A marker that counts as a fence for alias analysis and emits no code. Cranelift's
        // last-store analysis (0.135) gives every block after a merge of a path with a call
        // (the poll) and one without its own "last store", so no load after a poll could be
        // reused in a later block (the same cell was loaded again at every field access).
        // After this marker every path agrees on the last fence.
        self.builder.ins().sequence_point();
    }
}
