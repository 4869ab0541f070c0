//! Enum values (LANGUAGE.md section 9): construction, the tag, `==` and `str`.
//!
//! The representation is `lang_abi::enums`: a variant without payload is the immediate
//! `(number << 1) | 1` (no allocation); a variant with a payload is an object laid out like a
//! struct whose descriptor holds the variant number. Payload variants' descriptors live in the
//! struct descriptor table after the structs' (see [`variant_table_slot`]). Under hot reload
//! a payload variant is a hidden struct `Enum.Variant` (`lang_abi::enums`): a handle and a
//! payload, fields through offset cells, migrated when its payload changes (`codegen/hot/enums.rs`).

use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::layout::is_reference;
use crate::codegen::memory::{Region, trusted};
use crate::codegen::runtime_abi::*;
use crate::codegen::target::{StructAllocation, StructDescriptor, VariantNumbering};
use crate::sema::CheckedProgram;
use crate::sema::results::VariantRef;
use crate::sema::types::{EnumId, Type};
use crate::source::Span;
use crate::syntax::ast::{self, Expr};

/// Where a payload variant's descriptor is in the struct descriptor table: after every
/// struct, payload variants in enum and declaration order.
pub(crate) fn variant_table_slot(checked: &CheckedProgram, enum_id: EnumId, variant: usize) -> usize {
    let before: usize = checked.items.enums[..enum_id.0 as usize]
        .iter()
        .map(|info| info.variants.iter().filter(|variant| variant.has_payload).count())
        .sum();
    let within = checked.items.enum_info(enum_id).variants[..variant]
        .iter()
        .filter(|variant| variant.has_payload)
        .count();
    checked.items.structs.len() + before + within
}

/// How many payload variants the program has (entries of the descriptor table after structs).
pub(crate) fn payload_variant_count(checked: &CheckedProgram) -> usize {
    checked
        .items
        .enums
        .iter()
        .map(|info| info.variants.iter().filter(|variant| variant.has_payload).count())
        .sum()
}

/// The number of a variant: its declaration index, or under hot reload a hash of its module,
/// enum and name (`lang_abi::enums`).
pub(crate) fn variant_number(
    checked: &CheckedProgram,
    enum_id: EnumId,
    variant: usize,
    numbering: VariantNumbering,
) -> i64 {
    match numbering {
        VariantNumbering::DeclarationIndex => variant as i64,
        VariantNumbering::NameHash => {
            let info = checked.items.enum_info(enum_id);
            let module = &checked.program.module(info.module).name;
            lang_abi::enums::hot_variant_number(module, &info.name, &info.variants[variant].name)
        }
    }
}

/// The key of an enum in the runtime's registry of variant names.
pub(crate) fn enum_key(checked: &CheckedProgram, enum_id: EnumId, numbering: VariantNumbering) -> u32 {
    match numbering {
        VariantNumbering::DeclarationIndex => enum_id.0,
        VariantNumbering::NameHash => {
            let info = checked.items.enum_info(enum_id);
            lang_abi::enums::hot_enum_key(&checked.program.module(info.module).name, &info.name)
        }
    }
}

/// How `==` and printing treat a payload field of type `ty`.
fn payload_kind(checked: &CheckedProgram, ty: &Type, numbering: VariantNumbering) -> lang_abi::PayloadKind {
    use lang_abi::PayloadKind;
    match ty {
        Type::Int => PayloadKind::Int,
        Type::Float => PayloadKind::Float,
        Type::Bool => PayloadKind::Bool,
        Type::Str => PayloadKind::Str,
        Type::Enum(id) => PayloadKind::Enum(enum_key(checked, *id, numbering)),
        Type::Optional(inner) => PayloadKind::Optional(Box::new(payload_kind(checked, inner, numbering))),
        _ => PayloadKind::Identity,
    }
}

