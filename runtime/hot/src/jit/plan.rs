//! Planning a version: which modules to compile (those whose source changed, plus every
//! module that imports one whose interface changed, transitively, plus those with functions
//! that can run now and were never compiled), which of their functions (only those that can
//! run, or that old code may still call), and which functions changed or were removed.

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
    /// The functions to compile (see `functions_to_compile`); the others keep their running
    /// code, or have never been compiled because no code can call them.
    pub(super) compile: HashSet<String>,
    /// Functions whose tokens changed, or that are new.
    pub(super) changed_functions: Vec<String>,
    /// Functions of the running version that the new one no longer has, sorted.
    pub(super) removed_functions: Vec<String>,
    /// The tokens of the module's own file changed (not only an interface it imports).
    pub(super) source_changed: bool,
    /// Compiled only because functions of it that were never compiled can now run: nothing
    /// of it changed, so its reload is not reported (`ModuleUpdate::adds_code_only`).
    pub(super) adds_code_only: bool,
}

/// Which functions of a module to compile: those that can run now and were never compiled
/// (a new call or function value reaches them), and — when the module is compiled whole or
/// the function changed — those that can run or were compiled before. A function compiled
/// once stays compiled in later versions, as old code and old function values may still
/// call it through its slot; one that cannot run and never could is never compiled, so its
/// slot is never called (`lang_compiler::codegen::functions_that_can_run`).
fn functions_to_compile(
    checked: &CheckedProgram,
    module: ModuleId,
    previous: Option<&Snapshot>,
    next: &Snapshot,
    whole: bool,
    can_run: &[bool],
) -> HashSet<String> {
    let name = &checked.program.module(module).name;
    checked
        .items
        .functions
        .iter()
        .enumerate()
        .filter(|(_, info)| info.module == module)
        .filter(|(index, info)| {
            let key = (name.clone(), info.name.clone());
            let compiled_before = previous.is_some_and(|previous| previous.compiled.contains(&key));
            let changed =
                previous.is_none_or(|previous| previous.function(name, &info.name) != next.function(name, &info.name));
            // Compiled before: again when its module is compiled whole or it changed (whether it
            // can still run or not). Never compiled: now if it can run.
            if compiled_before {
                whole || changed
            } else {
                can_run[*index]
            }
        })
        .map(|(_, info)| info.name.clone())
        .collect()
}

/// The modules to compile, in program order: all of them without a previous snapshot (only
/// their functions that can run: `can_run`, by `FunctionId`), and after one the changed
/// modules, and the modules with functions that can run now and never were compiled.
/// `next` is the new version's snapshot, which the first version (without `previous`) is
/// planned without (`compile::NextSnapshot`).
pub(super) fn plan(
    checked: &CheckedProgram,
    previous: Option<&Snapshot>,
    next: Option<&Snapshot>,
    can_run: &[bool],
) -> Vec<PlannedModule> {
    let (Some(previous), Some(next)) = (previous, next) else {
        return plan_first_version(checked, can_run);
    };
    let previous = Some(previous);
    let names: Vec<String> = checked
        .program
        .modules
        .iter()
        .map(|module| module.name.clone())
        .collect();
    let (recompile, whole) = match previous {
        None => ((0..names.len()).collect(), (0..names.len()).collect()),
        Some(previous) => modules_to_recompile(checked, previous, next),
    };
    (0..names.len())
        .filter_map(|index| {
            let module = ModuleId(index as u32);
            let name = &names[index];
            let compile = functions_to_compile(checked, module, previous, next, whole.contains(&index), can_run);
            if !recompile.contains(&index) {
                return (!compile.is_empty()).then(|| PlannedModule {
                    index,
                    compile,
                    changed_functions: Vec::new(),
                    removed_functions: Vec::new(),
                    source_changed: false,
                    adds_code_only: true,
                });
            }
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
            Some(PlannedModule {
                index,
                compile,
                changed_functions,
                removed_functions,
                source_changed: previous
                    .is_some_and(|previous| previous.source_tokens.get(name) != next.source_tokens.get(name)),
                adds_code_only: false,
            })
        })
        .collect()
}

/// The first version: every module, with its functions that can run.
fn plan_first_version(checked: &CheckedProgram, can_run: &[bool]) -> Vec<PlannedModule> {
    let mut planned: Vec<PlannedModule> = (0..checked.program.modules.len())
        .map(|index| PlannedModule {
            index,
            compile: HashSet::new(),
            changed_functions: Vec::new(),
            removed_functions: Vec::new(),
            source_changed: false,
            adds_code_only: false,
        })
        .collect();
    // Every function is new.
    for (index, info) in checked.items.functions.iter().enumerate() {
        let module = &mut planned[info.module.0 as usize];
        if can_run[index] {
            module.compile.insert(info.name.clone());
        }
        module.changed_functions.push(info.name.clone());
    }
    planned
}

/// The functions whose code the session has held once `planned` is swapped in after
/// `previous`: those compiled before, and those compiled now. A removed function stays in
/// the set: a function value taken before its removal still names its slot, so if it comes
/// back it is compiled again whether or not code names it (`functions_to_compile`).
pub(super) fn compiled_after(
    checked: &CheckedProgram,
    previous: Option<&Snapshot>,
    planned: &[PlannedModule],
) -> HashSet<(String, String)> {
    let mut compiled: HashSet<(String, String)> =
        previous.map(|previous| previous.compiled.clone()).unwrap_or_default();
    for module in planned {
        let name = &checked.program.modules[module.index].name;
        compiled.extend(module.compile.iter().map(|function| (name.clone(), function.clone())));
    }
    compiled
}
