//! Resolving written types (`int`, `[T]`, `{K: V}`, `?T`, `fn(A) -> B`, `Name`, `m.Name`) to
//! types in the scope of a module, and the imported module a qualified name refers to.

use super::checker::Checker;
use super::scope::ModuleItem;
use super::types::*;
use crate::syntax::ast;

impl Checker<'_> {
    /// Resolves a written type in the scope of `module`, reporting unknown names.
    pub(super) fn resolve_type(&mut self, module: ModuleId, ty: &ast::TypeExpr) -> Type {
        let file = self.program.module(module).file;
        match &ty.kind {
            ast::TypeExprKind::Named { module: None, name } => match name.text.as_str() {
                "int" => Type::Int,
                "float" => Type::Float,
                "bool" => Type::Bool,
                "str" => Type::Str,
                text => match self.scope_item(module, text) {
                    Some(ModuleItem::Struct(id)) => Type::Struct(id),
                    Some(ModuleItem::Enum(id)) => Type::Enum(id),
                    Some(ModuleItem::Import(_)) => {
                        self.module_not_a_type(file, name.span, text);
                        Type::Error
                    }
                    _ => {
                        self.unknown_type(module, file, name);
                        Type::Error
                    }
                },
            },
            ast::TypeExprKind::Named {
                module: Some(module_name),
                name,
            } => {
                let Some(target) = self.imported_module(module, module_name) else {
                    return Type::Error;
                };
                match self.scope_item(target, &name.text) {
                    Some(ModuleItem::Struct(id)) => {
                        if !self.items.struct_info(id).is_pub {
                            self.private_item(
                                file,
                                name,
                                &module_name.text,
                                self.items.struct_info(id).file,
                                self.items.struct_info(id).span,
                            );
                        }
                        Type::Struct(id)
                    }
                    Some(ModuleItem::Enum(id)) => {
                        let info = self.items.enum_info(id);
                        if !info.is_pub {
                            let (info_file, info_span) = (info.file, info.span);
                            self.private_item(file, name, &module_name.text, info_file, info_span);
                        }
                        Type::Enum(id)
                    }
                    _ => {
                        self.no_such_struct_in_module(file, name.span, &module_name.text, &name.text);
                        Type::Error
                    }
                }
            }
            ast::TypeExprKind::Array(element) => Type::array(self.resolve_type(module, element)),
            ast::TypeExprKind::Map(key, value) => {
                let key_type = self.resolve_type(module, key);
                if !matches!(key_type, Type::Int | Type::Str | Type::Error) {
                    self.invalid_map_key(file, key.span, &key_type);
                }
                Type::Map(Box::new(key_type), Box::new(self.resolve_type(module, value)))
            }
            ast::TypeExprKind::Optional(inner) => {
                let inner_type = self.resolve_type(module, inner);
                if let Type::Optional(_) = inner_type {
                    // `???int`: one error, at the innermost `??` (reported there already when
                    // the inner type is itself nested), not one per `?`.
                    let reported_inside = matches!(&inner.kind,
                        ast::TypeExprKind::Optional(innermost) if matches!(innermost.kind, ast::TypeExprKind::Optional(_)));
                    if !reported_inside {
                        self.nested_optional(file, ty.span);
                    }
                    return inner_type;
                }
                Type::optional(inner_type)
            }
            ast::TypeExprKind::Function(params, result) => {
                let params = params.iter().map(|param| self.resolve_type(module, param)).collect();
                let result = result
                    .as_ref()
                    .map(|result| Box::new(self.resolve_type(module, result)));
                Type::Function(params, result)
            }
            ast::TypeExprKind::Error => Type::Error,
        }
    }

    /// The module that `name` refers to as an import of `module`, reporting when it is not one.
    pub(super) fn imported_module(&mut self, module: ModuleId, name: &ast::Name) -> Option<ModuleId> {
        match self.scope_item(module, &name.text) {
            Some(ModuleItem::Import(target)) => Some(target),
            _ => {
                let file = self.program.module(module).file;
                self.unknown_module(file, name);
                None
            }
        }
    }
}