/// The variant text of a payload variant, for `lang_rt_variant_desc`.
pub(crate) fn variant_descriptor(
    checked: &CheckedProgram,
    enum_id: EnumId,
    variant: usize,
    numbering: VariantNumbering,
) -> lang_abi::VariantDescriptor {
    let info = &checked.items.enum_info(enum_id).variants[variant];
    let hot = numbering == VariantNumbering::NameHash;
    let mut descriptor = lang_abi::VariantDescriptor {
        enum_index: enum_key(checked, enum_id, numbering),
        variant_number: variant_number(checked, enum_id, variant, numbering),
        name: info.name.clone(),
        hot_layout_hash: None,
        fields: info
            .fields
            .iter()
            .map(|field| lang_abi::enums::PayloadField {
                name: field.name.clone(),
                is_reference: is_reference(&field.ty),
                kind: payload_kind(checked, &field.ty, numbering),
                type_key: if hot {
                    checked.type_key(&field.ty)
                } else {
                    String::new()
                },
            })
            .collect(),
    };
    if hot {
        descriptor.hot_layout_hash = Some(lang_abi::layout_hash(&descriptor.hot_layout_text()));
    }
    descriptor
}

/// Hot reload: the module and hidden struct name (`Enum.Variant`) of a payload variant, the
/// key of its descriptor cell, field cells and migration.
pub(crate) fn hot_variant_struct(checked: &CheckedProgram, enum_id: EnumId, variant: usize) -> (String, String) {
    let info = checked.items.enum_info(enum_id);
    let name = lang_abi::enums::hot_variant_struct_name(&info.name, &info.variants[variant].name);
    (checked.program.module(info.module).name.clone(), name)
}

/// Hot reload: the fields of a payload variant's hidden struct, with their hot type texts
/// (`TYPE|KIND`), as field records and field cells key them.
pub(crate) fn hot_payload_fields(
    checked: &CheckedProgram,
    enum_id: EnumId,
    variant: usize,
) -> Vec<lang_abi::FieldRecord> {
    variant_descriptor(checked, enum_id, variant, VariantNumbering::NameHash)
        .fields
        .iter()
        .map(|field| lang_abi::FieldRecord {
            name: field.name.clone(),
            ty: lang_abi::enums::hot_payload_field_type(&field.type_key, &field.kind),
        })
        .collect()
}

/// The enum text of an enum, for `lang_rt_enum_register`.
pub(crate) fn enum_text(checked: &CheckedProgram, enum_id: EnumId, numbering: VariantNumbering) -> String {
    let info = checked.items.enum_info(enum_id);
    let variants: Vec<(i64, &str)> = info
        .variants
        .iter()
        .enumerate()
        .map(|(index, variant)| {
            (
                variant_number(checked, enum_id, index, numbering),
                variant.name.as_str(),
            )
        })
        .collect();
    lang_abi::enums::enum_text(enum_key(checked, enum_id, numbering), &info.name, &variants)
}

/// The default expression of a payload field, from the enum's declaration.
pub(crate) fn payload_default(
    checked: &CheckedProgram,
    enum_id: EnumId,
    variant: usize,
    position: usize,
) -> Option<&Expr> {
    let info = checked.items.enum_info(enum_id);
    let module = checked.program.module(info.module);
    let variant_span = info.variants[variant].span;
    module.ast.items.iter().find_map(|item| match item {
        ast::Item::Enum(declaration) => declaration
            .variants
            .iter()
            .find(|declared| declared.span == variant_span || declared.name.span == variant_span)
            .and_then(|declared| declared.payload.as_ref())
            .and_then(|payload| payload.get(position))
            .and_then(|field| field.default.as_ref()),
        _ => None,
    })
}

