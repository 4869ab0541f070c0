//! Names that reach into another module: `m.item` for an imported module `m`, with its
//! visibility, and the functions a standard-library module exports natively.

use super::builtins::Builtin;
use super::checker::Checker;
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::syntax::ast::{self, Expr, ExprKind};

impl Checker<'_> {
    /// If `object` names an imported module (and no local shadows it), that module.
    pub(super) fn module_reference(&self, context: &Context, object: &Expr) -> Option<ModuleId> {
        let ExprKind::Name(name) = &object.kind else {
            return None;
        };
        if context.lookup(&name.text).is_some() {
            return None;
        }
        match self.scope_item(context.module, &name.text) {
            Some(ModuleItem::Import(module)) => Some(module),
            _ => None,
        }
    }

    /// A function the standard-library module `module` exports natively (`sort.sort_by`).
    pub(super) fn native_export(&self, module: ModuleId, name: &str) -> Option<Builtin> {
        let data = self.program.module(module);
        if !data.is_stdlib {
            return None;
        }
        Builtin::module_export(&data.name, name)
    }

    /// The item `m.name` of an imported module, reporting unknown and private items.
    pub(super) fn module_member(
        &mut self,
        context: &Context,
        module: ModuleId,
        name: &ast::Name,
    ) -> Option<ModuleItem> {
        let module_name = self.program.module(module).name.clone();
        let Some(item) = self.scope_item(module, &name.text) else {
            self.unknown_module_item(context.file, module, name);
            return None;
        };
        let (is_pub, file, span) = match item {
            ModuleItem::Function(id) => {
                let info = self.items.function(id);
                (info.is_pub, info.file, info.span)
            }
            ModuleItem::Struct(id) => {
                let info = self.items.struct_info(id);
                (info.is_pub, info.file, info.span)
            }
            ModuleItem::Variable(id) => {
                let info = self.items.variable(id);
                (info.is_pub, info.file, info.span)
            }
            ModuleItem::Enum(id) => {
                let info = self.items.enum_info(id);
                (info.is_pub, info.file, info.span)
            }
            ModuleItem::Import(_) => {
                self.import_of_import(context.file, name.span, &module_name, &name.text);
                return None;
            }
        };
        if !is_pub {
            self.private_item(context.file, name, &module_name, file, span);
        }
        Some(item)
    }

    pub(super) fn is_public(&self, module: ModuleId, name: &str) -> bool {
        match self.scope_item(module, name) {
            Some(ModuleItem::Function(id)) => self.items.function(id).is_pub,
            Some(ModuleItem::Struct(id)) => self.items.struct_info(id).is_pub,
            Some(ModuleItem::Variable(id)) => self.items.variable(id).is_pub,
            Some(ModuleItem::Enum(id)) => self.items.enum_info(id).is_pub,
            _ => false,
        }
    }
}
