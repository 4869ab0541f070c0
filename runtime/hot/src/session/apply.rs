//! Applying a new version at a safe point, in the order of LANGUAGE.md section 7 item 5:
//! setup of the new code, slots patched, structs migrated, variables initialized or marked
//! removed, `on_reload`; and what the script thread remembers of the version that runs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lang_runtime_core::Context;

use super::migration::{migrate_structs, update_struct_defaults};
use super::reclaim::free_unreachable_code;
use super::state::{report_and_clear, say, session};
use crate::code::{CodeModule, ModuleUpdate, Ready};
use crate::registry::{Registry, remember_stubbed, stub_for};

/// The version of one module that is running: its functions (their code may live in
/// several compiled versions, since a reload compiles only what changed) and variables.
struct Loaded {
    version: u32,
    functions: Vec<(String, String)>,
    variables: Vec<lang_abi::VariableRecord<usize>>,
}

/// Main-thread state: what runs, and the compiled code it may still use.
struct MainState {
    loaded: HashMap<String, Loaded>,
    code: Vec<CodeModule>,
    main_module: String,
}

thread_local! {
    static MAIN: std::cell::RefCell<Option<MainState>> = const { std::cell::RefCell::new(None) };
    /// A swap is being applied: its initializers or `on_reload` are running, and a safe point
    /// they reach must not start another swap inside this one.
    static APPLYING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Makes the calling thread the one that runs the program, with nothing loaded yet.
pub(super) fn start_main_state() {
    MAIN.with(|main| {
        *main.borrow_mut() = Some(MainState {
            loaded: HashMap::new(),
            code: Vec::new(),
            main_module: String::new(),
        })
    });
}

/// The main module's name.
pub(crate) fn main_module() -> String {
    MAIN.with(|main| {
        main.borrow()
            .as_ref()
            .map(|state| state.main_module.clone())
            .unwrap_or_default()
    })
}

/// Whether a swap is being applied on this thread.
pub(super) fn is_applying() -> bool {
    APPLYING.with(|applying| applying.get())
}

pub(crate) struct Outcome {
    pub(crate) main_changed: bool,
    pub(crate) error_reported: bool,
    /// A struct default raised an error: the error was reported, nothing was swapped, and
    /// the previous version goes on running (LANGUAGE.md section 7 item 4).
    pub(crate) abandoned: bool,
    /// Each module swapped in: display name and version (empty at the first start).
    #[cfg_attr(not(feature = "jit"), allow(dead_code))] // (read by the embedding engine)
    pub(crate) reloaded: Vec<(String, u32)>,
}

/// Swaps a new version in (LANGUAGE.md section 7 item 5): patch the slots, initialize new,
/// retyped and edited-`let` variables in source order, drop removed ones, run `on_reload`.
pub(crate) fn apply(ctx: &mut Context, ready: Ready, first: bool) -> Outcome {
    APPLYING.with(|applying| applying.set(true));
    let outcome = apply_version(ctx, ready, first);
    APPLYING.with(|applying| applying.set(false));
    outcome
}

fn apply_version(ctx: &mut Context, mut ready: Ready, first: bool) -> Outcome {
    let registry = &session().registry;
    let mut reloaded = Vec::new();
    let mut error_reported = false;
    let mut aborted = false;
    let main_changed = ready.main_changed;
    MAIN.with(|main| {
        let mut main = main.borrow_mut();
        let Some(state) = main.as_mut() else { return };
        state.main_module = ready.main_module.clone();
        // Literals and struct descriptors of the new code, and the collector's new roots.
        for module in &ready.modules {
            call_compiled(ctx, module.hot.setup);
        }
        for cell in registry.take_new_cells() {
            ctx.heap.add_root_block(cell, 2);
        }
        // 1. Patch the slots (LANGUAGE.md section 7 item 5: the code first), remembering what
        // they held: if a migration is abandoned below, they are put back.
        let patched = patch_slots(state, &ready, registry);
        // 2. Migrate the instances of structs whose fields changed: every new payload is
        // built (and every default evaluated, with the new code) first; only if all succeed
        // is any instance changed. Otherwise the slots are restored and nothing was swapped.
        // At the first start there is no value to migrate, but a descriptor may still be
        // replaced: a module's setup creates the descriptors of the structs it declares, and a
        // `lang build --hmr` folder can hold a library compiled before a struct of another
        // module changed (a module that does not import it is not built again), whose code
        // was compiled against the old layout. The declaring module's layout is the one that
        // counts.
        let pause_started = Instant::now();
        let mut migrated = Vec::new();
        if !migrate_structs(ctx, &mut ready, registry, &mut migrated) {
            for (slot, value) in patched.into_iter().rev() {
                slot.store(value, Ordering::SeqCst);
            }
            report_and_clear(ctx);
            aborted = true;
            return;
        }
        update_struct_defaults(&ready, registry);
        // 3. The reload lines, before any initializer or `on_reload` runs (LANGUAGE.md section
        // 7 item 8): a program that clears its screen in `on_reload` must not hide them, and
        // an error an initializer raises is reported after the line of its reload.
        if !first {
            // Swapped in: `hmr.version()` counts it, and a pending error box goes.
            crate::feedback::swapped();
            // What the program printed before the swap comes before the lines.
            lang_runtime_core::context::flush_output();
            let elapsed = ready.started.elapsed();
            // A module compiled only to add code that can now run changed in nothing the
            // program sees (`ModuleUpdate::adds_code_only`).
            for module in ready.modules.iter().filter(|module| !module.adds_code_only) {
                let version = state.loaded.get(&module.name).map_or(1, |old| old.version + 1);
                // The pause is the swap's, so only the first reload line reports it.
                let pause = if !migrated.is_empty() && reloaded.is_empty() {
                    migration_pause(&migrated, pause_started.elapsed())
                } else {
                    String::new()
                };
                let lets = edited_lets(state.loaded.get(&module.name), module);
                say(reload_line(module, version, &lets, elapsed, &pause));
                reloaded.push((module.display_name.clone(), version));
            }
        }
        // 4. Variables, module by module in initialization order, each in source order.
        error_reported = !initialize_variables(ctx, state, &ready, registry);
        // 5. on_reload, module by module in initialization order (not at the first start, and
        // only for modules whose own file changed).
        if !first && !error_reported {
            error_reported = !run_on_reload(ctx, &ready, registry);
        }
        // 6. Keep the new versions.
        let mut fresh = Vec::new();
        for module in ready.modules {
            let step = u32::from(!module.adds_code_only);
            let version = state.loaded.get(&module.name).map_or(1, |old| old.version + step);
            state.loaded.insert(
                module.name.clone(),
                Loaded {
                    version,
                    functions: module.all_functions.clone(),
                    variables: module.hot.variables.clone(),
                },
            );
            fresh.push(module.hot);
        }
        free_unreachable_code(ctx, &mut state.code, registry);
        state.code.extend(fresh);
    });
    if aborted {
        // Nothing was swapped: the compiler thread must diff the next save against the
        // version that still runs.
        session().apply_failed.store(true, Ordering::SeqCst);
        super::state::say_abandoned(
            "[hmr] reload abandoned: nothing was swapped; the previous version keeps running\n".to_string(),
        );
        return Outcome {
            main_changed: false,
            error_reported: false,
            abandoned: true,
            reloaded: Vec::new(),
        };
    }
    Outcome {
        main_changed,
        error_reported,
        abandoned: false,
        reloaded,
    }
}

/// Calls a compiled setup function, initializer or `fn()`; whether it succeeded.
fn call_compiled(ctx: &mut Context, address: usize) -> bool {
    // SAFETY: compiled setup and initializer functions take the context and return a status.
    let function: extern "C" fn(*mut Context) -> u8 = unsafe { std::mem::transmute(address) };
    function(ctx) == 0
}

/// Points the slots at the new code: built-in wrappers, the new functions, and the stub for
/// each function that was removed or changed its signature. Returns what each slot held.
fn patch_slots(state: &MainState, ready: &Ready, registry: &Registry) -> Vec<(&'static AtomicU64, u64)> {
    let mut patched: Vec<(&'static AtomicU64, u64)> = Vec::new();
    let mut patch = |slot: &'static AtomicU64, value: u64| {
        patched.push((slot, slot.swap(value, Ordering::SeqCst)));
    };
    for module in &ready.modules {
        for (slot, address) in &module.hot.slot_patches {
            // SAFETY: slot addresses come from the registry and live forever.
            patch(unsafe { &*(*slot as *const AtomicU64) }, *address as u64);
        }
        for lang_abi::FunctionRecord {
            name,
            signature,
            address,
        } in &module.hot.functions
        {
            patch(registry.slot(&module.name, name, signature), *address as u64);
        }
        if let Some(old) = state.loaded.get(&module.name) {
            for (name, signature) in &old.functions {
                let kept = module
                    .all_functions
                    .iter()
                    .any(|(new_name, new_signature)| new_name == name && new_signature == signature);
                if !kept {
                    let slot = registry.slot(&module.name, name, signature);
                    patch(slot, stub_for(name, signature) as u64);
                    remember_stubbed(slot, name.clone());
                }
            }
        }
    }
    patched
}

/// What the first reload line of a swap that migrated values adds: how long the main thread
/// paused, how many values, and of which structs (`(main thread paused 0.8 ms to migrate 3
/// values: 2 `Ball`, 1 `Mood.Angry`)`). One line per reload (LANGUAGE.md section 7 item 8).
fn migration_pause(migrated: &[(String, usize)], pause: std::time::Duration) -> String {
    let total: usize = migrated.iter().map(|(_, count)| count).sum();
    let kinds: Vec<String> = migrated
        .iter()
        .map(|(name, count)| format!("{count} `{name}`"))
        .collect();
    format!(
        " (main thread paused {:.1} ms to migrate {total} value{}: {})",
        pause.as_secs_f64() * 1000.0,
        if total == 1 { "" } else { "s" },
        kinds.join(", ")
    )
}

/// Initializes the variables of the reloaded modules that are new, retyped, or `let`s whose
/// declaration changed, and marks removed ones, module by module in initialization order,
/// each in source order. The first error stops initialization (after reporting it), as it
/// stops a program without `--hmr`; the variables left uninitialized are initialized by the
/// next reload. Returns false after an error.
fn initialize_variables(ctx: &mut Context, state: &MainState, ready: &Ready, registry: &Registry) -> bool {
    let mut failed = false;
    for name in &ready.order {
        if failed {
            break;
        }
        let Some(module) = ready.modules.iter().find(|module| &module.name == name) else {
            continue;
        };
        let old = state.loaded.get(name);
        for lang_abi::VariableRecord {
            name: variable,
            ty,
            is_let,
            token_hash: hash,
            initializer,
        } in &module.hot.variables
        {
            let cell = registry.cell(name, variable, ty);
            let previous = old.and_then(|old| old.variables.iter().find(|old| &old.name == variable && &old.ty == ty));
            let retyped =
                previous.is_none() && old.is_some_and(|old| old.variables.iter().any(|old| &old.name == variable));
            let initialized = cell[1].load(Ordering::SeqCst) == 1;
            let edited_let = is_edited_let(*is_let, *hash, previous);
            if initialized && !edited_let {
                continue;
            }
            if retyped {
                say(format!(
                    "[hmr] warning: `{variable}` in {} changed its type to `{ty}`; it was initialized again\n",
                    module.display_name
                ));
            }
            if !call_compiled(ctx, *initializer) {
                report_and_clear(ctx);
                failed = true;
                break;
            }
        }
        if let Some(old) = old {
            for lang_abi::VariableRecord { name: variable, ty, .. } in &old.variables {
                let kept = module
                    .hot
                    .variables
                    .iter()
                    .any(|new| &new.name == variable && &new.ty == ty);
                if !kept {
                    registry.cell(name, variable, ty)[1].store(2, Ordering::SeqCst);
                }
            }
        }
    }
    !failed
}

/// Whether a variable of the new version is a `let` whose declaration's tokens changed since
/// `previous`, its running version (of the same name and type): it is evaluated again.
fn is_edited_let(is_let: bool, token_hash: u64, previous: Option<&lang_abi::VariableRecord<usize>>) -> bool {
    is_let && previous.is_some_and(|old| old.token_hash != token_hash)
}

/// The module-level `let`s of `module` that the swap evaluates again, in source order.
fn edited_lets(old: Option<&Loaded>, module: &ModuleUpdate) -> Vec<String> {
    module
        .hot
        .variables
        .iter()
        .filter(|variable| {
            let previous = old.and_then(|old| {
                old.variables
                    .iter()
                    .find(|old| old.name == variable.name && old.ty == variable.ty)
            });
            is_edited_let(variable.is_let, variable.token_hash, previous)
        })
        .map(|variable| variable.name.clone())
        .collect()
}

/// Runs `on_reload` of each reloaded module that has one and whose own source file changed
/// (LANGUAGE.md section 7 item 5: not when it was only recompiled because a module it imports
/// changed), in initialization order, reporting each error. Returns false after an error.
fn run_on_reload(ctx: &mut Context, ready: &Ready, registry: &Registry) -> bool {
    let mut succeeded = true;
    for name in &ready.order {
        let Some(module) = ready.modules.iter().find(|module| &module.name == name) else {
            continue;
        };
        if module.source_changed
            && module
                .all_functions
                .iter()
                .any(|(function, signature)| function == "on_reload" && signature == "fn()")
        {
            let address = registry.slot(name, "on_reload", "fn()").load(Ordering::SeqCst) as usize;
            if !call_compiled(ctx, address) {
                report_and_clear(ctx);
                succeeded = false;
            }
        }
    }
    succeeded
}

/// The line that reports a module's reload (`[hmr] main.ln v2: 1 function changed (f), 1 let
/// re-evaluated (SPEED) in 3.1 ms`), naming removed functions, re-evaluated `let`s, the
/// library and the migration pause when there are.
fn reload_line(module: &ModuleUpdate, version: u32, lets: &[String], elapsed: Duration, pause: &str) -> String {
    let count = module.changed_functions.len();
    let plural = if count == 1 { "" } else { "s" };
    let names = if count == 0 {
        String::new()
    } else {
        format!(" ({})", module.changed_functions.join(", "))
    };
    let removed = if module.removed_functions.is_empty() {
        String::new()
    } else {
        format!(
            ", {} removed ({})",
            module.removed_functions.len(),
            module.removed_functions.join(", ")
        )
    };
    let lets = if lets.is_empty() {
        String::new()
    } else {
        format!(
            ", {} let{} re-evaluated ({})",
            lets.len(),
            if lets.len() == 1 { "" } else { "s" },
            lets.join(", ")
        )
    };
    let library = match &module.library {
        Some(library) => format!(" ({library})"),
        None => String::new(),
    };
    format!(
        "[hmr] {} v{version}{library}: {count} function{plural} changed{names}{removed}{lets} in {:.1} ms{pause}\n",
        module.display_name,
        elapsed.as_secs_f64() * 1000.0
    )
}