impl Translator<'_, '_, '_> {
    /// The value of `E.V`, `.V`, `E.V(args)` or `.V(args)`.
    pub(crate) fn enum_value(&mut self, variant: VariantRef, args: &[Expr], span: Span) -> Value {
        let checked = self.state.checked;
        let info = checked.items.enum_info(variant.enum_id).variants[variant.variant].clone();
        let numbering = self.state.target.variant_numbering();
        if !info.has_payload {
            let number = variant_number(checked, variant.enum_id, variant.variant, numbering);
            return self.iconst(lang_abi::immediate_variant(number));
        }
        // Arguments in source order, then the defaults of the fields left out, evaluated
        // afresh for each value, in the enum's own file.
        let mut words = Vec::with_capacity(info.fields.len());
        for (position, field) in info.fields.iter().enumerate() {
            let value = match args.get(position) {
                Some(arg) => self.expr_to(arg, &field.ty),
                None => match payload_default(checked, variant.enum_id, variant.variant, position) {
                    Some(default) => {
                        let enum_file = checked.items.enum_info(variant.enum_id).file;
                        let file = std::mem::replace(&mut self.file, enum_file);
                        let value = self.expr_to(default, &field.ty);
                        self.file = file;
                        value
                    }
                    None => {
                        self.bug("a payload field without a value or a default");
                        self.iconst(0)
                    }
                },
            };
            words.push(self.word_of(value, &field.ty));
        }
        let hidden_struct = hot_variant_struct(checked, variant.enum_id, variant.variant);
        let desc = match self.state.target.variant_descriptor(&hidden_struct) {
            StructDescriptor::Cell(cell) => {
                let cell = self.hot_reference(cell as i64);
                self.builder.ins().load(types::I64, trusted(), cell, 0)
            }
            StructDescriptor::Table => {
                let slot = variant_table_slot(checked, variant.enum_id, variant.variant);
                let table = self.state.struct_descs;
                let base = self.data_address(table);
                self.builder.ins().load(types::I64, trusted(), base, (slot * 8) as i32)
            }
        };
        if self.state.target.struct_allocation() == StructAllocation::Hot {
            return self.allocate_hot_variant(variant.enum_id, variant.variant, desc, words, span);
        }
        let ctx = self.ctx;
        let object = self
            .call_runtime_at("lang_rt_alloc_struct", &[ctx, desc], span)
            .unwrap_or(desc);
        let fields = self.flags(Region::Fields);
        for (position, word) in words.into_iter().enumerate() {
            self.builder
                .ins()
                .store(fields, word, object, STRUCT_FIELDS_OFFSET + position as i32 * 8);
        }
        object
    }

    /// The variant number of a (non-nil) enum value, as an `i32`: the immediate's upper bits,
    /// or the number in the payload object's descriptor (under hot reload, the descriptor of
    /// the payload the handle points at).
    pub(crate) fn enum_tag(&mut self, value: Value) -> Value {
        let immediate = self.builder.create_block();
        let object = self.builder.create_block();
        let merge = self.builder.create_block();
        let tag = self.builder.append_block_param(merge, types::I32);
        let is_immediate = self.builder.ins().band_imm_u(value, 1);
        self.builder.ins().brif(is_immediate, immediate, &[], object, &[]);
        self.builder.switch_to_block(immediate);
        self.builder.seal_block(immediate);
        let number = self.builder.ins().ushr_imm_u(value, 1);
        let number = self.builder.ins().ireduce(types::I32, number);
        self.builder.ins().jump(merge, &[number.into()]);
        self.builder.switch_to_block(object);
        self.builder.seal_block(object);
        let payload = match self.state.target.struct_allocation() {
            StructAllocation::Plain => value,
            StructAllocation::Hot => self.hot_payload_of(value),
        };
        let desc = self.builder.ins().load(types::I64, trusted(), payload, 0);
        let number = self
            .builder
            .ins()
            .load(types::I32, trusted(), desc, lang_abi::VARIANT_NUMBER_OFFSET);
        self.builder.ins().jump(merge, &[number.into()]);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        tag
    }

    /// `==` of two enum values.
    pub(crate) fn enum_equal(&mut self, left: Value, right: Value) -> Value {
        self.call_runtime("lang_rt_enum_eq", &[left, right]).unwrap_or(left)
    }

    /// `str` of an enum value.
    pub(crate) fn enum_string(&mut self, value: Value, enum_id: EnumId, span: Span) -> Value {
        let ctx = self.ctx;
        let key = enum_key(self.state.checked, enum_id, self.state.target.variant_numbering());
        let index = self.iconst(key as i64);
        self.call_runtime_at("lang_rt_enum_str", &[ctx, value, index], span)
            .unwrap_or(value)
    }
}
