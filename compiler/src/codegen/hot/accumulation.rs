//! Hot mode: the accumulation loop of `codegen/tail_accumulation.rs` (`fib`'s second call run
//! as a loop) kept valid under hot reload, with its first call run as the same loop one level
//! down.
//!
//! Each iteration of the loop stands for one call of the recursion: its back edge is the
//! second call `f(n - B)`, entering this same body again. Under hot reload that call must run
//! whatever body the function's slot holds at that moment. A swap happens only inside a safe
//! point, and the only safe points here are inside the calls the loop makes (the entry polls
//! of the functions they enter). So the body is two nested loops, the outer one over `n`, the
//! inner one over the first call's parameters (`m = n - A`): the inner loop is that first
//! call, made inline (like the copies of `hot/inlining.rs`, without entry poll or stack-depth
//! check: its frame is this one's), and only the inner loop calls the function:
//! - each call is direct, with no guard: the slot holds this version's code, checked with no
//!   safe point since (when the function was entered — through the slot, or a guarded direct
//!   call, with the entry poll answering that nothing was swapped — or at the inner back edge);
//! - the inner back edge goes on only while the slot still holds this version's code (one
//!   load and compare); otherwise the inner level finishes as `acc + f(m)` through the slot,
//!   and then the outer level as `acc + first + f(n - B)` through the slot too: the recursion
//!   goes on in the new version. The outer back edge needs no check: since the last one (or
//!   the entry) no call was made;
//! - an error leaves with the frames the recursion would have had: after `k` outer and `j`
//!   inner iterations it is `k` frames deep in second calls, one at the first call, and `j`
//!   more in second calls. `j` is `(n - A - m) / B` and `k` is `(n0 - n) / B`, `n0` the
//!   counting parameter on entry; cold blocks outside both loops count the frames off by
//!   stepping the counters back up, reading `n0` from a stack slot, so the loops keep no
//!   site or count in registers.
//!
//! The back edges have no poll of their own: every inner iteration calls the function, whose
//! entry poll is a safe point, and each loop runs at most `n / B` iterations.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, BlockArg, InstBuilder, StackSlotData, StackSlotKind, Value, types};
use cranelift_frontend::Variable;

use crate::codegen::function::Translator;
use crate::codegen::tail_accumulation::AccumulatingLoop;
use crate::sema::types::FunctionId;
use crate::syntax::ast::{Expr, ExprKind};

