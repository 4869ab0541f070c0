//! Compiling one version: check the whole program, plan which modules to compile, compile
//! each into its own JIT module (`HotModule::compile`), and refuse what cannot be swapped.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lang_compiler::codegen::jit::HotModule;
use lang_compiler::codegen::{CodegenOptions, HotTarget, ProgramAnalysis};
use lang_compiler::sema::ModuleId;
use lang_compiler::{CheckedProgram, ParseCache, check_program, check_program_with_cache, diagnostics};

use super::plan::{PlannedModule, compiled_after, plan};
use super::snapshot::{Snapshot, snapshot};
use super::sources::Loader;
use crate::code::{CodeModule, CodeOwner, ModuleUpdate, Ready};
use crate::registry::Registry;
use crate::session::field_without_default;

/// A module's JIT code, owned until no frame can return into it.
struct JitCode(HotModule);

// SAFETY: a JIT module is only handed from the compiling thread to the main thread, which
// alone uses it from then on.
unsafe impl Send for JitCode {}

impl CodeOwner for JitCode {
    unsafe fn free(self: Box<Self>) {
        // SAFETY: the caller's promise.
        unsafe { self.0.free() }
    }
}

fn code_module(mut hot: HotModule) -> CodeModule {
    CodeModule {
        setup: hot.setup,
        functions: std::mem::take(&mut hot.functions),
        variables: std::mem::take(&mut hot.variables),
        slot_patches: std::mem::take(&mut hot.slot_patches),
        structs: std::mem::take(&mut hot.structs),
        defaults: std::mem::take(&mut hot.defaults),
        enums: std::mem::take(&mut hot.enums),
        code_range: hot.code_range,
        owner: Box::new(JitCode(hot)),
    }
}

/// Set by an embedded engine's producer: its host calls functions by name (`Engine::call`),
/// so every function is a root and all are compiled. One engine per process.
pub(super) static HOST_CALLS_ANY_FUNCTION: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The snapshot of a compiled version. A reload diffs the new version against the running
/// one's snapshot, so it makes its own before planning; the first version needs none to be
/// planned, and its snapshot (72 ms at 100,000 lines) is made after the version was handed
/// over (`into_snapshot`), off the way from `lang run --hmr` to the program's first output.
pub enum NextSnapshot {
    /// Made before planning.
    Made(Snapshot),
    /// To make from this checked program, with the functions the version compiled.
    Deferred {
        checked: Box<CheckedProgram>,
        compiled: super::snapshot::CompiledFunctions,
    },
}

impl NextSnapshot {
    /// The snapshot, made now if it was deferred (then dropping the checked program).
    pub fn into_snapshot(self) -> Snapshot {
        match self {
            NextSnapshot::Made(snapshot) => snapshot,
            NextSnapshot::Deferred { checked, compiled } => {
                let started = Instant::now();
                let mut snapshot = snapshot(&checked);
                snapshot.compiled = compiled;
                if debug_enabled() {
                    eprintln!(
                        "[hmr] first snapshot (made after the start): {:.1} ms, signatures of {} of {} modules",
                        started.elapsed().as_secs_f64() * 1000.0,
                        super::snapshot::last_signatures_recomputed(),
                        checked.program.modules.len()
                    );
                }
                snapshot
            }
        }
    }
}

/// The files of the program, as `Snapshot::files` lists them (for the watcher, before the
/// snapshot is made).
pub fn program_files(next: &NextSnapshot) -> Vec<PathBuf> {
    match next {
        NextSnapshot::Made(snapshot) => snapshot.files.clone(),
        NextSnapshot::Deferred { checked, .. } => super::snapshot::files_of(checked),
    }
}

/// Why a new version was not produced.
pub enum Rejected {
    /// Compile errors (already rendered).
    Errors(String),
    /// Something a reload cannot do yet, explained.
    Unsupported(String),
}

/// A struct field's type as the user wrote it (`Point`, where layouts say `main.Point`).
fn shown_field_type(checked: &CheckedProgram, module: &str, strukt: &str, field: &str) -> Option<String> {
    let (_, field) = field_info(checked, module, strukt, field)?;
    Some(checked.items.display(&field.ty))
}

