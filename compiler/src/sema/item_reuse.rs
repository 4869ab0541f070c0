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

use super::program::{Program, module_key};
use super::scope::ModuleScope;
use super::types::{Items, ModuleId};
use crate::syntax::ast;

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
pub(super) fn skeleton_hash(tree: &ast::Module) -> u64 {
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
pub(super) struct Reusable {
    pub(super) items: Items,
    pub(super) scopes: Vec<Arc<ModuleScope>>,
    pub(super) skeletons: Vec<u64>,
    pub(super) edited: Vec<ModuleId>,
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
    pub(super) fn reusable(&mut self, program: &Program) -> Option<Reusable> {
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

impl ItemCache {
    /// Notes which modules the check collected items of (`None`: all of them).
    pub(super) fn set_last_edited(&mut self, edited: Option<Vec<ModuleId>>) {
        self.last_edited = edited;
    }

    /// Keeps the tables of an error-free collection and resolution of `program`, whose
    /// modules' declarations hash to `skeletons`, as the base of the next check.
    pub(super) fn record(
        &mut self,
        program: &Program,
        items: &Items,
        scopes: &[Arc<ModuleScope>],
        skeletons: Vec<u64>,
    ) {
        self.last = Some(CollectedItems {
            layout: layout_of(program),
            trees: program.modules.iter().map(|module| module.ast.clone()).collect(),
            skeletons,
            items: items.clone(),
            scopes: scopes.to_vec(),
        });
    }
}
