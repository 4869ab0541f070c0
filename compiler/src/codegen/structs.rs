//! Struct literals, field defaults (inline or through helper functions) and layouts.

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};
use cranelift_module::Linkage;

use crate::codegen::function::{Translator, translate_function};
use crate::codegen::layout::is_reference;
use crate::codegen::memory::{Region, trusted};
use crate::codegen::runtime_abi::*;
use crate::codegen::target::{StructAllocation, StructDescriptor};
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::CheckedProgram;
use crate::sema::types::{StructId, Type};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind};

/// A struct's fields as text (`x:float,y:float`, `lang_abi::layout_text`): its layout, part
/// of the key of its descriptor under hot reload.
pub(crate) fn struct_layout(checked: &CheckedProgram, id: StructId) -> String {
    let info = checked.items.struct_info(id);
    let keys: Vec<(&str, String)> = info
        .fields
        .iter()
        .map(|field| (field.name.as_str(), checked.type_key(&field.ty)))
        .collect();
    lang_abi::layout_text(keys.iter().map(|(name, key)| (*name, key.as_str())))
}

/// The descriptor of a struct as `lang_rt_struct_desc` reads it: plain, or (under hot reload)
/// with its layout hash and each field's type.
pub(crate) fn struct_descriptor(checked: &CheckedProgram, id: StructId, hot: bool) -> lang_abi::Descriptor {
    let info = checked.items.struct_info(id);
    lang_abi::Descriptor {
        name: info.name.clone(),
        hot_layout_hash: hot.then(|| lang_abi::layout_hash(&struct_layout(checked, id))),
        fields: info
            .fields
            .iter()
            .map(|field| lang_abi::DescriptorField {
                name: field.name.clone(),
                is_reference: is_reference(&field.ty),
                ty: if hot {
                    checked.type_key(&field.ty)
                } else {
                    String::new()
                },
            })
            .collect(),
    }
}

/// The default expression of a struct's field, from its declaration.
pub(crate) fn struct_field_default(checked: &CheckedProgram, id: StructId, position: usize) -> Option<&Expr> {
    let info = checked.items.struct_info(id);
    let module = checked.program.module(info.module);
    module.ast.items.iter().find_map(|item| match item {
        ast::Item::Struct(declaration) if declaration.name.span == info.span => declaration
            .fields
            .iter()
            .find(|field| field.name.span == info.fields[position].span)
            .and_then(|field| field.default.as_ref()),
        _ => None,
    })
}

pub(crate) fn translate_default_helper(
    state: &mut ProgramState<'_>,
    id: StructId,
    position: usize,
) -> Result<(), CodegenError> {
    let checked = state.checked;
    let helper = state.default_helpers[&(id, position)];
    let info = checked.items.struct_info(id);
    let ty = info.fields[position].ty.clone();
    let display = format!("<default of {}.{}>", info.name, info.fields[position].name);
    let Some(default) = struct_field_default(checked, id, position) else {
        return Err(CodegenError(format!("no default for `{}`", display)));
    };
    translate_function(state, helper, display, info.file, |translator| {
        // A default may build its own struct (`next: ?P = P {}`), recursing without end:
        // like any call, it must end in a stack-overflow error, not a crash.
        translator.stack_check(default.span);
        let value = translator.expr_to(default, &ty);
        if !translator.is_terminated() {
            translator.return_status(0, Some(value));
        }
    })
}

impl Translator<'_, '_, '_> {
    pub(crate) fn struct_literal(&mut self, expr: &Expr, fields: &[ast::FieldInit]) -> Value {
        let Type::Struct(id) = self.ty(expr) else {
            self.bug("a struct literal without a struct type");
            return self.iconst(0);
        };
        let info = self.state.checked.items.struct_info(id).clone();
        // Evaluate the given fields in source order, then the defaults in declaration order.
        let mut values: Vec<Option<Value>> = vec![None; info.fields.len()];
        for field in fields {
            if let Some(position) = info.fields.iter().position(|known| known.name == field.name.text) {
                let value = self.expr_to(&field.value, &info.fields[position].ty);
                values[position] = Some(self.word_of(value, &info.fields[position].ty));
            }
        }
        for (position, field) in info.fields.iter().enumerate() {
            if values[position].is_none() {
                let value = self.field_default(id, position, expr.span);
                values[position] = Some(self.word_of(value, &field.ty));
            }
        }
        let desc = match self.state.target.struct_descriptor(self.state.checked, id) {
            StructDescriptor::Cell(cell) => {
                let cell = self.hot_reference(cell as i64);
                self.builder.ins().load(types::I64, trusted(), cell, 0)
            }
            StructDescriptor::Table => {
                let table = self.state.struct_descs;
                let base = self.data_address(table);
                self.builder.ins().load(types::I64, trusted(), base, (id.0 * 8) as i32)
            }
        };
        if self.state.target.struct_allocation() == StructAllocation::Hot {
            return self.allocate_hot_struct(id, desc, values, expr.span);
        }
        let ctx = self.ctx;
        let object = self
            .call_runtime_at("lang_rt_alloc_struct", &[ctx, desc], expr.span)
            .unwrap_or(desc);
        for (position, value) in values.into_iter().enumerate() {
            if let Some(value) = value {
                // The region every access to this field uses (`Place::Field`), and a float
                // stored as a float, as the accesses do.
                let fields = self.flags(Region::StructField { strukt: id, position });
                let value = match info.fields[position].ty {
                    Type::Float => self.builder.ins().bitcast(types::F64, MemFlagsData::new(), value),
                    _ => value,
                };
                self.builder
                    .ins()
                    .store(fields, value, object, STRUCT_FIELDS_OFFSET + position as i32 * 8);
            }
        }
        object
    }

    /// The default of a field: constants inline, anything else through a helper function
    /// evaluated afresh for each construction.
    pub(crate) fn field_default(&mut self, id: StructId, position: usize, span: Span) -> Value {
        let checked = self.state.checked;
        let info = checked.items.struct_info(id);
        let ty = info.fields[position].ty.clone();
        if let Some(default) = struct_field_default(checked, id, position) {
            match &default.kind {
                ExprKind::Int(value) => return self.iconst(*value),
                ExprKind::Float(value) => return self.builder.ins().f64const(*value),
                ExprKind::Bool(value) => return self.builder.ins().iconst(types::I8, *value as i64),
                ExprKind::Nil => return self.iconst(0),
                ExprKind::Str(text) => return self.string_literal(text),
                _ => {}
            }
        }
        let helper = match self.state.default_helpers.get(&(id, position)) {
            Some(&helper) => helper,
            None => {
                let signature = self.state.script_signature(&[], Some(&ty));
                let name = self
                    .state
                    .unique_name(format!("lang.default.{}.{}", info.name, info.fields[position].name));
                match self.state.module.declare_function(&name, Linkage::Local, &signature) {
                    Ok(helper) => {
                        self.state.default_helpers.insert((id, position), helper);
                        self.state.pending_defaults.push((id, position));
                        helper
                    }
                    Err(error) => {
                        self.bug(error.to_string());
                        return self.iconst(0);
                    }
                }
            }
        };
        let reference = self.func_ref(helper);
        let ctx = self.ctx;
        self.forget_checks();
        let call = self.builder.ins().call(reference, &[ctx]);
        let results = self.builder.inst_results(call).to_vec();
        self.reload_cached_cells();
        self.check_status(results[1], span);
        results[0]
    }
}