/// The declaration of field `field` of struct `strukt` of `module` (or of a payload variant's
/// hidden struct `Enum.Variant`), with the file it is in.
fn field_info<'a>(
    checked: &'a CheckedProgram,
    module: &str,
    strukt: &str,
    field: &str,
) -> Option<(lang_compiler::FileId, &'a lang_compiler::sema::types::FieldInfo)> {
    if let Some((enum_name, variant)) = strukt.split_once('.') {
        let info = checked
            .items
            .enums
            .iter()
            .find(|info| checked.program.module(info.module).name == module && info.name == enum_name)?;
        let variant = info.variants.iter().find(|candidate| candidate.name == variant)?;
        let field = variant.fields.iter().find(|candidate| candidate.name == field)?;
        return Some((checked.program.module(info.module).file, field));
    }
    let info = checked
        .items
        .structs
        .iter()
        .find(|info| checked.program.module(info.module).name == module && info.name == strukt)?;
    let field = info.fields.iter().find(|candidate| candidate.name == field)?;
    Some((info.file, field))
}

/// Where the field a refused migration needs a default for is declared, as compile errors
/// show it (LANGUAGE.md section 6: file, line, column and an excerpt of the source):
/// `  --> main.ln:4:5`, the line, and a caret under the field's name.
fn field_excerpt(checked: &CheckedProgram, module: &str, strukt: &str, field: &str) -> Option<String> {
    let (file, field) = field_info(checked, module, strukt, field)?;
    let source = checked.sources.get(file);
    let start = (field.span.start as usize).min(source.text.len());
    let line_start = source.text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = source.text[start..]
        .find('\n')
        .map_or(source.text.len(), |at| start + at);
    let line_number = source.text[..start].matches('\n').count() + 1;
    let column = source.text[line_start..start].chars().count() + 1;
    let line_text = &source.text[line_start..line_end];
    let width = line_number.to_string().len();
    let carets = "^".repeat(field.name.chars().count().max(1));
    let margin = " ".repeat(width);
    let indent = " ".repeat(column - 1);
    Some(format!(
        "{margin}--> {}:{line_number}:{column}\n{margin} |\n{line_number} | {line_text}\n{margin} | {indent}{carets}\n",
        source.display_name
    ))
}

/// `LANG_HMR_DEBUG=1` prints which modules each version checked again (`[hmr] checked:
/// NAME`) and how long its stages took: what a reload costs is meant to follow what changed.
fn debug_enabled() -> bool {
    std::env::var_os("LANG_HMR_DEBUG").is_some_and(|value| !value.is_empty() && value != "0")
}

fn color() -> bool {
    use std::io::IsTerminal;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    !no_color && std::io::stderr().is_terminal()
}

