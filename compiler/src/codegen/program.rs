//! Program assembly: declares what a program or hot module is made of and translates it
//! pass by pass (functions, variables, initializers, helpers, entry point, tables).

use std::collections::HashMap;

use cranelift_module::{DataDescription, FuncId, Linkage, Module};

use crate::codegen::builtins::translate_builtin_wrapper;
use crate::codegen::calls_infallible::leaves_that_cannot_fail;
use crate::codegen::closures::{closure_records, translate_closure};
use crate::codegen::compile::compile_bodies;
use crate::codegen::compile_set::ProgramAnalysis;
use crate::codegen::entry::translate_entry;
use crate::codegen::function::translate_function;
use crate::codegen::hot::calls::leaves_without_safe_points;
use crate::codegen::hot::calls::translate_slot_call_trampolines;
use crate::codegen::hot::inlining::translate_inline_variants;
use crate::codegen::hot::not_compiled_here;
use crate::codegen::hot::poll::translate_poll_trampoline;
use crate::codegen::hot::program::translate_hot_module_parts;
use crate::codegen::hot::setup::translate_hot_setup;
use crate::codegen::structs::translate_default_helper;
use crate::codegen::target::{FunctionSelection, ProgramShape, Target};
use crate::codegen::{CodegenError, CodegenOptions, ProgramState, TranslatedProgram};
use crate::sema::CheckedProgram;
use crate::sema::types::{FunctionId, ModuleId};

/// Translates a whole program, or one module of it for hot reload, pass by pass. `analysis`
/// is the program's (`ProgramAnalysis::of`), when the caller made it to share among the
/// modules of a version; without it, it is made here.
pub(crate) fn translate_program(
    checked: &CheckedProgram,
    module: &mut dyn Module,
    options: CodegenOptions,
    target: Target<'_>,
    analysis: Option<&ProgramAnalysis>,
) -> Result<TranslatedProgram, CodegenError> {
    let made_here;
    let analysis = match analysis {
        Some(analysis) => analysis,
        None => {
            made_here = ProgramAnalysis::of(checked);
            &made_here
        }
    };
    let mut state = new_program_state(checked, module, options, target, analysis)?;
    if state.target.emits_polls() {
        translate_poll_trampoline(&mut state)?;
    }
    let compiled_functions = declare_script_functions(&mut state)?;
    define_module_variable_blocks(&mut state)?;
    translate_function_bodies(&mut state)?;
    let mut translated = match state.target.shape() {
        ProgramShape::WholeProgram => {
            let initializers = translate_module_initializers(&mut state)?;
            translate_pending_helpers(&mut state)?;
            let entry = translate_entry(&mut state, &initializers)?;
            empty_translation(entry)
        }
        ProgramShape::HotModule(target) => {
            let mut parts = translate_hot_module_parts(&mut state, target, &compiled_functions)?;
            translate_pending_helpers(&mut state)?;
            translate_inline_variants(&mut state)?;
            translate_pending_helpers(&mut state)?;
            translate_slot_call_trampolines(&mut state)?;
            parts.hot_functions.extend(closure_records(&state));
            let entry = translate_hot_setup(&mut state, target)?;
            TranslatedProgram { entry, ..parts }
        }
    };
    define_tables(&mut state)?;
    compile_bodies(&mut state)?;
    translated.slot_patches = std::mem::take(&mut state.slot_patches);
    translated.imports = state.imports;
    translated.functions = std::mem::take(&mut state.translated);
    translated.disassembly = std::mem::take(&mut state.disassembly);
    translated.ir = std::mem::take(&mut state.ir);
    Ok(translated)
}

/// A translation with only its entry point set; the passes fill in the rest.
fn empty_translation(entry: FuncId) -> TranslatedProgram {
    TranslatedProgram {
        entry,
        functions: Vec::new(),
        hot_functions: Vec::new(),
        hot_variables: Vec::new(),
        hot_structs: Vec::new(),
        hot_defaults: Vec::new(),
        hot_enums: Vec::new(),
        slot_patches: Vec::new(),
        imports: None,
        disassembly: String::new(),
        ir: String::new(),
    }
}

