//! Enum declarations (LANGUAGE.md section 9): collecting each enum into the item tables,
//! resolving its variants' payload fields once every type name is known, checking payload
//! defaults, and describing every enum to the match checker (`patterns::EnumTable`).

use super::builtins::{BUILTIN_TYPES, Builtin};
use super::checker::Checker;
use super::patterns::{EnumKey, EnumTable, PatternType, VariantDescription};
use super::scope::ModuleItem;
use super::types::*;
use crate::source::FileId;
use crate::syntax::ast;

impl Checker<'_> {
    /// First pass: adds the enum to the item tables, its variants still without payload types.
    pub(super) fn collect_enum(&mut self, module: ModuleId, file: FileId, declaration: &ast::EnumDecl) -> EnumId {
        if BUILTIN_TYPES.contains(&declaration.name.text.as_str()) {
            self.reserved_name(file, &declaration.name, "built-in type");
        } else if Builtin::lookup(&declaration.name.text, false).is_some() {
            self.reserved_name(file, &declaration.name, "built-in function");
        }
        let id = EnumId(self.items.enums.len() as u32);
        self.items.enums.push(EnumInfo {
            module,
            file,
            name: declaration.name.text.clone(),
            is_pub: declaration.is_pub,
            variants: Vec::new(),
            span: declaration.name.span,
        });
        id
    }

    /// Second pass: the variants and their payload fields' types. A repeated variant or field
    /// is reported and left out, so later uses see the first one.
    pub(super) fn resolve_enum(&mut self, module: ModuleId, declaration: &ast::EnumDecl) {
        let Some(ModuleItem::Enum(id)) = self.scope_item(module, &declaration.name.text) else {
            return;
        };
        if self.items.enum_info(id).span != declaration.name.span {
            return;
        }
        let file = self.program.module(module).file;
        let mut variants: Vec<VariantInfo> = Vec::new();
        for variant in &declaration.variants {
            if let Some(previous) = variants.iter().find(|known| known.name == variant.name.text) {
                self.variant_declared_twice(file, &variant.name, previous.span);
                continue;
            }
            let mut fields: Vec<FieldInfo> = Vec::new();
            if let Some(payload) = &variant.payload {
                if payload.is_empty() {
                    self.empty_payload_in_declaration(file, variant.span, &variant.name.text);
                }
                for field in payload {
                    let ty = self.resolve_type(module, &field.ty);
                    if let Some(previous) = fields.iter().find(|known| known.name == field.name.text) {
                        self.field_declared_twice(file, &field.name, previous.span);
                        continue;
                    }
                    fields.push(FieldInfo {
                        name: field.name.text.clone(),
                        ty,
                        has_default: field.default.is_some(),
                        span: field.name.span,
                        type_span: field.ty.span,
                    });
                }
            }
            variants.push(VariantInfo {
                name: variant.name.text.clone(),
                has_payload: variant.payload.as_ref().is_some_and(|payload| !payload.is_empty()),
                fields,
                span: variant.name.span,
            });
        }
        self.items.enums[id.0 as usize].variants = variants;
    }

    /// Checks each payload default against its field's type, as struct defaults are checked.
    pub(super) fn check_enum_defaults(&mut self, module: ModuleId, declaration: &ast::EnumDecl) {
        let Some(ModuleItem::Enum(id)) = self.scope_item(module, &declaration.name.text) else {
            return;
        };
        if self.items.enum_info(id).span != declaration.name.span {
            return;
        }
        for variant in &declaration.variants {
            let Some(payload) = &variant.payload else { continue };
            for field in payload {
                let Some(default) = &field.default else { continue };
                let Some(ty) = self
                    .items
                    .enum_info(id)
                    .variants
                    .iter()
                    .find(|known| known.span == variant.name.span)
                    .and_then(|known| known.fields.iter().find(|known| known.span == field.name.span))
                    .map(|known| known.ty.clone())
                else {
                    continue;
                };
                let mut context = self.context(module, None);
                context.closure_owner = format!("enum {}", declaration.name.text);
                self.check_against(&mut context, default, &ty);
            }
        }
    }

    /// Describes every enum of the program to the match checker: enum `EnumId(i)` is key `i`,
    /// declared first so that payloads can name any enum, their own included.
    pub(super) fn build_enum_table(&mut self) {
        let mut table = EnumTable::new();
        for info in &self.items.enums {
            table.declare(&info.name);
        }
        for (index, info) in self.items.enums.iter().enumerate() {
            let variants = info
                .variants
                .iter()
                .map(|variant| {
                    let fields = variant.fields.iter().map(|field| pattern_type(&field.ty)).collect();
                    VariantDescription::new(&variant.name, fields)
                })
                .collect();
            table.define_variants(EnumKey(index), variants);
        }
        self.enum_table = table;
    }
}

/// The type of a pattern position, as the match checker sees it.
pub(super) fn pattern_type(ty: &Type) -> PatternType {
    match ty {
        Type::Bool => PatternType::Bool,
        Type::Int => PatternType::Int,
        Type::Str => PatternType::Str,
        Type::Optional(inner) => PatternType::optional(pattern_type(inner)),
        Type::Enum(id) => PatternType::Enum(EnumKey(id.0 as usize)),
        _ => PatternType::Opaque,
    }
}

/// The enum that an expected type asks for: `E` or `?E` (section 9, "An expected enum type `E`
/// includes `?E`").
pub(super) fn expected_enum(expected: Option<&Type>) -> Option<EnumId> {
    match expected? {
        Type::Enum(id) => Some(*id),
        Type::Optional(inner) => match &**inner {
            Type::Enum(id) => Some(*id),
            _ => None,
        },
        _ => None,
    }
}