/// Checks and compiles the program at `root`. With a previous snapshot, only modules that
/// changed (and dependents of changed interfaces) are compiled.
/// The module files looked for and not found are left in `missing`. A parse cache (kept by a
/// compiler thread between checks) spares parsing files again that did not change. The
/// checked program is left in `retired`, for the caller to drop once the version is handed
/// over.
pub fn compile(
    root: &Path,
    registry: &Registry,
    symbols: &[(&str, *const u8)],
    previous: Option<&Snapshot>,
    started: Instant,
    missing: &mut Vec<PathBuf>,
    mut parse_cache: Option<&mut ParseCache>,
    retired: &mut Vec<CheckedProgram>,
) -> Result<(Ready, NextSnapshot), Rejected> {
    let debug = debug_enabled();
    let check_started = Instant::now();
    let mut loader = Loader::default();
    let checked = match parse_cache.as_deref_mut() {
        Some(parse_cache) => check_program_with_cache(root, &mut loader, parse_cache),
        None => check_program(root, &mut loader),
    };
    let check_time = check_started.elapsed();
    if debug && let Some(parse_cache) = &parse_cache {
        for name in parse_cache.last_checked() {
            eprintln!("[hmr] checked: {name}");
        }
        for name in parse_cache.last_interfaces_computed() {
            eprintln!("[hmr] interface computed: {name}");
        }
        if let (Some(collected), Ok(checked)) = (parse_cache.last_items_collected(), &checked) {
            let modules = checked.program.modules.len();
            eprintln!("[hmr] items collected: {collected} of {modules} modules");
        }
    }
    *missing = loader.missing;
    let checked = match checked {
        Ok(checked) => checked,
        Err(error) => return Err(Rejected::Errors(format!("error: {error}\n"))),
    };
    if checked.has_errors() || !checked.diagnostics.is_empty() {
        let text = diagnostics::render(&checked.diagnostics, &checked.sources, color());
        if checked.has_errors() {
            return Err(Rejected::Errors(text));
        }
        eprint!("{text}");
    }
    let snapshot_started = Instant::now();
    // The first version is planned without a snapshot (see `NextSnapshot`).
    let next = previous.map(|_| snapshot(&checked));
    let snapshot_time = snapshot_started.elapsed();
    if debug && parse_cache.is_some() && next.is_some() {
        eprintln!(
            "[hmr] signatures recomputed: {} of {} modules",
            super::snapshot::last_signatures_recomputed(),
            checked.program.modules.len()
        );
    }
    let compile_started = Instant::now();
    let names: Vec<String> = checked
        .program
        .modules
        .iter()
        .map(|module| module.name.clone())
        .collect();

    // `LANG_DUMP_ASM=1` prints the machine code of every compiled function, as in `lang run`.
    let dump_assembly = std::env::var_os("LANG_DUMP_ASM").is_some_and(|value| !value.is_empty() && value != "0");
    // The first compile of a session compiles every module: its modules are compiled on
    // several threads, a module to a thread at a time (`parallel`); a reload compiles a few
    // functions, where threads cost more than they save. Not through the compile cache: hot
    // code holds the addresses of this process's slots and cells as constants, so its entries
    // would never be found again and would only push `lang run`'s out of the cache.
    let module_threads = match previous {
        None => lang_compiler::sema::compile_threads(),
        Some(_) => 1,
    };
    let mut modules = Vec::new();
    // Only functions that can run are compiled, as in `lang run` (`plan::functions_to_compile`);
    // `LANG_COMPILE_ALL=1` compiles every function, as it does there, and so does an embedded
    // engine, whose host may call any function by name.
    let compile_all = std::env::var_os("LANG_COMPILE_ALL").is_some_and(|value| !value.is_empty() && value != "0")
        || HOST_CALLS_ANY_FUNCTION.load(std::sync::atomic::Ordering::Relaxed);
    // What the bodies refer to, made once and shared by the compiles of the version's modules.
    let analysis = ProgramAnalysis::of(&checked);
    let can_run = if compile_all {
        vec![true; checked.items.functions.len()]
    } else {
        analysis.functions_that_can_run(&checked)
    };
    let planned_modules = plan(&checked, previous, next.as_ref(), &can_run);
    let compiled = compiled_after(&checked, previous, &planned_modules);
    let compiled_count: usize = planned_modules.iter().map(|planned| planned.compile.len()).sum();
    let symbols = super::parallel::SharedSymbols(symbols);
    let body_threads = (module_threads / planned_modules.len().max(1)).max(1);
    let compiled_modules = super::parallel::compile_modules(planned_modules.len(), module_threads, |position| {
        let planned = &planned_modules[position];
        let module = ModuleId(planned.index as u32);
        let hot = HotModule::compile_with(
            &checked,
            HotTarget {
                module,
                linker: registry,
                functions: Some(&planned.compile),
            },
            symbols.get(),
            CodegenOptions {
                disassemble: dump_assembly,
                // One thread per module: the modules are the unit of parallel work, unless
                // there are fewer modules than threads (a one-file program, a benchmark),
                // whose bodies are then spread over the threads left.
                compile_threads: body_threads,
                // No code older than the first version exists to need its field defaults.
                hot_field_defaults: previous.is_some(),
                ..CodegenOptions::default()
            },
            Some(&analysis),
        )?;
        // With the module's function expressions (LANGUAGE.md section 10), whose slots are
        // named by their identities: one no longer there gets the stub, as a removed function.
        // Made here, on the module's thread: the type keys of a large program's functions
        // took ~2.5 ms on the way to the first output when made after the compile.
        let all_functions: Vec<(String, String)> = checked
            .items
            .functions
            .iter()
            .filter(|info| info.module == module)
            .map(|info| (info.name.clone(), checked.type_key(&info.ty())))
            .chain(checked.closure_identities(module))
            .collect();
        Ok((hot, all_functions))
    })
    .map_err(|error| Rejected::Errors(format!("error: internal compiler error: {error}\n")))?;
    for (planned, (hot, all_functions)) in planned_modules.into_iter().zip(compiled_modules) {
        let PlannedModule {
            index,
            compile: _,
            changed_functions,
            removed_functions,
            source_changed,
            adds_code_only,
        } = planned;
        let module = ModuleId(index as u32);
        let name = names[index].clone();
        if dump_assembly {
            eprint!("{}", hot.disassembly);
        }
        let display_name = checked
            .sources
            .get(checked.program.module(module).file)
            .display_name
            .clone();
        modules.push(ModuleUpdate {
            name,
            display_name,
            hot: code_module(hot),
            changed_functions,
            removed_functions,
            all_functions,
            source_changed,
            adds_code_only,
            library: None,
        });
    }
    // A struct whose fields changed is migrated at the swap: every field that is new, or whose
    // type changed, needs a default to give its existing instances.
    if let Some(missing) = field_without_default(registry, &modules) {
        let shown_type = shown_field_type(&checked, &missing.module, &missing.strukt, &missing.field)
            .unwrap_or_else(|| missing.type_key.clone());
        for module in modules {
            // SAFETY: nothing was patched to point into the new code, and none of it ran.
            unsafe { module.hot.free() };
        }
        let mut message = missing.explain(&shown_type, "save again");
        if let Some(excerpt) = field_excerpt(&checked, &missing.module, &missing.strukt, &missing.field) {
            message.push('\n');
            message.push_str(excerpt.trim_end_matches('\n'));
        }
        return Err(Rejected::Unsupported(message));
    }
    // Variant numbers are hashes of names: two names sharing one would be confused.
    let enums = || {
        modules
            .iter()
            .map(|module| (module.name.as_str(), &module.hot.enums[..]))
    };
    if let Some(collision) = registry.number_collision(enums()) {
        let message = collision.explain("save again");
        for module in modules {
            // SAFETY: nothing was patched to point into the new code, and none of it ran.
            unsafe { module.hot.free() };
        }
        return Err(Rejected::Unsupported(message));
    }
    registry.register_enums(enums());
    if debug {
        eprintln!(
            "[hmr] timing: check {:.1} ms, snapshot {:.1} ms, plan and compile {:.1} ms ({} modules, {} functions)",
            check_time.as_secs_f64() * 1000.0,
            snapshot_time.as_secs_f64() * 1000.0,
            compile_started.elapsed().as_secs_f64() * 1000.0,
            modules.len(),
            compiled_count
        );
    }
    let main_module = names.first().cloned().unwrap_or_default();
    let main_changed = previous.is_some_and(|previous| {
        next.as_ref()
            .is_some_and(|next| previous.function(&main_module, "main") != next.function(&main_module, "main"))
    });
    let order = checked
        .program
        .initialization_order()
        .into_iter()
        .map(|module| names[module.0 as usize].clone())
        .collect();
    // Dropping the program's tables is left to the caller, after the new version is handed
    // over: freeing them is not on the way from a save to its output.
    let next = match next {
        Some(mut next) => {
            next.compiled = compiled;
            retired.push(checked);
            NextSnapshot::Made(next)
        }
        None => NextSnapshot::Deferred {
            checked: Box::new(checked),
            compiled,
        },
    };
    Ok((
        Ready {
            modules,
            order,
            main_module,
            main_changed,
            started,
            migration_scratch: Vec::new(),
        },
        next,
    ))
}