fn new_program_state<'a>(
    checked: &'a CheckedProgram,
    module: &'a mut dyn Module,
    options: CodegenOptions,
    target: Target<'a>,
    analysis: &ProgramAnalysis,
) -> Result<ProgramState<'a>, CodegenError> {
    let call_conv = module.isa().default_call_conv();
    let can_run = match target.function_selection(options) {
        FunctionSelection::ThoseThatCanRun => analysis.functions_that_can_run(checked),
        FunctionSelection::Every | FunctionSelection::Listed => vec![true; checked.items.functions.len()],
    };
    let literal_table = module.declare_data("lang.literals", Linkage::Local, true, false)?;
    let struct_descs = module.declare_data("lang.struct_descs", Linkage::Local, true, false)?;
    // A shared library's import table: declared now, defined by the library driver once the
    // linker knows how many entries the code uses.
    let imports = if target.uses_import_table() {
        Some(module.declare_data(crate::codegen::library::IMPORTS_SYMBOL, Linkage::Local, true, false)?)
    } else {
        None
    };
    let runs_during_initialization = analysis.runs_during_initialization.clone();
    Ok(ProgramState {
        checked,
        module,
        call_conv,
        options,
        functions: Vec::new(),
        runtime: HashMap::new(),
        globals: Vec::new(),
        variable_slots: Vec::new(),
        literals: Vec::new(),
        literal_index: HashMap::new(),
        literal_table,
        struct_descs,
        sites: HashMap::new(),
        function_slots: HashMap::new(),
        builtin_wrappers: HashMap::new(),
        default_helpers: HashMap::new(),
        pending_defaults: Vec::new(),
        pending_wrappers: Vec::new(),
        pending_closures: Vec::new(),
        closure_functions: HashMap::new(),
        line_starts: HashMap::new(),
        translated: Vec::new(),
        names: HashMap::new(),
        disassembly: String::new(),
        ir: String::new(),
        can_run,
        cannot_fail: match target.shape() {
            ProgramShape::WholeProgram => {
                crate::codegen::calls_infallible::functions_that_cannot_fail(checked, &runs_during_initialization)
            }
            ProgramShape::HotModule(_) => vec![false; checked.items.functions.len()],
        },
        leaves_without_safe_points: Vec::new(),
        runs_during_initialization,
        bodies: Vec::new(),
        target,
        slot_patches: Vec::new(),
        imports,
        poll_trampoline: None,
        inline_variants: HashMap::new(),
        never_inlined: Default::default(),
        slot_call_trampolines: HashMap::new(),
        pending_slot_call_trampolines: Vec::new(),
    })
}

/// Declares every script function first: bodies may call each other in any order. In hot
/// mode only the target module's functions are compiled (and exported, so the runtime can
/// point their slots at them); other modules are reached through slots. Returns the
/// compiled ones by index.
fn declare_script_functions(state: &mut ProgramState<'_>) -> Result<Vec<(FunctionId, FuncId)>, CodegenError> {
    let checked = state.checked;
    let mut compiled = Vec::new();
    for (index, info) in checked.items.functions.iter().enumerate() {
        if !state.compiles_function(index) {
            // Never called directly: other modules are reached through slots; a function
            // that cannot run is never called (see `compile_set`).
            state.functions.push(not_compiled_here());
            continue;
        }
        let signature = state.script_signature(&info.params, info.result.as_ref());
        let module_name = &checked.program.module(info.module).name;
        let name = state.unique_name(format!("{module_name}.{}", info.name));
        let linkage = state.target.function_linkage(state.hot_linkage());
        let id = state.module.declare_function(&name, linkage, &signature)?;
        state.functions.push(id);
        compiled.push((FunctionId(index as u32), id));
    }
    Ok(compiled)
}

/// Module variables: one block of (value, initialized) word pairs per module; hot mode keeps
/// them in runtime-owned cells instead.
fn define_module_variable_blocks(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let checked = state.checked;
    let mut counts = vec![0usize; checked.program.modules.len()];
    for info in &checked.items.variables {
        state.variable_slots.push(counts[info.module.0 as usize]);
        counts[info.module.0 as usize] += 1;
    }
    for (index, count) in counts.iter().enumerate() {
        if let ProgramShape::HotModule(_) = state.target.shape() {
            state.globals.push(state.literal_table);
            continue;
        }
        let name = format!("lang.globals.{}", checked.program.modules[index].name);
        let name = state.unique_name(name);
        let id = state.module.declare_data(&name, Linkage::Local, true, false)?;
        let mut description = DataDescription::new();
        description.define_zeroinit((count * 16).max(16));
        description.set_align(16);
        state.module.define_data(id, &description)?;
        state.globals.push(id);
    }
    Ok(())
}

