//! Calls through function slots under hot reload, with a guarded direct call when the callee
//! is compiled in the same module version.
//!
//! A guarded call compares the slot with the callee's code of this version: while equal, the
//! call is direct (and a small callee is inlined, as its copy without entry poll and
//! stack-depth check, `hot/inlining.rs`); once a reload has patched the slot, the call goes
//! through it to the new version. So nothing compiled from a callee's body outlives a change
//! of that body, and no reload has to recompile callers. The other path calls the slot through
//! a per-callee trampoline with Cranelift's `preserve_all` convention (results in a stack
//! slot): a plain call there, though it never runs while the guard holds, would clobber every
//! caller-saved register, and the register allocator would keep a loop's values in stack slots
//! around the inlined body (spectralnorm's inner loop ran 1.9x slower than in release builds).
//! When the callee's version cannot fail (`calls_infallible::leaves_that_cannot_fail`), the
//! direct path does not test its status: only the slot path, which may reach any version, does.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, AbiParam, InstBuilder, Signature, StackSlotData, StackSlotKind, Value, types};
use cranelift_module::{FuncId, Linkage};

use crate::codegen::function::{Translator, translate_function};
use crate::codegen::hot::not_compiled_here;
use crate::codegen::memory::{Region, trusted};
use crate::codegen::target::Callee;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::types::FunctionId;
use crate::source::Span;
use crate::syntax::ast::{self, StatementKind};

/// Where the slot path of a guarded call leaves the callee's results: the value, then the
/// status byte at this offset.
const STATUS_OFFSET_IN_RESULTS: i32 = 8;

