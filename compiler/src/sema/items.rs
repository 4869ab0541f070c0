//! Collecting each module's items into its scope, and resolving written types and signatures.

use std::collections::HashMap;

use super::builtins::{BUILTIN_TYPES, Builtin};
use super::check::Checker;
use super::types::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast;

/// What a name at module level refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleItem {
    Function(FunctionId),
    Struct(StructId),
    Variable(VariableId),
    Import(ModuleId),
}

/// The names a module defines or imports.
#[derive(Clone, Debug, Default)]
pub struct ModuleScope {
    pub items: HashMap<String, ModuleItem>,
    /// Item names in declaration order, for deterministic interfaces and hints.
    pub order: Vec<String>,
}

impl Checker<'_> {
    /// First pass over every module: enter every item's name into its module's scope and
    /// report duplicates and reserved names. Types are resolved in the second pass, once all
    /// struct names of all modules are known.
    pub(super) fn collect_items(&mut self) {
        for (index, module) in self.program.modules.iter().enumerate() {
            let module_id = ModuleId(index as u32);
            let file = module.file;
            let mut scope = ModuleScope::default();
            let mut first_span: HashMap<String, crate::source::Span> = HashMap::new();
            for (item_index, item) in module.ast.items.iter().enumerate() {
                let (name, entry) = match item {
                    ast::Item::Import(import) => {
                        let Some(target) = module
                            .imports
                            .iter()
                            .find(|(name, _)| name.span == import.module.span)
                            .and_then(|(_, target)| *target)
                        else {
                            continue;
                        };
                        if target == module_id {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    Code::DuplicateImport,
                                    file,
                                    import.module.span,
                                    format!("module `{}` imports itself", import.module.text),
                                )
                                .with_label("a module cannot import itself"),
                            );
                            continue;
                        }
                        (&import.module, ModuleItem::Import(target))
                    }
                    ast::Item::Struct(declaration) => {
                        if BUILTIN_TYPES.contains(&declaration.name.text.as_str()) {
                            self.reserved_name(file, &declaration.name, "built-in type");
                        }
                        let id = StructId(self.items.structs.len() as u32);
                        self.items.structs.push(StructInfo {
                            module: module_id,
                            file,
                            name: declaration.name.text.clone(),
                            is_pub: declaration.is_pub,
                            fields: Vec::new(),
                            span: declaration.name.span,
                        });
                        (&declaration.name, ModuleItem::Struct(id))
                    }
                    ast::Item::Function(declaration) => {
                        let id = FunctionId(self.items.functions.len() as u32);
                        self.items.functions.push(FunctionInfo {
                            module: module_id,
                            file,
                            name: declaration.name.text.clone(),
                            is_pub: declaration.is_pub,
                            params: Vec::new(),
                            result: None,
                            span: declaration.name.span,
                        });
                        (&declaration.name, ModuleItem::Function(id))
                    }
                    ast::Item::Variable(declaration) => {
                        let id = VariableId(self.items.variables.len() as u32);
                        self.items.variables.push(VariableInfo {
                            module: module_id,
                            file,
                            name: declaration.name.text.clone(),
                            is_pub: declaration.is_pub,
                            mutable: declaration.mutable,
                            ty: None,
                            state: VariableState::Pending,
                            item_index,
                            span: declaration.name.span,
                        });
                        (&declaration.name, ModuleItem::Variable(id))
                    }
                };
                // Every item but an import is checked, structs included (LANGUAGE.md section 3:
                // no module-level item reuses a built-in's name). A struct named like a
                // built-in type that is also a function (`str`) was reported above already.
                let reported_as_type =
                    matches!(entry, ModuleItem::Struct(_)) && BUILTIN_TYPES.contains(&name.text.as_str());
                if !matches!(entry, ModuleItem::Import(_))
                    && !reported_as_type
                    && Builtin::lookup(&name.text, false).is_some()
                {
                    self.reserved_name(file, name, "built-in function");
                }
                if let Some(&previous) = first_span.get(&name.text) {
                    let what = if matches!(entry, ModuleItem::Import(_)) {
                        Code::DuplicateImport
                    } else {
                        Code::DuplicateDefinition
                    };
                    self.diagnostics.push(
                        Diagnostic::error(
                            what,
                            file,
                            name.span,
                            format!("`{}` is defined more than once", name.text),
                        )
                        .with_label("defined again here")
                        .with_secondary(file, previous, "first defined here")
                        .with_help(
                            "items of one module (functions, structs, variables and imports) need distinct names",
                        ),
                    );
                    continue;
                }
                first_span.insert(name.text.clone(), name.span);
                scope.order.push(name.text.clone());
                scope.items.insert(name.text.clone(), entry);
            }
            self.scopes.push(scope);
        }
    }

    fn reserved_name(&mut self, file: crate::source::FileId, name: &ast::Name, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::ReservedName,
                file,
                name.span,
                format!("`{}` is the name of a {what}", name.text),
            )
            .with_label("reserved name")
            .with_help("module-level items may not reuse the names of built-ins; choose another name"),
        );
    }

    /// Second pass: resolve struct fields, function signatures and declared variable types.
    pub(super) fn resolve_signatures(&mut self) {
        for (index, module) in self.program.modules.iter().enumerate() {
            let module_id = ModuleId(index as u32);
            for item in &module.ast.items {
                match item {
                    ast::Item::Struct(declaration) => {
                        let Some(ModuleItem::Struct(id)) = self.scope_item(module_id, &declaration.name.text) else {
                            continue;
                        };
                        if self.items.struct_info(id).span != declaration.name.span {
                            continue;
                        }
                        let mut fields: Vec<FieldInfo> = Vec::new();
                        for field in &declaration.fields {
                            let ty = self.resolve_type(module_id, &field.ty);
                            if let Some(previous) = fields.iter().find(|known| known.name == field.name.text) {
                                self.diagnostics.push(
                                    Diagnostic::error(
                                        Code::DuplicateField,
                                        module.file,
                                        field.name.span,
                                        format!("field `{}` is declared twice", field.name.text),
                                    )
                                    .with_label("declared again here")
                                    .with_secondary(
                                        module.file,
                                        previous.span,
                                        "first declared here",
                                    ),
                                );
                                continue;
                            }
                            fields.push(FieldInfo {
                                name: field.name.text.clone(),
                                ty,
                                type_span: field.ty.span,
                                has_default: field.default.is_some(),
                                span: field.name.span,
                            });
                        }
                        self.items.structs[id.0 as usize].fields = fields;
                    }
                    ast::Item::Function(declaration) => {
                        let Some(ModuleItem::Function(id)) = self.scope_item(module_id, &declaration.name.text) else {
                            continue;
                        };
                        if self.items.function(id).span != declaration.name.span {
                            continue;
                        }
                        let params = declaration
                            .params
                            .iter()
                            .map(|param| self.resolve_type(module_id, &param.ty))
                            .collect();
                        let result = declaration.result.as_ref().map(|ty| self.resolve_type(module_id, ty));
                        let info = &mut self.items.functions[id.0 as usize];
                        info.params = params;
                        info.result = result;
                    }
                    ast::Item::Variable(declaration) => {
                        let Some(ModuleItem::Variable(id)) = self.scope_item(module_id, &declaration.name.text) else {
                            continue;
                        };
                        if self.items.variable(id).span != declaration.name.span {
                            continue;
                        }
                        if let Some(ty) = &declaration.ty {
                            let ty = self.resolve_type(module_id, ty);
                            self.items.variables[id.0 as usize].ty = Some(ty);
                        }
                    }
                    ast::Item::Import(_) => {}
                }
            }
        }
    }

    /// A struct that contains itself through fields of struct type (not through an optional,
    /// array or map) could never be constructed: every instance would need another first.
    pub(super) fn check_struct_cycles(&mut self) {
        let count = self.items.structs.len();
        let mut reported = vec![false; count];
        for start in 0..count {
            if reported[start] {
                continue;
            }
            let fields = self.items.structs[start].fields.clone();
            for field in &fields {
                let Type::Struct(first) = field.ty else { continue };
                // Breadth-first search from the field's struct back to `start`.
                let mut parent: Vec<Option<usize>> = vec![None; count];
                let mut queue = std::collections::VecDeque::from([first.0 as usize]);
                let mut seen = vec![false; count];
                seen[first.0 as usize] = true;
                let mut found = first.0 as usize == start;
                while let Some(current) = queue.pop_front() {
                    if found {
                        break;
                    }
                    for next_field in &self.items.structs[current].fields {
                        let Type::Struct(next) = next_field.ty else { continue };
                        let next = next.0 as usize;
                        if !seen[next] {
                            seen[next] = true;
                            parent[next] = Some(current);
                            if next == start {
                                found = true;
                                break;
                            }
                            queue.push_back(next);
                        }
                    }
                }
                if !found {
                    continue;
                }
                let mut path = Vec::new();
                let mut node = parent[start];
                while let Some(current) = node {
                    path.push(current);
                    reported[current] = true;
                    node = parent[current];
                }
                path.reverse();
                reported[start] = true;
                let info = &self.items.structs[start];
                let name = info.name.clone();
                let through: Vec<String> = path
                    .iter()
                    .filter(|&&index| index != start)
                    .map(|&index| format!("`{}`", self.items.structs[index].name))
                    .collect();
                let message = if through.is_empty() {
                    format!("struct `{name}` contains itself")
                } else {
                    format!("struct `{name}` contains itself through {}", through.join(", "))
                };
                self.diagnostics.push(
                    Diagnostic::error(Code::RecursiveStruct, info.file, field.type_span, message)
                        .with_label("every instance would need another one first")
                        .with_help(format!(
                            "make a field on the cycle optional, for example `{}: ?{}`",
                            field.name,
                            self.items.display(&field.ty)
                        )),
                );
                break;
            }
        }
    }

    pub(super) fn scope_item(&self, module: ModuleId, name: &str) -> Option<ModuleItem> {
        self.scopes[module.0 as usize].items.get(name).copied()
    }

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
                        let mut candidates: Vec<String> = BUILTIN_TYPES.iter().map(|name| name.to_string()).collect();
                        candidates.extend(
                            self.scopes[module.0 as usize]
                                .items
                                .iter()
                                .filter(|(_, item)| matches!(item, ModuleItem::Struct(_)))
                                .map(|(name, _)| name.clone()),
                        );
                        let mut diagnostic =
                            Diagnostic::error(Code::UnknownType, file, name.span, format!("unknown type `{text}`"))
                                .with_label("not a type in scope");
                        if let Some(suggestion) = super::check::closest(text, candidates.iter().map(String::as_str)) {
                            diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                        }
                        self.diagnostics.push(diagnostic);
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

    pub(super) fn private_item(
        &mut self,
        file: crate::source::FileId,
        name: &ast::Name,
        module_name: &str,
        declared_file: crate::source::FileId,
        declared_span: crate::source::Span,
    ) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::PrivateItem,
                file,
                name.span,
                format!("`{}` is private to module `{module_name}`", name.text),
            )
            .with_label("not visible here")
            .with_secondary(declared_file, declared_span, "declared here without `pub`")
            .with_help(format!("mark it `pub` in `{module_name}` to use it from other modules")),
        );
    }
}