fn translate_function_bodies(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let checked = state.checked;
    let compiled: Vec<usize> = (0..checked.items.functions.len())
        .filter(|index| state.compiles_function(*index))
        .collect();
    let declarations = checked.function_declarations_of(&compiled);
    if let ProgramShape::HotModule(_) = state.target.shape() {
        // Only about the functions compiled here, whose bodies this version fixes.
        let mut by_index = vec![None; checked.items.functions.len()];
        for (index, declaration) in &declarations {
            by_index[*index] = Some(*declaration);
        }
        state.cannot_fail = leaves_that_cannot_fail(checked, &by_index, |index| by_index[index].is_some());
        state.leaves_without_safe_points = leaves_without_safe_points(&state.cannot_fail, &by_index);
    }
    for index in compiled {
        let info = &checked.items.functions[index];
        let module_data = checked.program.module(info.module);
        let Some(declaration) = declarations.get(&index).copied() else {
            return Err(CodegenError(format!("no declaration for function `{}`", info.name)));
        };
        let id = state.functions[index];
        let display = function_display_name(checked, info.module, &info.name);
        let early = state.runs_during_initialization[index];
        let program_main = state.target.polls_after_statements(info.module, &info.name);
        translate_function(state, id, display, module_data.file, |translator| {
            translator.may_run_during_initialization = early;
            translator.program_main = program_main;
            translator.function_body(FunctionId(index as u32), declaration)
        })?;
    }
    Ok(())
}

/// One initializer per module (hot mode has one per variable instead, so that a reload can
/// run exactly the ones it needs: see `hot::program`).
fn translate_module_initializers(state: &mut ProgramState<'_>) -> Result<Vec<FuncId>, CodegenError> {
    let checked = state.checked;
    let mut initializers = Vec::new();
    for (index, module_data) in checked.program.modules.iter().enumerate() {
        let signature = state.script_signature(&[], None);
        let name = state.unique_name(format!("{}.<init>", module_data.name));
        let id = state.module.declare_function(&name, Linkage::Local, &signature)?;
        let display = format!("<initializer of {}>", module_data.name);
        let module = ModuleId(index as u32);
        translate_function(state, id, display, module_data.file, |translator| {
            translator.module_initializer(module)
        })?;
        initializers.push(id);
    }
    Ok(initializers)
}

/// Helpers requested along the way: struct defaults, wrappers of built-ins used as values,
/// and the bodies of function expressions. Translating one may request more.
fn translate_pending_helpers(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    loop {
        if let Some((struct_id, field)) = state.pending_defaults.pop() {
            translate_default_helper(state, struct_id, field)?;
        } else if let Some(builtin) = state.pending_wrappers.pop() {
            translate_builtin_wrapper(state, builtin)?;
        } else if let Some(closure) = state.pending_closures.pop() {
            translate_closure(state, closure)?;
        } else {
            return Ok(());
        }
    }
}

pub(crate) fn function_display_name(checked: &CheckedProgram, module: ModuleId, name: &str) -> String {
    if module.0 == 0 {
        name.to_string()
    } else {
        format!("{}.{name}", checked.program.module(module).name)
    }
}

/// Defines the literal table and the struct descriptor table, now that their sizes are known.
pub(crate) fn define_tables(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let mut description = DataDescription::new();
    description.define_zeroinit((state.literals.len() * 8).max(8));
    description.set_align(8);
    state.module.define_data(state.literal_table, &description)?;
    let mut description = DataDescription::new();
    // Structs, then payload variants (`enums::variant_table_slot`).
    let entries = state.checked.items.structs.len() + crate::codegen::enums::payload_variant_count(state.checked);
    description.define_zeroinit((entries * 8).max(8));
    description.set_align(8);
    state.module.define_data(state.struct_descs, &description)?;
    Ok(())
}
