//! Planning a version: which modules to compile (those whose source changed, plus every
//! module that imports one whose interface changed, transitively, plus those with functions
//! that can run now and were never compiled), which of their functions (only those that can
//! run, or that old code may still call), and which functions changed or were removed.

use std::collections::HashSet;

use lang_compiler::CheckedProgram;

use super::snapshot::{CompiledFunctions, Snapshot};

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
/// the function changed or moved — those that can run or were compiled before. A function compiled
/// once stays compiled in later versions, as old code and old function values may still
/// call it through its slot; one that cannot run and never could is never compiled, so its
/// slot is never called (`lang_compiler::codegen::functions_that_can_run`). `functions` are
/// the module's (by `FunctionId`): a plan looks at each function of the program once, not
/// once per module.
fn functions_to_compile(
    checked: &CheckedProgram,
    name: &str,
    functions: &[usize],
    previous: Option<&Snapshot>,
    next: &Snapshot,
    whole: bool,
    can_run: &[bool],
) -> HashSet<String> {
    let compiled_before = previous.and_then(|previous| previous.compiled.get(name));
    functions
        .iter()
        .map(|index| (*index, &checked.items.functions[*index]))
        .filter(|(index, info)| {
            // Compiled before: again when its module is compiled whole or it changed (whether it
            // can still run or not). Never compiled: now if it can run.
            if compiled_before.is_some_and(|compiled| compiled.contains(&info.name)) {
                // Changed, or only moved: its code names the lines of its runtime errors.
                whole
                    || previous.is_none_or(|previous| {
                        previous.function(name, &info.name) != next.function(name, &info.name)
                            || previous.placement(name, &info.name) != next.placement(name, &info.name)
                    })
            } else {
                can_run[*index]
            }
        })
        .map(|(_, info)| info.name.clone())
        .collect()
}

/// The program's functions (by `FunctionId`) grouped by module.
fn functions_by_module(checked: &CheckedProgram) -> Vec<Vec<usize>> {
    let mut by_module = vec![Vec::new(); checked.program.modules.len()];
    for (index, info) in checked.items.functions.iter().enumerate() {
        by_module[info.module.0 as usize].push(index);
    }
    by_module
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
    let by_module = functions_by_module(checked);
    (0..names.len())
        .filter_map(|index| {
            let name = &names[index];
            let functions = &by_module[index];
            if !recompile.contains(&index) {
                // The module's source did not change, so neither did its functions: only those
                // that can run now and never were compiled are compiled.
                let compiled_before = previous.and_then(|previous| previous.compiled.get(name));
                let compile: HashSet<String> = functions
                    .iter()
                    .filter(|function| can_run[**function])
                    .map(|function| &checked.items.functions[*function].name)
                    .filter(|function| !compiled_before.is_some_and(|compiled| compiled.contains(*function)))
                    .cloned()
                    .collect();
                return (!compile.is_empty()).then(|| PlannedModule {
                    index,
                    compile,
                    changed_functions: Vec::new(),
                    removed_functions: Vec::new(),
                    source_changed: false,
                    adds_code_only: true,
                });
            }
            let compile = functions_to_compile(
                checked,
                name,
                functions,
                previous,
                next,
                whole.contains(&index),
                can_run,
            );
            let changed_functions: Vec<String> = functions
                .iter()
                .map(|function| &checked.items.functions[*function])
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
) -> CompiledFunctions {
    let mut compiled: CompiledFunctions = previous.map(|previous| previous.compiled.clone()).unwrap_or_default();
    for module in planned.iter().filter(|module| !module.compile.is_empty()) {
        let name = &checked.program.modules[module.index].name;
        compiled
            .entry(name.clone())
            .or_default()
            .extend(module.compile.iter().cloned());
    }
    compiled
}
