//! The setup function of a hot module version: literals, struct descriptors, and enums'
//! variant names and payload variants' descriptors.

use cranelift_codegen::ir::{AbiParam, InstBuilder, Signature, types};
use cranelift_module::FuncId;

use crate::codegen::enums::{enum_text, hot_variant_struct, variant_descriptor};
use crate::codegen::function::translate_function;
use crate::codegen::literals::define_literal_bytes;
use crate::codegen::memory::trusted;
use crate::codegen::structs::struct_descriptor;
use crate::codegen::target::{ClosureCode, VariantNumbering};
use crate::codegen::{CodegenError, HotTarget, ProgramState};
use crate::sema::types::{EnumId, StructId};

/// Hot mode: the module's setup function, run once when a version is loaded: it copies the
/// module's string literals into runtime memory and creates the descriptors of the structs
/// it declares (each created once, in its runtime-owned cell; a migration replaces it when
/// the layout changes), payload variants' as hidden structs `Enum.Variant`, and registers
/// the enums it declares.
///
/// Only the module's own types: every setup of a version runs before any of its code, and a
/// cell can only be empty for a type whose declaring module is in the version (the first
/// start loads every module; a new or changed type's module has changed). Creating every
/// type of the program in every module's setup made each setup grow with the program, and a
/// start of N modules pay N times for all of them (at 100,000 lines in 50 modules, three
/// quarters of the first compile's machine code).
pub(crate) fn translate_hot_setup(state: &mut ProgramState<'_>, target: HotTarget<'_>) -> Result<FuncId, CodegenError> {
    let checked = state.checked;
    let mut signature = Signature::new(state.call_conv);
    signature.params.push(AbiParam::new(types::I64));
    signature.returns.push(crate::codegen::abi_param(types::I8));
    let module_name = checked.program.module(target.module).name.clone();
    let name = state.unique_name(format!("{module_name}.<setup>"));
    let linkage = state.hot_linkage();
    let setup = state.module.declare_function(&name, linkage, &signature)?;
    let literals = state.literals.clone();
    let blob = define_literal_bytes(state)?;
    let structs: Vec<(u64, String)> = (0..checked.items.structs.len())
        .filter(|index| checked.items.struct_info(StructId(*index as u32)).module == target.module)
        .map(|index| {
            let id = StructId(index as u32);
            let info = checked.items.struct_info(id);
            let cell = target
                .linker
                .struct_desc_cell(&checked.program.module(info.module).name, &info.name, "");
            (cell, struct_descriptor(checked, id, true).render())
        })
        .collect();
    // The module's enums' variant names, and a descriptor cell per payload variant (`enums`).
    let declared_here = |id: EnumId| checked.items.enum_info(id).module == target.module;
    let enum_texts: Vec<String> = (0..checked.items.enums.len())
        .filter(|index| declared_here(EnumId(*index as u32)))
        .map(|index| enum_text(checked, EnumId(index as u32), VariantNumbering::NameHash))
        .collect();
    let mut variants: Vec<(u64, String)> = Vec::new();
    for index in 0..checked.items.enums.len() {
        let id = EnumId(index as u32);
        if !declared_here(id) {
            continue;
        }
        for (variant, info) in checked.items.enum_info(id).variants.iter().enumerate() {
            if info.has_payload {
                let (module, name) = hot_variant_struct(checked, id, variant);
                let cell = target.linker.struct_desc_cell(&module, &name, "");
                variants.push((
                    cell,
                    variant_descriptor(checked, id, variant, VariantNumbering::NameHash).render(),
                ));
            }
        }
    }
    // Each function expression compiled here: its identity's slot and description, for the
    // message of a call after a reload removed it.
    let mut closures: Vec<(u64, String)> = Vec::new();
    for (key, function) in &state.closure_functions {
        if let Some(info) = checked.results.closure_at(*key)
            && let ClosureCode::Slot(slot) = state.target.closure_code(checked, info)
        {
            closures.push((slot, function.description.clone()));
        }
    }
    closures.sort();
    let file = checked.program.module(target.module).file;
    translate_function(state, setup, "<setup>".into(), file, |translator| {
        let ctx = translator.ctx;
        translator.intern_literals(blob, &literals);
        for (slot, description) in &closures {
            let slot = translator.hot_reference(*slot as i64);
            let text = translator.text_address(description);
            translator.call_runtime("lang_hot_describe_closure", &[ctx, slot, text]);
        }
        for text in &enum_texts {
            let text = translator.text_address(text);
            translator.call_runtime("lang_rt_enum_register", &[ctx, text]);
        }
        let descriptors = structs
            .iter()
            .map(|(cell, text)| (cell, text, "lang_rt_struct_desc"))
            .chain(variants.iter().map(|(cell, text)| (cell, text, "lang_rt_variant_desc")));
        for (cell, text, constructor) in descriptors {
            let cell = translator.hot_reference(*cell as i64);
            let existing = translator.builder.ins().load(types::I64, trusted(), cell, 0);
            let create = translator.builder.create_block();
            let done = translator.builder.create_block();
            translator.builder.ins().brif(existing, done, &[], create, &[]);
            translator.builder.switch_to_block(create);
            translator.builder.seal_block(create);
            let text = translator.text_address(text);
            let desc = translator.call_runtime(constructor, &[ctx, text]).unwrap_or(text);
            translator.builder.ins().store(trusted(), desc, cell, 0);
            translator.builder.ins().jump(done, &[]);
            translator.builder.switch_to_block(done);
            translator.builder.seal_block(done);
        }
        let zero = translator.builder.ins().iconst(types::I8, 0);
        translator.builder.ins().return_(&[zero]);
    })?;
    Ok(setup)
}
