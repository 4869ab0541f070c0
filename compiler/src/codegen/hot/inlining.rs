//! Hot mode: the copies of small functions that guarded direct calls inline.
//!
//! A guarded direct call (`hot/calls.rs`) runs its callee's code of this module version only
//! while the callee's slot still holds that code, so an inlined copy is exactly the version
//! the slot names: a reload that changes the callee patches the slot, and the next call takes
//! the slot's new code, with no recompile of the caller. The copy needs neither the entry
//! poll (a swap there would only call the new version, which the guard already does at the
//! next call; the caller's own polls remain its safe points) nor the stack-depth check (its
//! frame is the caller's, which was checked). Without them a small leaf like spectralnorm's
//! `eval_a` inlines to the arithmetic alone, as in release builds.

use cranelift_codegen::ir;

use crate::codegen::function::translate_function;
use crate::codegen::inline::is_small_enough_to_inline;
use crate::codegen::tail_accumulation::accumulating_loop;
use crate::codegen::target::TailAccumulation;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::types::FunctionId;

/// Translates the inline copy of every small script function translated so far, into
/// `ProgramState::inline_variants`.
pub(crate) fn translate_inline_variants(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    if !state.options.inline {
        return Ok(());
    }
    let checked = state.checked;
    // The module's few bodies first: a module of a large program compiles a handful of the
    // program's thousands of functions, and a search of the bodies for each function of the
    // program, in each module's compile, cost 3% of the first start at 100,000 lines.
    let small_bodies: std::collections::HashSet<cranelift_module::FuncId> = state
        .bodies
        .iter()
        .filter(|(_, _, function)| is_small_enough_to_inline(function))
        .map(|(body_id, _, _)| *body_id)
        .collect();
    if small_bodies.is_empty() {
        return Ok(());
    }
    let small: Vec<(usize, cranelift_module::FuncId)> = state
        .functions
        .iter()
        .enumerate()
        .filter(|(_, id)| small_bodies.contains(id))
        .map(|(index, id)| (index, *id))
        .collect();
    if small.is_empty() {
        return Ok(());
    }
    let indices: Vec<usize> = small.iter().map(|(index, _)| *index).collect();
    let declarations = checked.function_declarations_of(&indices);
    for (index, id) in small {
        let info = &checked.items.functions[index];
        let Some(declaration) = declarations.get(&index).copied() else {
            continue;
        };
        if state.target.polls_after_statements(info.module, &info.name) {
            continue; // `main` is never called by script code
        }
        // A recursion run as a loop makes its first call inline itself (`hot/accumulation.rs`),
        // and a copy inlined into its own direct calls would only nest the loops twice more.
        let file = checked.program.module(info.module).file;
        if state.target.tail_accumulation() == TailAccumulation::LoopCheckingTheSlot
            && accumulating_loop(checked, file, FunctionId(index as u32), declaration).is_some()
        {
            state.never_inlined.insert(id.as_u32());
            continue;
        }
        // As `program::function_display_name` (the traces of the copy name the function).
        let display = if info.module.0 == 0 {
            info.name.clone()
        } else {
            format!("{}.{}", checked.program.module(info.module).name, info.name)
        };
        let early = state.runs_during_initialization[index];
        translate_function(state, id, display, file, |translator| {
            translator.may_run_during_initialization = early;
            translator.inline_variant = true;
            translator.function_body(FunctionId(index as u32), declaration)
        })?;
        let (_, _, variant): (_, _, ir::Function) = state.bodies.pop().expect("the copy was just translated");
        state.inline_variants.insert(id.as_u32(), variant);
    }
    Ok(())
}
