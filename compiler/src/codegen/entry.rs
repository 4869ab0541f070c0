//! The entry point of whole-program modes, `lang_entry(ctx) -> status`.

use cranelift_codegen::ir::{AbiParam, InstBuilder, Signature, types};
use cranelift_module::{FuncId, Linkage};

use crate::codegen::enums::{enum_text, variant_descriptor};
use crate::codegen::function::translate_function;
use crate::codegen::literals::define_literal_bytes;
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::codegen::structs::struct_descriptor;
use crate::codegen::target::VariantNumbering;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::types::ModuleId;
use crate::sema::types::{EnumId, StructId};

/// `lang_entry(ctx) -> status`: literals, descriptors and variable roots, then the module
/// initializers in import order, then `main`.
pub(crate) fn translate_entry(state: &mut ProgramState<'_>, initializers: &[FuncId]) -> Result<FuncId, CodegenError> {
    let mut signature = Signature::new(state.call_conv);
    signature.params.push(AbiParam::new(types::I64));
    signature.returns.push(AbiParam::new(types::I8));
    let entry = state
        .module
        .declare_function("lang_entry", Linkage::Export, &signature)?;
    let checked = state.checked;
    let main = checked
        .items
        .functions
        .iter()
        .position(|info| info.module == ModuleId(0) && info.name == "main")
        .map(|index| state.functions[index]);
    let file = checked.program.modules[0].file;
    // Literals must be interned before any code runs; the table is filled after every other
    // function was translated, so all literals are known.
    let literals = state.literals.clone();
    let blob = define_literal_bytes(state)?;
    let struct_descriptions: Vec<String> = (0..checked.items.structs.len())
        .map(|index| struct_descriptor(checked, StructId(index as u32), false).render())
        .collect();
    // Each enum's variant names (for printing values without payload), and the descriptors
    // of payload variants, which follow the structs' in the table.
    let enum_texts: Vec<String> = (0..checked.items.enums.len())
        .map(|index| enum_text(checked, EnumId(index as u32), VariantNumbering::DeclarationIndex))
        .collect();
    let variant_descriptions: Vec<String> = (0..checked.items.enums.len())
        .flat_map(|index| {
            let id = EnumId(index as u32);
            (0..checked.items.enum_info(id).variants.len())
                .filter(move |&variant| checked.items.enum_info(id).variants[variant].has_payload)
                .map(move |variant| {
                    variant_descriptor(checked, id, variant, VariantNumbering::DeclarationIndex).render()
                })
        })
        .collect();
    let globals = state.globals.clone();
    let counts: Vec<usize> = (0..checked.program.modules.len())
        .map(|module| {
            checked
                .items
                .variables
                .iter()
                .filter(|info| info.module.0 as usize == module)
                .count()
        })
        .collect();
    let order = checked.program.initialization_order();
    translate_function(state, entry, "<entry>".into(), file, |translator| {
        let ctx = translator.ctx;
        // The stack budget counts from here, so the depth at which recursion overflows depends
        // only on compiled frames, and is the same under `lang run` and in a release build.
        let sp = translator.builder.ins().get_stack_pointer(types::I64);
        let limit = translator.builder.ins().iadd_imm_s(sp, -SCRIPT_STACK_BUDGET);
        translator
            .builder
            .ins()
            .store(trusted(), limit, ctx, CONTEXT_STACK_LIMIT_OFFSET);
        for (module, data) in globals.iter().enumerate() {
            let address = translator.data_address(*data);
            let words = translator.iconst((counts[module] * 2) as i64);
            translator.call_runtime("lang_rt_register_globals", &[ctx, address, words]);
        }
        translator.intern_literals(blob, &literals);
        let descs_id = translator.state.struct_descs;
        let descs = translator.data_address(descs_id);
        for (index, description) in struct_descriptions.iter().enumerate() {
            let text = translator.text_address(description);
            let desc = translator
                .call_runtime("lang_rt_struct_desc", &[ctx, text])
                .unwrap_or(text);
            translator
                .builder
                .ins()
                .store(trusted(), desc, descs, (index * 8) as i32);
        }
        for text in &enum_texts {
            let text = translator.text_address(text);
            translator.call_runtime("lang_rt_enum_register", &[ctx, text]);
        }
        let first = struct_descriptions.len();
        for (index, description) in variant_descriptions.iter().enumerate() {
            let text = translator.text_address(description);
            let desc = translator
                .call_runtime("lang_rt_variant_desc", &[ctx, text])
                .unwrap_or(text);
            translator
                .builder
                .ins()
                .store(trusted(), desc, descs, ((first + index) * 8) as i32);
        }
        let mut steps: Vec<FuncId> = order.iter().map(|module| initializers[module.0 as usize]).collect();
        steps.extend(main);
        for function in steps {
            let reference = translator.func_ref(function);
            let call = translator.builder.ins().call(reference, &[ctx]);
            let status = translator.builder.inst_results(call)[0];
            let failed = translator.builder.create_block();
            let next = translator.builder.create_block();
            translator.builder.ins().brif(status, failed, &[], next, &[]);
            translator.builder.switch_to_block(failed);
            translator.builder.seal_block(failed);
            let one = translator.builder.ins().iconst(types::I8, 1);
            translator.builder.ins().return_(&[one]);
            translator.builder.switch_to_block(next);
            translator.builder.seal_block(next);
        }
        let zero = translator.builder.ins().iconst(types::I8, 0);
        translator.builder.ins().return_(&[zero]);
    })?;
    Ok(entry)
}
