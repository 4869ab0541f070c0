//! Checking field access (`x.field`, and `m.item` of an imported module) and struct literals
//! (unknown, repeated and missing fields).

use super::checker::Checker;
use super::results::NameRef;
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::{self, Expr};

impl Checker<'_> {
    pub(super) fn check_field(&mut self, context: &mut Context, object: &Expr, field: &ast::Name) -> Type {
        if let Some(module) = self.module_reference(context, object) {
            if self.native_export(module, &field.text).is_some() {
                // `sort.sort_by` without a call: generic, so it cannot be a value (E0320).
                let name = format!("{}.{}", self.program.module(module).name, field.text);
                self.builtin_not_a_value(context.file, object.span.to(field.span), &name);
                return Type::Error;
            }
            return match self.module_member(context, module, field) {
                Some(ModuleItem::Function(id)) => {
                    self.record_name(context.file, field.span, NameRef::Function(id));
                    self.items.function(id).ty()
                }
                Some(ModuleItem::Variable(id)) => {
                    self.record_name(context.file, field.span, NameRef::Variable(id));
                    self.variable_type(id)
                }
                Some(ModuleItem::Struct(_)) => {
                    self.struct_not_a_value(context.file, field.span, &field.text, false);
                    Type::Error
                }
                Some(ModuleItem::Enum(_)) => {
                    self.enum_not_a_value(context.file, field.span, &field.text);
                    Type::Error
                }
                _ => Type::Error,
            };
        }
        let object_type = self.value(context, object, None);
        match &object_type {
            Type::Struct(id) => {
                if let Some(info) = self
                    .items
                    .struct_info(*id)
                    .fields
                    .iter()
                    .find(|known| known.name == field.text)
                {
                    return info.ty.clone();
                }
                self.no_such_field(context, &object_type, field, false);
                Type::Error
            }
            Type::Error => Type::Error,
            _ => {
                self.no_such_field(context, &object_type, field, false);
                Type::Error
            }
        }
    }

    pub(super) fn check_struct_literal(
        &mut self,
        context: &mut Context,
        module: Option<&ast::Name>,
        name: &ast::Name,
        fields: &[ast::FieldInit],
        span: Span,
    ) -> Type {
        let id = match module {
            Some(module_name) => {
                let Some(target) = self.imported_module(context.module, module_name) else {
                    self.check_field_values(context, fields);
                    return Type::Error;
                };
                match self.module_member(context, target, name) {
                    Some(ModuleItem::Struct(id)) => Some(id),
                    Some(_) => {
                        self.not_a_struct(context.file, name.span, &module_name.text, &name.text);
                        None
                    }
                    None => None,
                }
            }
            None => match self.scope_item(context.module, &name.text) {
                Some(ModuleItem::Struct(id)) => Some(id),
                _ => {
                    self.unknown_struct(context, name);
                    None
                }
            },
        };
        let Some(id) = id else {
            self.check_field_values(context, fields);
            return Type::Error;
        };
        let declared = self.items.struct_info(id).fields.clone();
        let mut given: Vec<(&str, Span)> = Vec::new();
        for init in fields {
            if let Some((_, previous)) = given.iter().find(|(name, _)| *name == init.name.text) {
                let previous = *previous;
                self.field_given_twice(context.file, init.name.span, &init.name.text, previous);
                self.value(context, &init.value, None);
                continue;
            }
            given.push((&init.name.text, init.name.span));
            match declared.iter().find(|field| field.name == init.name.text) {
                Some(field) => self.check_against(context, &init.value, &field.ty),
                None => {
                    self.value(context, &init.value, None);
                    self.no_such_field(context, &Type::Struct(id), &init.name, false);
                }
            }
        }
        let missing: Vec<&str> = declared
            .iter()
            .filter(|field| !field.has_default && !given.iter().any(|(name, _)| *name == field.name))
            .map(|field| field.name.as_str())
            .collect();
        if !missing.is_empty() {
            self.missing_fields(context.file, span, id, &missing);
        }
        Type::Struct(id)
    }

    pub(super) fn check_field_values(&mut self, context: &mut Context, fields: &[ast::FieldInit]) {
        for init in fields {
            self.value(context, &init.value, None);
        }
    }
}
