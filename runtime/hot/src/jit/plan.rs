//! Planning a version: which modules to compile (those whose source changed, plus every
//! module that imports one whose interface changed, transitively), whether whole or only
//! their changed functions, and which functions changed or were removed.

use std::collections::HashSet;

use lang_compiler::CheckedProgram;
use lang_compiler::sema::ModuleId;

use super::snapshot::Snapshot;

/// The modules (by index, in program order) that a `lang build --hmr --watch` rebuild
/// compiles after the build of `previous`: those whose source changed, and those that import,
/// directly or not, a module whose interface changed. The other libraries are still right.
pub fn modules_to_rebuild(checked: &CheckedProgram, previous: &Snapshot, next: &Snapshot) -> Vec<usize> {
    let mut indices: Vec<usize> = modules_to_recompile(checked, previous, next).0.into_iter().collect();
    indices.sort_unstable();
    indices
}

/// The modules to compile again after `previous`, and those of them to compile whole (a
/// changed shape, or importing a changed interface); the others compile only their changed
/// functions.
fn modules_to_recompile(
    checked: &CheckedProgram,
    previous: &Snapshot,
    next: &Snapshot,
) -> (HashSet<usize>, HashSet<usize>) {
    let mut recompile: HashSet<usize> = HashSet::new();
    let mut whole: HashSet<usize> = HashSet::new();
    let mut interface_changed: HashSet<usize> = HashSet::new();
    for (index, module) in checked.program.modules.iter().enumerate() {
        let name = &module.name;
        if previous.sources.get(name) != next.sources.get(name) {
            recompile.insert(index);
            if previous.shapes.get(name) != next.shapes.get(name) {
                whole.insert(index);
            }
        }
        if previous.interfaces.get(name) != next.interfaces.get(name)
            || previous.struct_declarations.get(name) != next.struct_declarations.get(name)
        {
            interface_changed.insert(index);
        }
    }
    // Dependents of a changed interface are checked against it and compiled again,
    // transitively, so that their calls use the new signatures.
    let mut changed = true;
    while changed {
        changed = false;
        for (index, module) in checked.program.modules.iter().enumerate() {
            let depends = module
                .imports
                .iter()
                .any(|(_, target)| target.is_some_and(|target| interface_changed.contains(&(target.0 as usize))));
            if depends {
                whole.insert(index);
                if recompile.insert(index) {
                    changed = true;
                }
            }
        }
    }
    (recompile, whole)
}

/// A module the next version compiles.
pub(super) struct PlannedModule {
    /// The module's index in the program.
    pub(super) index: usize,
    /// Compiled whole (new, changed shape, or importing a changed interface), or only its
    /// changed functions (the others' code is still right).
    pub(super) whole: bool,
    /// Functions whose tokens changed, or that are new.
    pub(super) changed_functions: Vec<String>,
    /// Functions of the running version that the new one no longer has, sorted.
    pub(super) removed_functions: Vec<String>,
    /// The tokens of the module's own file changed (not only an interface it imports).
    pub(super) source_changed: bool,
}

/// The modules to compile, in program order: all of them without a previous snapshot.
pub(super) fn plan(checked: &CheckedProgram, previous: Option<&Snapshot>, next: &Snapshot) -> Vec<PlannedModule> {
    let names: Vec<String> = checked
        .program
        .modules
        .iter()
        .map(|module| module.name.clone())
        .collect();
    let (recompile, whole) = match previous {
        None => ((0..names.len()).collect(), HashSet::new()),
        Some(previous) => modules_to_recompile(checked, previous, next),
    };
    let mut indices: Vec<usize> = recompile.into_iter().collect();
    indices.sort_unstable();
    indices
        .into_iter()
        .map(|index| {
            let module = ModuleId(index as u32);
            let name = &names[index];
            let changed_functions: Vec<String> = checked
                .items
                .functions
                .iter()
                .filter(|info| info.module == module)
                .filter(|info| {
                    previous
                        .is_none_or(|previous| previous.function(name, &info.name) != next.function(name, &info.name))
                })
                .map(|info| info.name.clone())
                .collect();
            let mut removed_functions: Vec<String> = previous
                .map(|previous| {
                    previous
                        .functions
                        .get(name)
                        .into_iter()
                        .flat_map(|functions| functions.keys())
                        .filter(|function| next.function(name, function).is_none())
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            removed_functions.sort();
            PlannedModule {
                index,
                whole: previous.is_none() || whole.contains(&index),
                changed_functions,
                removed_functions,
                source_changed: previous
                    .is_some_and(|previous| previous.source_tokens.get(name) != next.source_tokens.get(name)),
            }
        })
        .collect()
}
