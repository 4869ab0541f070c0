//! The parts of a hot module version that whole programs do not have: one initializer per
//! module variable, and the module's structs (payload variants among them, as hidden structs
//! `Enum.Variant`) with a function per field default.

use crate::codegen::enums::{
    enum_key, hot_payload_fields, hot_variant_struct, payload_default, variant_descriptor, variant_number,
};
use crate::codegen::function::translate_function;
use crate::codegen::structs::{struct_field_default, struct_layout};
use crate::codegen::target::VariantNumbering;
use crate::codegen::{CodegenError, HotTarget, ProgramState, TranslatedProgram};
use crate::sema::types::{EnumId, FunctionId, StructId, Type, VariableId};
use crate::syntax::ast;
use cranelift_module::FuncId;
use lang_abi::{DefaultRecord, EnumRecord, FieldRecord, FunctionRecord, StructRecord, VariableRecord};

/// Translates the variable initializers and struct defaults of `target`'s module, and
/// describes its functions, variables and structs for the runtime (the entry point is set
/// by the caller).
pub(crate) fn translate_hot_module_parts(
    state: &mut ProgramState<'_>,
    target: HotTarget<'_>,
    compiled_functions: &[(FunctionId, FuncId)],
) -> Result<TranslatedProgram, CodegenError> {
    let checked = state.checked;
    let hot_functions = compiled_functions
        .iter()
        .map(|(function, id)| {
            let info = checked.items.function(*function);
            FunctionRecord {
                name: info.name.clone(),
                signature: checked.type_key(&info.ty()),
                address: *id,
            }
        })
        .collect();
    let hot_variables = translate_variable_initializers(state, target)?;
    let (mut hot_structs, mut hot_defaults) = translate_struct_defaults(state, target)?;
    translate_payload_defaults(state, target, &mut hot_structs, &mut hot_defaults)?;
    Ok(TranslatedProgram {
        entry: FuncId::from_u32(0),
        functions: Vec::new(),
        hot_functions,
        hot_variables,
        hot_structs,
        hot_defaults,
        hot_enums: enum_records(state, target),
        slot_patches: Vec::new(),
        imports: None,
        disassembly: String::new(),
        ir: String::new(),
    })
}

/// One initializer per module variable, so that a reload can run exactly the ones it needs.
fn translate_variable_initializers(
    state: &mut ProgramState<'_>,
    target: HotTarget<'_>,
) -> Result<Vec<VariableRecord<FuncId>>, CodegenError> {
    let checked = state.checked;
    let mut hot_variables = Vec::new();
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
        translate_function(state, id, display, module_data.file, |translator| {
            translator.variable_initializer(variable)
        })?;
        let text = &checked.sources.get(module_data.file).text;
        let hash = crate::codegen::token_hash(&text[declaration.span.range()]);
        let ty = checked.type_key(info.ty.as_ref().unwrap_or(&Type::Error));
        hot_variables.push(VariableRecord {
            name: info.name.clone(),
            ty,
            is_let: !info.mutable,
            token_hash: hash,
            initializer: id,
        });
    }
    Ok(hot_variables)
}

/// Each struct of the module, and a function per field default returning the value as a
/// word, for migrating live instances to a new layout.
fn translate_struct_defaults(
    state: &mut ProgramState<'_>,
    target: HotTarget<'_>,
) -> Result<(Vec<StructRecord>, Vec<DefaultRecord<FuncId>>), CodegenError> {
    let checked = state.checked;
    let mut hot_structs = Vec::new();
    let mut hot_defaults = Vec::new();
    for (index, info) in checked.items.structs.iter().enumerate() {
        if info.module != target.module {
            continue;
        }
        let id = StructId(index as u32);
        let layout = struct_layout(checked, id);
        let fields = info
            .fields
            .iter()
            .map(|field| FieldRecord {
                name: field.name.clone(),
                ty: checked.type_key(&field.ty),
            })
            .collect();
        hot_structs.push(StructRecord {
            name: info.name.clone(),
            layout_hash: lang_abi::layout_hash(&layout),
            fields,
        });
        for (position, field) in info.fields.iter().enumerate() {
            if !state.options.hot_field_defaults {
                break;
            }
            let Some(default) = struct_field_default(checked, id, position) else {
                continue;
            };
            let signature = state.script_signature(&[], Some(&Type::Int));
            let name = state.unique_name(format!("{}.<default {}.{}>", info.name, info.name, field.name));
            let linkage = state.hot_linkage();
            let function = state.module.declare_function(&name, linkage, &signature)?;
            let display = format!("<default of {}.{}>", info.name, field.name);
            let ty = field.ty.clone();
            translate_function(state, function, display, info.file, |translator| {
                translator.stack_check(default.span);
                let value = translator.expr_to(default, &ty);
                if !translator.is_terminated() {
                    let word = translator.word_of(value, &ty);
                    translator.return_status(0, Some(word));
                }
            })?;
            hot_defaults.push(DefaultRecord {
                strukt: info.name.clone(),
                field: field.name.clone(),
                function,
            });
        }
    }
    Ok((hot_structs, hot_defaults))
}

