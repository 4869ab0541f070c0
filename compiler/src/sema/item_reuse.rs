//! Reusing the item tables of the last check under hot reload (LANGUAGE.md section 7 item 14):
//! collecting every module's items and resolving every signature is whole-program work, yet a
//! save usually edits bodies only. When no module was added, removed or re-imported and every
//! edited module still declares the same items (same kinds, names, order and visibility), the
//! ids of every item are the ones the last check gave, every scope is the same, and every
//! signature of an unedited module resolves to the same types (types name items by id). Only
//! the edited modules' spans and signatures are taken again from their new trees.
//!
//! Only a collection that reported nothing is kept: a diagnostic of these passes could be about
//! another module's items, and would have to be reported again.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::checker::Checker;
use super::incremental::module_key;
use super::program::Program;
use super::scope::{ModuleItem, ModuleScope};
use super::types::{Items, ModuleId, VariableState};
use crate::syntax::ast;
use crate::syntax::stage_times::{Stage, measure};

/// The item tables right after the last error-free collection and signature resolution of a
/// program, kept by a hot-reload session between checks (inside its `BodyCache`).
#[derive(Debug, Default)]
pub struct ItemCache {
    last: Option<CollectedItems>,
    /// The modules the last check collected again: `None` when it collected them all.
    last_edited: Option<Vec<ModuleId>>,
}

#[derive(Debug)]
struct CollectedItems {
    layout: Vec<ModuleLayout>,
    /// Each module's tree: the parse cache hands out the same tree for the same text, so a
    /// module whose tree is this one was not edited.
    trees: Vec<Arc<ast::Module>>,
    /// Each module's declarations (`skeleton_hash`).
    skeletons: Vec<u64>,
    items: Items,
    scopes: Vec<Arc<ModuleScope>>,
}

/// Where a module sits in the program: item ids and scopes are only the same while every
/// module is where it was and imports what it did.
#[derive(Debug, PartialEq, Eq)]
struct ModuleLayout {
    key: String,
    file: u32,
    imports: Vec<Option<u32>>,
}

fn layout_of(program: &Program) -> Vec<ModuleLayout> {
    (0..program.modules.len())
        .map(|index| {
            let module = &program.modules[index];
            ModuleLayout {
                key: module_key(program, ModuleId(index as u32)),
                file: module.file.0,
                imports: module.imports.iter().map(|(_, target)| target.map(|id| id.0)).collect(),
            }
        })
        .collect()
}

/// What other modules can see of a module's declarations when their names are resolved:
/// each item's kind, name and visibility, in order (the order gives the ids).
fn skeleton_hash(tree: &ast::Module) -> u64 {
    let mut hasher = DefaultHasher::new();
    for item in &tree.items {
        match item {
            ast::Item::Import(import) => (0u8, &import.module.text).hash(&mut hasher),
            ast::Item::Struct(declaration) => (1u8, &declaration.name.text, declaration.is_pub).hash(&mut hasher),
            ast::Item::Function(declaration) => (2u8, &declaration.name.text, declaration.is_pub).hash(&mut hasher),
            ast::Item::Variable(declaration) => (3u8, &declaration.name.text, declaration.is_pub).hash(&mut hasher),
            ast::Item::Enum(declaration) => (4u8, &declaration.name.text, declaration.is_pub).hash(&mut hasher),
        }
    }
    tree.items.len().hash(&mut hasher);
    hasher.finish()
}

/// The tables of the last check to start from, and the modules to take again from their trees.
struct Reusable {
    items: Items,
    scopes: Vec<Arc<ModuleScope>>,
    skeletons: Vec<u64>,
    edited: Vec<ModuleId>,
}

impl ItemCache {
    /// How many modules the last check collected items of: `None` when all of them.
    pub fn last_collected(&self) -> Option<usize> {
        self.last_edited.as_ref().map(Vec::len)
    }

    /// The modules the last check collected items of, when it took the others' from the check
    /// before: every other module's items and signatures are that check's.
    pub(super) fn last_edited(&self) -> Option<&[ModuleId]> {
        self.last_edited.as_deref()
    }

    /// The last tables, when `program` declares the same items as the program they are of.
    fn reusable(&mut self, program: &Program) -> Option<Reusable> {
        let last = self.last.take()?;
        if last.layout != layout_of(program) {
            return None;
        }
        let mut edited = Vec::new();
        for (index, module) in program.modules.iter().enumerate() {
            if Arc::ptr_eq(&last.trees[index], &module.ast) {
                continue;
            }
            if skeleton_hash(&module.ast) != last.skeletons[index] {
                return None;
            }
            edited.push(ModuleId(index as u32));
        }
        Some(Reusable {
            items: last.items,
            scopes: last.scopes,
            skeletons: last.skeletons,
            edited,
        })
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
                cache.last_edited = Some(reusable.edited);
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
                cache.last_edited = None;
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
        cache.last = Some(CollectedItems {
            layout: layout_of(self.program),
            trees: self.program.modules.iter().map(|module| module.ast.clone()).collect(),
            skeletons,
            items: self.items.clone(),
            scopes: self.scopes.clone(),
        });
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
                    let info = &mut self.items.functions[id.0 as usize];
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