impl Translator<'_, '_, '_> {
    /// Hot mode: a call through the function's slot, never a direct one.
    pub(crate) fn call_through_slot(&mut self, id: FunctionId, call_args: &[Value]) -> Vec<Value> {
        self.call_function_with(id, call_args, None).0
    }

    /// Calls function `id` through `slot`; with `guarded_at` (the call's site) and the callee
    /// compiled here, directly behind a guard that the slot still holds it. Returns the
    /// results (value if any, then status) and whether the status was already tested (then the
    /// returned status is 0).
    pub(crate) fn call_hot_slot(
        &mut self,
        id: FunctionId,
        slot: u64,
        call_args: &[Value],
        guarded_at: Option<Span>,
    ) -> (Vec<Value>, bool) {
        let local = self.state.functions[id.0 as usize];
        if guarded_at.is_some() && local != not_compiled_here() && self.same_version_callees.contains(&id) {
            // The guard would hold: the slot was tested with no safe point since.
            let reference = self.func_ref(local);
            let call = self.builder.ins().call(reference, call_args);
            let cannot_fail = self.state.cannot_fail.get(id.0 as usize).copied().unwrap_or(false);
            let mut results = self.builder.inst_results(call).to_vec();
            if cannot_fail {
                let last = results.len() - 1;
                results[last] = self.builder.ins().iconst(types::I8, 0);
            }
            return (results, cannot_fail);
        }
        let info = self.state.checked.items.function(id).clone();
        let signature = self.state.script_signature(&info.params, info.result.as_ref());
        let result_types: Vec<ir::Type> = signature.returns.iter().map(|param| param.value_type).collect();
        let signature = self.builder.import_signature(signature);
        let slot_address = self.hot_reference(slot as i64);
        let cells = self.flags(Region::Cells);
        let code = self.builder.ins().load(types::I64, cells, slot_address, 0);
        let Some(site) = guarded_at.filter(|_| self.state.options.inline && local != not_compiled_here()) else {
            let call = self.builder.ins().call_indirect(signature, code, call_args);
            return (self.builder.inst_results(call).to_vec(), false);
        };
        let cannot_fail = self.state.cannot_fail.get(id.0 as usize).copied().unwrap_or(false);
        let reference = self.func_ref(local);
        let expected = self.builder.ins().func_addr(types::I64, reference);
        let same = self.builder.ins().icmp(IntCC::Equal, code, expected);
        let direct = self.builder.create_block();
        let through_slot = self.builder.create_block();
        let join = self.builder.create_block();
        let value_type = (result_types.len() == 2).then(|| result_types[0]);
        let value = value_type.map(|ty| self.builder.append_block_param(join, ty));
        let status = (!cannot_fail).then(|| self.builder.append_block_param(join, types::I8));
        self.builder.ins().brif(same, direct, &[], through_slot, &[]);
        self.builder.set_cold_block(through_slot);

        self.builder.switch_to_block(direct);
        self.builder.seal_block(direct);
        let call = self.builder.ins().call(reference, call_args);
        let results = self.builder.inst_results(call).to_vec();
        self.jump_to_join(
            join,
            value.map(|_| results[0]),
            status.map(|_| results[results.len() - 1]),
        );

        self.builder.switch_to_block(through_slot);
        self.builder.seal_block(through_slot);
        let (slot_value, slot_status) = self.call_slot_preserving_registers(id, slot, value_type, call_args);
        if cannot_fail {
            self.in_rejoining_cold_path(|this| this.check_status(slot_status, site));
        }
        self.jump_to_join(join, slot_value, status.map(|_| slot_status));

        self.builder.switch_to_block(join);
        self.builder.seal_block(join);
        let status = status.unwrap_or_else(|| self.builder.ins().iconst(types::I8, 0));
        (value.into_iter().chain([status]).collect(), cannot_fail)
    }

    fn jump_to_join(&mut self, join: ir::Block, value: Option<Value>, status: Option<Value>) {
        let arguments: Vec<ir::BlockArg> = value.into_iter().chain(status).map(ir::BlockArg::Value).collect();
        self.builder.ins().jump(join, &arguments);
    }

    /// Calls `id` through its slot by way of its `preserve_all` trampoline; returns the value
    /// (of `value_type`) and the status.
    fn call_slot_preserving_registers(
        &mut self,
        id: FunctionId,
        slot: u64,
        value_type: Option<ir::Type>,
        call_args: &[Value],
    ) -> (Option<Value>, Value) {
        let trampoline = self.slot_call_trampoline(id, slot);
        let trampoline = self.func_ref(trampoline);
        let results = self
            .builder
            .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 16, 3));
        let address = self.builder.ins().stack_addr(types::I64, results, 0);
        let mut arguments = call_args.to_vec();
        arguments.push(address);
        self.builder.ins().call(trampoline, &arguments);
        let value = value_type.map(|ty| self.builder.ins().load(ty, trusted(), address, 0));
        let status = self
            .builder
            .ins()
            .load(types::I8, trusted(), address, STATUS_OFFSET_IN_RESULTS);
        (value, status)
    }

    /// The trampoline of `id`, declared now and translated after the bodies.
    fn slot_call_trampoline(&mut self, id: FunctionId, slot: u64) -> FuncId {
        if let Some(found) = self.state.slot_call_trampolines.get(&id) {
            return *found;
        }
        let signature = trampoline_signature(self.state, id);
        let info = self.state.checked.items.function(id);
        let name = self.state.unique_name(format!("lang.through_slot.{}", info.name));
        let declared = self
            .state
            .module
            .declare_function(&name, Linkage::Local, &signature)
            .unwrap_or_else(|_| not_compiled_here());
        if declared == not_compiled_here() {
            self.bug(format!("cannot declare the slot trampoline of `{}`", info.name));
            return declared;
        }
        self.state.slot_call_trampolines.insert(id, declared);
        self.state.pending_slot_call_trampolines.push((id, declared, slot));
        declared
    }
}

impl Translator<'_, '_, '_> {
    /// Whether every callee of `callees` (leaves without safe points compiled here) still
    /// has this version's code in its slot: the condition under which a proven loop copy
    /// calls them directly (`same_version_callees`). Nothing in that copy can change a slot:
    /// slots change only at a swap, inside a poll, and the copy's only poll leaves it.
    pub(crate) fn slots_hold_this_version(&mut self, callees: &[FunctionId]) -> Option<Value> {
        let mut all = None;
        for &id in callees {
            let Callee::Slot(slot) = self.state.target.callee(self.state.checked, id) else {
                continue;
            };
            let local = self.state.functions[id.0 as usize];
            let same = if local == not_compiled_here() {
                self.builder.ins().iconst(types::I8, 0)
            } else {
                let slot_address = self.hot_reference(slot as i64);
                let cells = self.flags(Region::Cells);
                let code = self.builder.ins().load(types::I64, cells, slot_address, 0);
                let reference = self.func_ref(local);
                let expected = self.builder.ins().func_addr(types::I64, reference);
                self.builder.ins().icmp(IntCC::Equal, code, expected)
            };
            all = Some(match all {
                Some(before) => self.builder.ins().band(before, same),
                None => same,
            });
        }
        all
    }
}