/// Each payload variant of the module's enums as a hidden struct `Enum.Variant`, and a
/// function per payload field default, so a changed payload migrates live values as a struct
/// does (LANGUAGE.md section 9, "Enums under hot reload").
fn translate_payload_defaults(
    state: &mut ProgramState<'_>,
    target: HotTarget<'_>,
    hot_structs: &mut Vec<StructRecord>,
    hot_defaults: &mut Vec<DefaultRecord<FuncId>>,
) -> Result<(), CodegenError> {
    let checked = state.checked;
    for (index, info) in checked.items.enums.iter().enumerate() {
        if info.module != target.module {
            continue;
        }
        let enum_id = EnumId(index as u32);
        for (variant, variant_info) in info.variants.iter().enumerate() {
            if !variant_info.has_payload {
                continue;
            }
            let (_, hidden_name) = hot_variant_struct(checked, enum_id, variant);
            let descriptor = variant_descriptor(checked, enum_id, variant, VariantNumbering::NameHash);
            hot_structs.push(StructRecord {
                name: hidden_name.clone(),
                layout_hash: descriptor.hot_layout_hash.unwrap_or(0),
                fields: hot_payload_fields(checked, enum_id, variant),
            });
            for (position, field) in variant_info.fields.iter().enumerate() {
                if !state.options.hot_field_defaults {
                    break;
                }
                let Some(default) = payload_default(checked, enum_id, variant, position) else {
                    continue;
                };
                let signature = state.script_signature(&[], Some(&Type::Int));
                let name = state.unique_name(format!("{hidden_name}.<default {hidden_name}.{}>", field.name));
                let linkage = state.hot_linkage();
                let function = state.module.declare_function(&name, linkage, &signature)?;
                let display = format!("<default of {hidden_name}.{}>", field.name);
                let ty = field.ty.clone();
                translate_function(state, function, display, info.file, |translator| {
                    translator.stack_check(default.span);
                    let value = translator.expr_to(default, &ty);
                    if !translator.is_terminated() {
                        let word = translator.word_of(value, &ty);
                        translator.return_status(0, Some(word));
                    }
                })?;
                hot_defaults.push(DefaultRecord {
                    strukt: hidden_name.clone(),
                    field: field.name.clone(),
                    function,
                });
            }
        }
    }
    Ok(())
}

/// The module's enums with their variant numbers, for the producer's check that no two
/// variant names share a number (`lang_abi::enums::hot_variant_number`).
fn enum_records(state: &ProgramState<'_>, target: HotTarget<'_>) -> Vec<EnumRecord> {
    let checked = state.checked;
    (0..checked.items.enums.len())
        .map(|index| EnumId(index as u32))
        .filter(|&id| checked.items.enum_info(id).module == target.module)
        .map(|id| {
            let info = checked.items.enum_info(id);
            EnumRecord {
                name: info.name.clone(),
                key: enum_key(checked, id, VariantNumbering::NameHash),
                variants: (0..info.variants.len())
                    .map(|variant| {
                        (
                            variant_number(checked, id, variant, VariantNumbering::NameHash),
                            info.variants[variant].name.clone(),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}
