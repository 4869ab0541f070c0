//! Collecting each module's items into its scope (first pass), resolving struct fields and
//! signatures once every struct name is known (second pass), and finding structs that
//! contain themselves; under hot reload both passes start from the last check's tables when
//! they still fit (`item_reuse.rs`) and redo only the edited modules.

use std::collections::HashMap;
use std::sync::Arc;

use super::builtins::{BUILTIN_TYPES, Builtin};
use super::checker::Checker;
use super::item_reuse::{ItemCache, skeleton_hash};
use super::scope::{ModuleItem, ModuleScope};
use super::types::*;
use crate::syntax::ast;
use crate::syntax::stage_times::{Stage, measure};

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
                            self.self_import(file, &import.module);
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
                        self.items.functions.push(Arc::new(FunctionInfo {
                            module: module_id,
                            file,
                            name: declaration.name.text.clone(),
                            is_pub: declaration.is_pub,
                            params: Vec::new(),
                            result: None,
                            span: declaration.name.span,
                        }));
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
                    ast::Item::Enum(declaration) => (
                        &declaration.name,
                        ModuleItem::Enum(self.collect_enum(module_id, file, declaration)),
                    ),
                };
                // Every item but an import is checked, structs included (LANGUAGE.md section 3:
                // no module-level item reuses a built-in's name). A struct named like a
                // built-in type that is also a function (`str`) was reported above already.
                let reported_as_type =
                    matches!(entry, ModuleItem::Struct(_)) && BUILTIN_TYPES.contains(&name.text.as_str());
                if !matches!(entry, ModuleItem::Import(_) | ModuleItem::Enum(_))
                    && !reported_as_type
                    && Builtin::lookup(&name.text, false).is_some()
                {
                    self.reserved_name(file, name, "built-in function");
                }
                if let Some(&previous) = first_span.get(&name.text) {
                    let is_import = matches!(entry, ModuleItem::Import(_));
                    self.defined_twice(file, name, previous, is_import);
                    continue;
                }
                first_span.insert(name.text.clone(), name.span);
                scope.order.push(name.text.clone());
                scope.items.insert(name.text.clone(), entry);
            }
            self.scopes.push(std::sync::Arc::new(scope));
        }
    }

    /// Second pass: resolve struct fields, function signatures and declared variable types.
    pub(super) fn resolve_signatures(&mut self) {
        for index in 0..self.program.modules.len() {
            self.resolve_module_signatures(ModuleId(index as u32));
        }
    }

    /// The second pass over one module.
    pub(super) fn resolve_module_signatures(&mut self, module_id: ModuleId) {
        let module = self.program.module(module_id);
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
                            self.field_declared_twice(module.file, &field.name, previous.span);
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
                    let info = Arc::make_mut(&mut self.items.functions[id.0 as usize]);
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
                ast::Item::Enum(declaration) => self.resolve_enum(module_id, declaration),
                ast::Item::Import(_) => {}
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
                self.recursive_struct(start, &path, field);
                break;
            }
        }
    }
}

impl Checker<'_> {
    /// The first two passes (`collect_items`, `resolve_signatures`); with a cache (hot reload),
    /// only over the edited modules when the last check's tables still fit.
    pub(super) fn collect_and_resolve(&mut self, cache: Option<&mut ItemCache>) {
        let Some(cache) = cache else {
            measure(Stage::CollectItems, || self.collect_items());
            measure(Stage::ResolveSignatures, || self.resolve_signatures());
            return;
        };
        let mut skeletons = None;
        if let Some(reusable) = cache.reusable(self.program) {
            self.items = reusable.items;
            self.scopes = reusable.scopes;
            let refreshed = measure(Stage::CollectItems, || {
                reusable.edited.iter().all(|module| self.refresh_module_items(*module))
            });
            if refreshed {
                measure(Stage::ResolveSignatures, || {
                    for module in &reusable.edited {
                        self.resolve_module_signatures(*module);
                    }
                });
                cache.set_last_edited(Some(reusable.edited));
                skeletons = Some(reusable.skeletons);
            } else {
                self.items = Items::default();
                self.scopes.clear();
            }
        }
        let skeletons = match skeletons {
            Some(skeletons) => skeletons,
            None => {
                measure(Stage::CollectItems, || self.collect_items());
                measure(Stage::ResolveSignatures, || self.resolve_signatures());
                cache.set_last_edited(None);
                self.program
                    .modules
                    .iter()
                    .map(|module| skeleton_hash(&module.ast))
                    .collect()
            }
        };
        if !self.diagnostics.is_empty() {
            return;
        }
        cache.record(self.program, &self.items, &self.scopes, skeletons);
    }

    /// Takes an edited module's declarations again into the tables its items already have ids
    /// in (its skeleton is unchanged: the same names in the same order): their positions and
    /// flags, with their types to be resolved again. `false` when an item is not where it
    /// should be, and the tables cannot be used.
    fn refresh_module_items(&mut self, module: ModuleId) -> bool {
        let program = self.program;
        let scope = self.scopes[module.0 as usize].clone();
        for (item_index, item) in program.module(module).ast.items.iter().enumerate() {
            match (item, scope.items.get(&item_name(item).text).copied()) {
                (ast::Item::Import(_), _) => {}
                (ast::Item::Struct(declaration), Some(ModuleItem::Struct(id))) => {
                    let info = &mut self.items.structs[id.0 as usize];
                    info.span = declaration.name.span;
                    info.is_pub = declaration.is_pub;
                    info.fields = Vec::new();
                }
                (ast::Item::Function(declaration), Some(ModuleItem::Function(id))) => {
                    let info = Arc::make_mut(&mut self.items.functions[id.0 as usize]);
                    info.span = declaration.name.span;
                    info.is_pub = declaration.is_pub;
                    info.params = Vec::new();
                    info.result = None;
                }
                (ast::Item::Variable(declaration), Some(ModuleItem::Variable(id))) => {
                    let info = &mut self.items.variables[id.0 as usize];
                    info.span = declaration.name.span;
                    info.is_pub = declaration.is_pub;
                    info.mutable = declaration.mutable;
                    info.ty = None;
                    info.state = VariableState::Pending;
                    info.item_index = item_index;
                }
                (ast::Item::Enum(declaration), Some(ModuleItem::Enum(id))) => {
                    let info = &mut self.items.enums[id.0 as usize];
                    info.span = declaration.name.span;
                    info.is_pub = declaration.is_pub;
                    info.variants = Vec::new();
                }
                _ => return false,
            }
        }
        true
    }
}

fn item_name(item: &ast::Item) -> &ast::Name {
    match item {
        ast::Item::Import(import) => &import.module,
        ast::Item::Struct(declaration) => &declaration.name,
        ast::Item::Function(declaration) => &declaration.name,
        ast::Item::Variable(declaration) => &declaration.name,
        ast::Item::Enum(declaration) => &declaration.name,
    }
}