/// Hot mode: per function, whether it is a leaf that cannot fail (`cannot_fail`, of this
/// module version) whose body holds no loop. Such a body has no safe point: no loop poll,
/// no call, and no entry poll either (`Translator::function_body`), since it runs in
/// bounded time and the safe points of its callers come soon enough (a swap pending when it
/// is called happens at the caller's next poll, and the call before it ran the version of
/// before the swap). So a call of it cannot swap, which lets a proven loop call it.
pub(crate) fn leaves_without_safe_points(
    cannot_fail: &[bool],
    declarations: &[Option<&ast::FunctionDecl>],
) -> Vec<bool> {
    cannot_fail
        .iter()
        .zip(declarations)
        .map(|(&leaf, declaration)| leaf && declaration.is_some_and(|declaration| holds_no_loop(&declaration.body)))
        .collect()
}

/// Whether `block` holds no loop (conservatively: no `if let`, `let ... else` or `match`
/// either, which bodies that cannot fail never have).
fn holds_no_loop(block: &ast::Block) -> bool {
    block.statements.iter().all(statement_holds_no_loop)
}

fn statement_holds_no_loop(statement: &ast::Statement) -> bool {
    match &statement.kind {
        StatementKind::If {
            then_block,
            else_branch,
            ..
        } => {
            holds_no_loop(then_block)
                && match else_branch {
                    Some(ast::ElseBranch::Block(block)) => holds_no_loop(block),
                    Some(ast::ElseBranch::If(statement)) => statement_holds_no_loop(statement),
                    None => true,
                }
        }
        StatementKind::Let { .. }
        | StatementKind::Assign { .. }
        | StatementKind::Expr(_)
        | StatementKind::Return(_)
        | StatementKind::Break
        | StatementKind::Continue => true,
        _ => false,
    }
}

/// `(ctx, parameters..., results address)` with no results, `preserve_all`.
fn trampoline_signature(state: &ProgramState<'_>, id: FunctionId) -> Signature {
    let info = state.checked.items.function(id);
    let script = state.script_signature(&info.params, info.result.as_ref());
    let mut signature = Signature::new(cranelift_codegen::isa::CallConv::PreserveAll);
    signature.params = script.params;
    signature.params.push(AbiParam::new(types::I64));
    signature
}

/// Translates the trampolines that guarded calls asked for: each loads the callee's slot,
/// calls it, and stores its value and status at the address it was given.
pub(crate) fn translate_slot_call_trampolines(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let file = state.checked.program.modules[0].file;
    while let Some((id, trampoline, slot)) = state.pending_slot_call_trampolines.pop() {
        let info = state.checked.items.function(id).clone();
        let script = state.script_signature(&info.params, info.result.as_ref());
        translate_function(
            state,
            trampoline,
            format!("<through slot {}>", info.name),
            file,
            |translator| {
                let signature = translator.builder.import_signature(script);
                let mut arguments = vec![translator.ctx];
                let count = translator.params.len();
                arguments.extend_from_slice(&translator.params[..count - 1]);
                let address = translator.params[count - 1];
                let slot_address = translator.hot_reference(slot as i64);
                let code = translator.builder.ins().load(types::I64, trusted(), slot_address, 0);
                let call = translator.builder.ins().call_indirect(signature, code, &arguments);
                let results = translator.builder.inst_results(call).to_vec();
                if results.len() == 2 {
                    translator.builder.ins().store(trusted(), results[0], address, 0);
                }
                let status = results[results.len() - 1];
                translator
                    .builder
                    .ins()
                    .store(trusted(), status, address, STATUS_OFFSET_IN_RESULTS);
                translator.builder.ins().return_(&[]);
            },
        )?;
    }
    Ok(())
}
