//! Checking field access (`x.field`, and `m.item` of an imported module) and struct literals
//! (unknown, repeated and missing fields).

use super::checker::Checker;
use super::results::NameRef;
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::diagnostics::Code;
use crate::source::Span;
use crate::syntax::ast::{self, Expr};

impl Checker<'_> {
    pub(super) fn check_field(&mut self, context: &mut Context, object: &Expr, field: &ast::Name) -> Type {
        if let Some(module) = self.module_reference(context, object) {
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
                    self.error(
                        Code::NotAValue,
                        context.file,
                        field.span,
                        format!("`{}` is a struct, not a value", field.text),
                    )
                    .with_label("not a value");
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
                        self.error(
                            Code::UnknownType,
                            context.file,
                            name.span,
                            format!("`{}.{}` is not a struct", module_name.text, name.text),
                        )
                        .with_label("not a struct");
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
                self.error(
                    Code::DuplicateField,
                    context.file,
                    init.name.span,
                    format!("field `{}` is given twice", init.name.text),
                )
                .with_label("given again here")
                .with_secondary(context.file, previous, "first given here");
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
            let struct_name = self.items.struct_info(id).name.clone();
            let (file, declared_span) = (self.items.struct_info(id).file, self.items.struct_info(id).span);
            let list = missing
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let plural = if missing.len() == 1 { "" } else { "s" };
            self.error(
                Code::MissingField,
                context.file,
                span,
                format!("missing field{plural} {list} in `{struct_name}`"),
            )
            .with_label(format!(
                "{list} ha{} no default and must be given",
                if missing.len() == 1 { "s" } else { "ve" }
            ))
            .with_secondary(file, declared_span, "struct declared here");
        }
        Type::Struct(id)
    }

    pub(super) fn check_field_values(&mut self, context: &mut Context, fields: &[ast::FieldInit]) {
        for init in fields {
            self.value(context, &init.value, None);
        }
    }
}