impl Translator<'_, '_, '_> {
    /// Translates the body of `function` as the two loops this file describes; `parameters`
    /// are its parameters' variables, declared.
    pub(crate) fn slot_checked_accumulation(
        &mut self,
        function: FunctionId,
        plan: &AccumulatingLoop<'_>,
        parameters: &[Variable],
    ) {
        let counter = parameters[plan.counter];
        let at_entry = self.builder.use_var(counter);
        let counter_at_entry =
            self.builder
                .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
        self.builder
            .ins()
            .stack_store(types::I64, at_entry, counter_at_entry, 0);
        // The outer level's parameters while the inner level runs under the parameters' names.
        let outer: Vec<Variable> = parameters
            .iter()
            .map(|&variable| {
                let value = self.builder.use_var(variable);
                let ty = self.builder.func.dfg.value_type(value);
                self.builder.declare_var(ty)
            })
            .collect();
        let outer_counter = outer[plan.counter];
        let sum = self.builder.declare_var(types::I64);
        let inner_sum = self.builder.declare_var(types::I64);
        let zero = self.iconst(0);
        self.builder.def_var(sum, zero);

        // Cold, outside both loops: the frames of the inner level's iterations (from the inner
        // counter up to `n - A`) and the outer frame at its first call, then the outer level's.
        let inner_frames = self.cold_block_with(&[types::I64, types::I64]);
        let outer_frames = self.cold_block_with(&[types::I64]);

        let outer_header = self.builder.create_block();
        let inner_header = self.builder.create_block();
        let after_first = self.builder.create_block();
        self.builder.append_block_param(after_first, types::I64);
        self.builder.ins().jump(outer_header, &[]);

        // The outer level: `n` the counter.
        self.builder.switch_to_block(outer_header);
        self.base_case_or_recursion(plan, sum, None);
        let first_arguments = self.arguments_of(plan.first_call);
        for (&saved, &variable) in outer.iter().zip(parameters) {
            let value = self.builder.use_var(variable);
            self.builder.def_var(saved, value);
        }
        self.define_parameters(parameters, &first_arguments);
        self.builder.def_var(inner_sum, zero);
        self.builder.ins().jump(inner_header, &[]);

        // The inner level (the first call): `m` the counter.
        self.builder.switch_to_block(inner_header);
        self.base_case_or_recursion(plan, inner_sum, Some(after_first));
        let mut call_args = vec![self.ctx];
        call_args.extend(self.arguments_of(plan.first_call));
        let known_versions = self.same_version_callees.len();
        self.same_version_callees.push(function);
        let (results, status_tested) = self.call_function_with(function, &call_args, Some(plan.first_call.span));
        self.same_version_callees.truncate(known_versions);
        if !status_tested {
            let failed = self.builder.create_block();
            let continuation = self.builder.create_block();
            let known = self.take_known_checks();
            self.builder
                .ins()
                .brif(results[results.len() - 1], failed, &[], continuation, &[]);
            self.builder.set_cold_block(failed);
            self.builder.switch_to_block(failed);
            self.builder.seal_block(failed);
            self.trace_site(plan.first_call);
            let (inner, outer_value) = (self.builder.use_var(counter), self.builder.use_var(outer_counter));
            self.jump_with(inner_frames, &[inner, outer_value]);
            self.builder.switch_to_block(continuation);
            self.builder.seal_block(continuation);
            self.keep_known_checks(known, continuation);
        }
        self.add_to(inner_sum, results[0]);
        let next = self.arguments_of_next_iteration(plan);
        self.define_parameters(parameters, &next);
        let same = self.slots_hold_this_version(&[function]);
        let same = same.unwrap_or_else(|| self.builder.ins().iconst(types::I8, 0));
        let leave = self.builder.create_block();
        self.builder.ins().brif(same, inner_header, &[], leave, &[]);
        self.builder.seal_block(inner_header);

        // Another version in the slot: both levels finish through it.
        self.builder.set_cold_block(leave);
        self.builder.switch_to_block(leave);
        self.builder.seal_block(leave);
        let inner_rest = self.call_through_slot_or_leave(function, parameters, |translator| {
            let (inner, outer_value) = (
                translator.builder.use_var(counter),
                translator.builder.use_var(outer_counter),
            );
            translator.jump_with(inner_frames, &[inner, outer_value]);
        });
        let before = self.builder.use_var(inner_sum);
        let first = self.builder.ins().iadd(before, inner_rest);
        self.restore_parameters(parameters, &outer);
        self.add_to(sum, first);
        let next = self.arguments_of_next_iteration(plan);
        self.define_parameters(parameters, &next);
        let outer_rest = self.call_through_slot_or_leave(function, parameters, |translator| {
            let outer_value = translator.builder.use_var(counter);
            translator.jump_with(outer_frames, &[outer_value]);
        });
        let before = self.builder.use_var(sum);
        let total = self.builder.ins().iadd(before, outer_rest);
        self.return_status(0, Some(total));

        // The first call returned (from its base case, after an inner back edge that found this
        // version in the slot, or before any call): the outer back edge.
        self.builder.switch_to_block(after_first);
        self.builder.seal_block(after_first);
        let first = self.builder.block_params(after_first)[0];
        self.restore_parameters(parameters, &outer);
        self.add_to(sum, first);
        let next = self.arguments_of_next_iteration(plan);
        self.define_parameters(parameters, &next);
        self.builder.ins().jump(outer_header, &[]);
        self.builder.seal_block(outer_header);

        self.count_off_frames(plan, inner_frames, outer_frames, counter_at_entry);
    }

    /// The values of the arguments of `call` (a call of the function itself), in order.
    fn arguments_of(&mut self, call: &Expr) -> Vec<Value> {
        let ExprKind::Call { args, .. } = &call.kind else {
            self.bug("the first call of an accumulated recursion is not a call");
            return Vec::new();
        };
        args.iter().map(|argument| self.expr_value(argument)).collect()
    }

    /// The second call's arguments, every one computed before any parameter is replaced.
    fn arguments_of_next_iteration(&mut self, plan: &AccumulatingLoop<'_>) -> Vec<Value> {
        plan.next_arguments
            .iter()
            .map(|argument| self.expr_value(argument))
            .collect()
    }

    fn define_parameters(&mut self, parameters: &[Variable], values: &[Value]) {
        for (&variable, &value) in parameters.iter().zip(values) {
            self.builder.def_var(variable, value);
        }
    }

    fn restore_parameters(&mut self, parameters: &[Variable], saved: &[Variable]) {
        for (&variable, &saved) in parameters.iter().zip(saved) {
            let value = self.builder.use_var(saved);
            self.builder.def_var(variable, value);
        }
    }

    fn add_to(&mut self, sum: Variable, value: Value) {
        let before = self.builder.use_var(sum);
        let total = self.builder.ins().iadd(before, value);
        self.builder.def_var(sum, total);
    }

    fn cold_block_with(&mut self, parameters: &[types::Type]) -> ir::Block {
        let block = self.builder.create_block();
        for &ty in parameters {
            self.builder.append_block_param(block, ty);
        }
        self.builder.set_cold_block(block);
        block
    }

    /// Jumps to `block` with `values` as its arguments.
    pub(crate) fn jump_with(&mut self, block: ir::Block, values: &[Value]) {
        let arguments: Vec<BlockArg> = values.iter().map(|&value| BlockArg::Value(value)).collect();
        self.builder.ins().jump(block, &arguments);
    }

    fn trace_site(&mut self, call: &Expr) {
        let site = self.site(call.span);
        let ctx = self.ctx;
        self.call_runtime("lang_rt_trace", &[ctx, site]);
    }

    /// Calls the function with `parameters` through its slot (whatever version it holds);
    /// on failure runs `leave` (which records frames and leaves); returns the value.
    fn call_through_slot_or_leave(
        &mut self,
        function: FunctionId,
        parameters: &[Variable],
        leave: impl FnOnce(&mut Self),
    ) -> Value {
        let mut call_args = vec![self.ctx];
        call_args.extend(parameters.iter().map(|&variable| self.builder.use_var(variable)));
        let (results, _) = self.call_function_with(function, &call_args, None);
        let failed = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder
            .ins()
            .brif(results[results.len() - 1], failed, &[], done, &[]);
        self.builder.set_cold_block(failed);
        self.builder.set_cold_block(done);
        self.builder.switch_to_block(failed);
        self.builder.seal_block(failed);
        leave(self);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
        results[0]
    }

    /// The error paths' frames: `inner_frames(m, n)` records a second-call frame per step `B`
    /// from `m` up to `n - A`, then the outer frame at its first call, and goes on to
    /// `outer_frames(n)`, which records one per step from `n` up to `n0`, then returns
    /// status 1.
    fn count_off_frames(
        &mut self,
        plan: &AccumulatingLoop<'_>,
        inner_frames: ir::Block,
        outer_frames: ir::Block,
        counter_at_entry: ir::StackSlot,
    ) {
        self.builder.switch_to_block(inner_frames);
        let (inner, outer) = (
            self.builder.block_params(inner_frames)[0],
            self.builder.block_params(inner_frames)[1],
        );
        let inner_at_entry = self.builder.ins().iadd_imm_s(outer, -plan.first_step);
        self.frame_per_step(plan, inner_frames, inner, inner_at_entry, |next| vec![next, outer]);
        self.trace_site(plan.first_call);
        self.jump_with(outer_frames, &[outer]);
        self.builder.seal_block(inner_frames);

        self.builder.switch_to_block(outer_frames);
        let outer = self.builder.block_params(outer_frames)[0];
        let at_entry = self
            .builder
            .ins()
            .stack_load(types::I64, types::I64, counter_at_entry, 0);
        self.frame_per_step(plan, outer_frames, outer, at_entry, |next| vec![next]);
        self.return_status(1, None);
        self.builder.seal_block(outer_frames);
    }

    /// In `block` (current): while `counter < limit`, records the second call's site and
    /// jumps back to `block` with `arguments(counter + B)`; leaves the block where that loop
    /// ends current.
    fn frame_per_step(
        &mut self,
        plan: &AccumulatingLoop<'_>,
        block: ir::Block,
        counter: Value,
        limit: Value,
        arguments: impl FnOnce(Value) -> Vec<Value>,
    ) {
        let trace_one = self.builder.create_block();
        let done = self.builder.create_block();
        self.builder.set_cold_block(trace_one);
        self.builder.set_cold_block(done);
        let more = self.builder.ins().icmp(IntCC::SignedLessThan, counter, limit);
        self.builder.ins().brif(more, trace_one, &[], done, &[]);
        self.builder.switch_to_block(trace_one);
        self.builder.seal_block(trace_one);
        self.trace_site(plan.second_call);
        let next = self.builder.ins().iadd_imm_s(counter, plan.step);
        let values = arguments(next);
        self.jump_with(block, &values);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
    }
}
