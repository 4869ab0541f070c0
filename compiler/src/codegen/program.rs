//! Program assembly: declares what a program or hot module is made of and translates it
//! pass by pass (functions, variables, initializers, helpers, entry point, tables).

use std::collections::HashMap;

use cranelift_module::{DataDescription, Linkage, Module};

use crate::codegen::builtins::translate_builtin_wrapper;
use crate::codegen::entry::translate_entry;
use crate::codegen::function::translate_function;
use crate::codegen::hot::not_compiled_here;
use crate::codegen::hot::poll::translate_poll_trampoline;
use crate::codegen::hot::setup::translate_hot_setup;
use crate::codegen::inline::compile_bodies;
use crate::codegen::structs::{layout_hash, struct_field_default, struct_layout, translate_default_helper};
use crate::codegen::{CodegenError, CodegenOptions, HotTarget, ProgramState, TranslatedProgram};
use crate::sema::CheckedProgram;
use crate::sema::types::{FunctionId, ModuleId, StructId, Type, VariableId};
use crate::syntax::ast::{self};

pub(crate) fn translate_program(
    checked: &CheckedProgram,
    module: &mut dyn Module,
    options: CodegenOptions,
    hot: Option<HotTarget<'_>>,
) -> Result<TranslatedProgram, CodegenError> {
    let call_conv = module.isa().default_call_conv();
    let literal_table = module.declare_data("lang.literals", Linkage::Local, true, false)?;
    let struct_descs = module.declare_data("lang.struct_descs", Linkage::Local, true, false)?;
    // A shared library's import table: declared now, defined by the library driver once the
    // linker knows how many entries the code uses.
    let imports = match hot {
        Some(target) if target.linker.uses_import_table() => {
            Some(module.declare_data(crate::codegen::library::IMPORTS_SYMBOL, Linkage::Local, true, false)?)
        }
        _ => None,
    };
    let mut state = ProgramState {
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
        line_starts: HashMap::new(),
        translated: Vec::new(),
        names: HashMap::new(),
        disassembly: String::new(),
        runs_during_initialization: crate::codegen::reachability::reachable_from_initializers(checked),
        bodies: Vec::new(),
        hot,
        slot_patches: Vec::new(),
        imports,
        poll_trampoline: None,
    };
    if hot.is_some() {
        translate_poll_trampoline(&mut state)?;
    }
    let in_scope = |module: ModuleId, name: &str| {
        hot.is_none_or(|target| {
            target.module == module && target.functions.is_none_or(|functions| functions.contains(name))
        })
    };

    // Declare every script function first: bodies may call each other in any order. In hot
    // mode only the target module's functions are compiled (and exported, so the runtime can
    // point their slots at them); other modules are reached through slots.
    let mut hot_functions = Vec::new();
    for info in &checked.items.functions {
        if !in_scope(info.module, &info.name) {
            // Never called directly: other modules are reached through slots.
            state.functions.push(not_compiled_here());
            continue;
        }
        let signature = state.script_signature(&info.params, info.result.as_ref());
        let module_name = &checked.program.module(info.module).name;
        let name = state.unique_name(format!("{module_name}.{}", info.name));
        let linkage = if hot.is_some() {
            state.hot_linkage()
        } else {
            Linkage::Local
        };
        let id = state.module.declare_function(&name, linkage, &signature)?;
        state.functions.push(id);
        if hot.is_some() {
            hot_functions.push((info.name.clone(), checked.type_key(&info.ty()), id));
        }
    }

    // Module variables: one block of (value, initialized) word pairs per module.
    let mut counts = vec![0usize; checked.program.modules.len()];
    for info in &checked.items.variables {
        state.variable_slots.push(counts[info.module.0 as usize]);
        counts[info.module.0 as usize] += 1;
    }
    for (index, count) in counts.iter().enumerate() {
        if hot.is_some() {
            // Hot mode keeps module variables in runtime-owned cells.
            state.globals.push(literal_table);
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

    // Function bodies.
    let declarations = checked.function_declarations();
    for (index, info) in checked.items.functions.iter().enumerate() {
        if !in_scope(info.module, &info.name) {
            continue;
        }
        let module_data = checked.program.module(info.module);
        let Some(declaration) = declarations[index] else {
            return Err(CodegenError(format!("no declaration for function `{}`", info.name)));
        };
        let id = state.functions[index];
        let display = function_display_name(checked, info.module, &info.name);
        let early = state.runs_during_initialization[index];
        let program_main = hot.is_some() && info.module == ModuleId(0) && info.name == "main";
        translate_function(&mut state, id, display, module_data.file, |translator| {
            translator.may_run_during_initialization = early;
            translator.program_main = program_main;
            translator.function_body(FunctionId(index as u32), declaration)
        })?;
    }

    // Module initializers: one per module, or in hot mode one per variable, so that a reload
    // can run exactly the ones it needs.
    let mut initializers = Vec::new();
    let mut hot_variables = Vec::new();
    if let Some(target) = hot {
        let module_data = checked.program.module(target.module);
        for (index, info) in checked.items.variables.iter().enumerate() {
            if info.module != target.module {
                continue;
            }
            let ast::Item::Variable(declaration) = &module_data.ast.items[info.item_index] else {
                continue;
            };
            let signature = state.script_signature(&[], None);
            let name = state.unique_name(format!("{}.<init {}>", module_data.name, info.name));
            let linkage = state.hot_linkage();
            let id = state.module.declare_function(&name, linkage, &signature)?;
            let display = format!("<initializer of {}>", module_data.name);
            let variable = VariableId(index as u32);
            translate_function(&mut state, id, display, module_data.file, |translator| {
                translator.variable_initializer(variable)
            })?;
            let text = &checked.sources.get(module_data.file).text;
            let hash = crate::codegen::token_hash(&text[declaration.span.range()]);
            let ty = checked.type_key(info.ty.as_ref().unwrap_or(&Type::Error));
            hot_variables.push((info.name.clone(), ty, !info.mutable, hash, id));
        }
    }
    // Hot mode: each struct of the module, and a function per field default returning the
    // value as a word, for migrating live instances to a new layout.
    let mut hot_structs = Vec::new();
    let mut hot_defaults = Vec::new();
    if let Some(target) = hot {
        for (index, info) in checked.items.structs.iter().enumerate() {
            if info.module != target.module {
                continue;
            }
            let id = StructId(index as u32);
            let layout = struct_layout(checked, id);
            let fields: Vec<(String, String)> = info
                .fields
                .iter()
                .map(|field| (field.name.clone(), checked.type_key(&field.ty)))
                .collect();
            hot_structs.push((info.name.clone(), layout_hash(&layout), fields));
            for (position, field) in info.fields.iter().enumerate() {
                let Some(default) = struct_field_default(checked, id, position) else {
                    continue;
                };
                let signature = state.script_signature(&[], Some(&Type::Int));
                let name = state.unique_name(format!("{}.<default {}.{}>", info.name, info.name, field.name));
                let linkage = state.hot_linkage();
                let function = state.module.declare_function(&name, linkage, &signature)?;
                let display = format!("<default of {}.{}>", info.name, field.name);
                let ty = field.ty.clone();
                translate_function(&mut state, function, display, info.file, |translator| {
                    translator.stack_check(default.span);
                    let value = translator.expr_to(default, &ty);
                    if !translator.is_terminated() {
                        let word = translator.word_of(value, &ty);
                        translator.return_status(0, Some(word));
                    }
                })?;
                hot_defaults.push((info.name.clone(), field.name.clone(), function));
            }
        }
    }
    for (index, module_data) in checked.program.modules.iter().enumerate() {
        if hot.is_some() {
            break;
        }
        let signature = state.script_signature(&[], None);
        let name = state.unique_name(format!("{}.<init>", module_data.name));
        let id = state.module.declare_function(&name, Linkage::Local, &signature)?;
        let display = format!("<initializer of {}>", module_data.name);
        let module = ModuleId(index as u32);
        translate_function(&mut state, id, display, module_data.file, |translator| {
            translator.module_initializer(module)
        })?;
        initializers.push(id);
    }

    // Helpers requested along the way: struct defaults and wrappers of built-ins used as
    // values. Translating one may request more.
    loop {
        if let Some((struct_id, field)) = state.pending_defaults.pop() {
            translate_default_helper(&mut state, struct_id, field)?;
        } else if let Some(builtin) = state.pending_wrappers.pop() {
            translate_builtin_wrapper(&mut state, builtin)?;
        } else {
            break;
        }
    }

    let entry = match hot {
        None => translate_entry(&mut state, &initializers)?,
        Some(target) => translate_hot_setup(&mut state, target)?,
    };
    define_tables(&mut state)?;
    compile_bodies(&mut state)?;
    Ok(TranslatedProgram {
        entry,
        hot_functions,
        hot_variables,
        hot_structs,
        hot_defaults,
        slot_patches: std::mem::take(&mut state.slot_patches),
        imports: state.imports,
        functions: std::mem::take(&mut state.translated),
        disassembly: std::mem::take(&mut state.disassembly),
    })
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
    description.define_zeroinit((state.checked.items.structs.len() * 8).max(8));
    description.set_align(8);
    state.module.define_data(state.struct_descs, &description)?;
    Ok(())
}
