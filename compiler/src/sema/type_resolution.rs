//! Resolving written types (`int`, `[T]`, `{K: V}`, `?T`, `fn(A) -> B`, `Name`, `m.Name`) to
//! types in the scope of a module, and the imported module a qualified name refers to.

use super::checker::Checker;
use super::scope::ModuleItem;
use super::types::*;
use crate::diagnostics::{Code, Diagnostic};
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
                    Some(ModuleItem::Import(_)) => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::UnknownType,
                                file,
                                name.span,
                                format!("`{text}` is a module, not a type"),
                            )
                            .with_label("expected a type")
                            .with_help(format!("name a struct of the module: `{text}.Name`")),
                        );
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
                    _ => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::UnknownType,
                                file,
                                name.span,
                                format!("module `{}` has no struct `{}`", module_name.text, name.text),
                            )
                            .with_label("not a type"),
                        );
                        Type::Error
                    }
                }
            }
            ast::TypeExprKind::Array(element) => Type::array(self.resolve_type(module, element)),
            ast::TypeExprKind::Map(key, value) => {
                let key_type = self.resolve_type(module, key);
                if !matches!(key_type, Type::Int | Type::Str | Type::Error) {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::InvalidMapKey,
                            file,
                            key.span,
                            format!(
                                "a map key must be `int` or `str`, not `{}`",
                                self.items.display(&key_type)
                            ),
                        )
                        .with_label("invalid key type"),
                    );
                }
                Type::Map(Box::new(key_type), Box::new(self.resolve_type(module, value)))
            }
            ast::TypeExprKind::Optional(inner) => {
                let inner_type = self.resolve_type(module, inner);
                if let Type::Optional(_) = inner_type {
                    self.diagnostics.push(
                        Diagnostic::error(
                            Code::NestedOptional,
                            file,
                            ty.span,
                            "an optional of an optional is not allowed",
                        )
                        .with_label("nested `?`")
                        .with_help("one `?` already allows `nil`"),
                    );
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
                let mut diagnostic = Diagnostic::error(
                    Code::UnknownName,
                    file,
                    name.span,
                    format!("unknown module `{}`", name.text),
                )
                .with_label("not an imported module");
                if lang_stdlib::module_source(&name.text).is_some() {
                    diagnostic = diagnostic.with_help(format!("add `import {}` at the top of the file", name.text));
                }
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }
}
