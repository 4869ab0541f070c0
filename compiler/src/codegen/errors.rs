//! The status-return error protocol of the generated code.
//!
//! Runtime errors use status returns (ARCHITECTURE.md): every script function returns a
//! status byte after its result. A failed check branches to a cold block that records the
//! error and its site, then to the function's error exit, which returns status 1; each caller
//! tests the status after the call and adds its own site on the way out. No instruction that
//! can trap is ever reached: divisions, bounds, nil and the stack depth are checked first.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::source::Span;

/// Error paths that share one error exit block (see `Translator::error_exit`).
pub(crate) const ERROR_EXIT_SHARING: usize = 32;

impl Translator<'_, '_, '_> {
    /// The site text of `span` in the current function: `name\tfile:line:col`.
    pub(crate) fn site(&mut self, span: Span) -> Value {
        let location = self.state.location(self.file, span.start);
        let text = format!("{}\t{location}", self.display_name);
        self.text_address(&text)
    }

    /// The block that records a frame's site and returns status 1. One is shared by at most
    /// `ERROR_EXIT_SHARING` error paths: a block with tens of thousands of predecessors (a
    /// long literal or chain of `+`) made computing dominators take quadratic time.
    pub(crate) fn error_exit(&mut self) -> ir::Block {
        if let Some(&block) = self.error_exits.last()
            && self.error_exit_uses < ERROR_EXIT_SHARING
        {
            self.error_exit_uses += 1;
            return block;
        }
        let block = self.builder.create_block();
        self.builder.append_block_param(block, types::I64);
        self.builder.set_cold_block(block);
        self.error_exits.push(block);
        self.error_exit_uses = 1;
        block
    }

    /// Branches to the error path when `condition` is non-zero: raises `raise` (kind and two
    /// arguments) if given, records the site of `span`, and returns status 1.
    pub(crate) fn error_if(&mut self, condition: Value, span: Span, raise: Option<(i64, Value, Value)>) {
        if raise.is_none() && self.in_rejoining_cold_path {
            let continue_block = self.builder.create_block();
            let known = self.take_known_checks();
            self.exit_if(condition, span, continue_block);
            self.builder.switch_to_block(continue_block);
            self.builder.seal_block(continue_block);
            self.keep_known_checks(known, continue_block);
            return;
        }
        self.error_if_raising(condition, span, |_| raise);
    }

    /// Like `error_if`, raising `kind` with the text `name` (a field's, a variable's): the
    /// text's address is made in the error path. Made before the branch, in a loop, it would
    /// be hoisted out of the loop by Cranelift and hold a register across the whole loop for
    /// a path that almost never runs.
    pub(crate) fn error_if_named(&mut self, condition: Value, span: Span, kind: i64, name: &str) {
        self.error_if_raising(condition, span, |this| {
            let name = this.text_address(name);
            let zero = this.iconst(0);
            Some((kind, name, zero))
        });
    }

    /// Branches to a cold block that raises what `raise` makes there (if anything), records
    /// the site and leaves through the error exit, when `condition` is non-zero.
    fn error_if_raising(
        &mut self,
        condition: Value,
        span: Span,
        raise: impl FnOnce(&mut Self) -> Option<(i64, Value, Value)>,
    ) {
        let error_block = self.builder.create_block();
        let continue_block = self.builder.create_block();
        let known = self.take_known_checks();
        self.builder
            .ins()
            .brif(condition, error_block, &[], continue_block, &[]);
        self.builder.set_cold_block(error_block);
        self.builder.switch_to_block(error_block);
        self.builder.seal_block(error_block);
        let raise = raise(self);
        self.raise_and_exit(span, raise);
        self.builder.switch_to_block(continue_block);
        self.builder.seal_block(continue_block);
        self.keep_known_checks(known, continue_block);
    }

    /// Emits `path`, a cold path that rejoins the main one (a slow path), with its error
    /// checks branching straight to the error exit instead of through a block of their own.
    /// Cranelift's loop-invariant hoisting walks the dominator tree and loses the loop it is
    /// in for the rest of its walk once it visits a block outside that loop; a path that
    /// rejoins the main one is visited before the code after the join, so an error block
    /// under it (outside every loop: it returns) hid the rest of the loop from the hoisting.
    pub(crate) fn in_rejoining_cold_path<R>(&mut self, path: impl FnOnce(&mut Self) -> R) -> R {
        let outer = std::mem::replace(&mut self.in_rejoining_cold_path, true);
        let result = path(self);
        self.in_rejoining_cold_path = outer;
        result
    }

    /// Branches to the error exit (recording the site of `span`) when `condition` is non-zero,
    /// else to `continue_block`, with no block of its own for the error path (nothing is
    /// raised: the error is already recorded). See `in_rejoining_cold_path` for why.
    pub(crate) fn exit_if(&mut self, condition: Value, span: Span, continue_block: ir::Block) {
        let site = self.site(span);
        let exit = self.error_exit();
        self.builder
            .ins()
            .brif(condition, exit, &[BlockArg::Value(site)], continue_block, &[]);
    }

    /// Like `error_if` with a raise kind computed at run time and the text `name` (its address
    /// made in the error path, as in `error_if_named`).
    pub(crate) fn error_if_dynamic(&mut self, condition: Value, span: Span, kind: Value, name: &str) {
        let error_block = self.builder.create_block();
        let continue_block = self.builder.create_block();
        let known = self.take_known_checks();
        self.builder
            .ins()
            .brif(condition, error_block, &[], continue_block, &[]);
        self.builder.set_cold_block(error_block);
        self.builder.switch_to_block(error_block);
        self.builder.seal_block(error_block);
        let kind = self.builder.ins().ireduce(types::I32, kind);
        let a = self.text_address(name);
        let zero = self.iconst(0);
        let ctx = self.ctx;
        self.call_runtime("lang_rt_raise", &[ctx, kind, a, zero]);
        self.raise_and_exit(span, None);
        self.builder.switch_to_block(continue_block);
        self.builder.seal_block(continue_block);
        self.keep_known_checks(known, continue_block);
    }

    /// In the current block: raise (if given), record the site, leave through the error exit.
    pub(crate) fn raise_and_exit(&mut self, span: Span, raise: Option<(i64, Value, Value)>) {
        if let Some((kind, a, b)) = raise {
            let kind = self.builder.ins().iconst(types::I32, kind);
            let ctx = self.ctx;
            self.call_runtime("lang_rt_raise", &[ctx, kind, a, b]);
        }
        let site = self.site(span);
        let exit = self.error_exit();
        self.builder.ins().jump(exit, &[BlockArg::Value(site)]);
    }

    /// Starts a fresh block after a terminator, for code that cannot be reached.
    pub(crate) fn start_unreachable_block(&mut self) {
        let block = self.builder.create_block();
        self.builder.switch_to_block(block);
        self.builder.seal_block(block);
    }

    pub(crate) fn is_terminated(&self) -> bool {
        match self.builder.current_block() {
            Some(block) => self
                .builder
                .func
                .layout
                .last_inst(block)
                .is_some_and(|inst| self.builder.func.dfg.insts[inst].opcode().is_terminator()),
            None => true,
        }
    }

    /// Returns from the function with the given status and a zero result.
    pub(crate) fn return_status(&mut self, status: i64, value: Option<Value>) {
        let mut values = Vec::new();
        let returns = self.builder.func.signature.returns.clone();
        if returns.len() == 2 {
            let value = match value {
                Some(value) => value,
                None => self.zero(returns[0].value_type),
            };
            values.push(value);
        }
        let status = self.builder.ins().iconst(types::I8, status);
        values.push(status);
        self.builder.ins().return_(&values);
    }

    pub(crate) fn zero(&mut self, ty: types::Type) -> Value {
        if ty == types::F64 {
            self.builder.ins().f64const(0.0)
        } else {
            self.builder.ins().iconst(ty, 0)
        }
    }

    /// Closes the function: a fall-through return and the shared error exit.
    pub(crate) fn finish(&mut self) {
        if !self.is_terminated() {
            self.return_status(0, None);
        }
        for block in std::mem::take(&mut self.error_exits) {
            self.builder.switch_to_block(block);
            let site = self.builder.block_params(block)[0];
            let ctx = self.ctx;
            self.call_runtime("lang_rt_trace", &[ctx, site]);
            self.return_status(1, None);
        }
        self.builder.seal_all_blocks();
    }

    /// Checks the stack depth at function entry (status-return, no guard-page trap).
    pub(crate) fn stack_check(&mut self, span: Span) {
        let sp = self.builder.ins().get_stack_pointer(types::I64);
        let limit = self
            .builder
            .ins()
            .load(types::I64, trusted(), self.ctx, CONTEXT_STACK_LIMIT_OFFSET);
        let overflow = self.builder.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        let zero = self.iconst(0);
        self.error_if(overflow, span, Some((RAISE_STACK_OVERFLOW, zero, zero)));
    }

    /// Calls a runtime function and, if it can fail, propagates its error from `span`.
    pub(crate) fn call_runtime_at(&mut self, name: &'static str, args: &[Value], span: Span) -> Option<Value> {
        let result = self.call_runtime(name, args);
        if runtime_function(name).fallible {
            let flag = self
                .builder
                .ins()
                .load(types::I64, trusted(), self.ctx, CONTEXT_ERROR_FLAG_OFFSET);
            self.error_if(flag, span, None);
        }
        result
    }

    pub(crate) fn check_status(&mut self, status: Value, span: Span) {
        self.error_if(status, span, None);
    }

    /// Tests the status of a script call; returns its result, if any.
    pub(crate) fn finish_call(&mut self, results: Vec<Value>, span: Span) -> Option<Value> {
        let status = *results.last().expect("script functions return a status");
        self.check_status(status, span);
        if results.len() == 2 { Some(results[0]) } else { None }
    }
}
