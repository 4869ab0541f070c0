//! `lang build --hmr FILE.ln [-o OUT] [--watch]`: a host executable `OUT` (the runtime, the
//! hot-reload session and the library loader, without the compiler) and one shared library
//! per source module in `OUT.modules/`, which a running `OUT` loads again whenever a new build
//! lands there.
//!
//! A build is all-or-nothing for the running host: every library is written first (each by
//! rename, and only when its content changed), then the manifest naming them all with their
//! content hashes, last, by rename. The host applies a build only when every library matches
//! the manifest (see `runtime/hot/src/library/`). Every build also writes how it ended into
//! `OUT.modules/build-status`, so that a running host reports a failed build. `--watch`
//! compiles again only the modules whose source changed and those importing a changed
//! interface.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lang_compiler::codegen::library::{abi_hash, compile_library};
use lang_compiler::sema::ModuleId;
use lang_runtime_hot::library::{
    BUILD_STATUS, MANIFEST, Manifest, ManifestModule, content_hash, modules_folder, render_build_status,
};

use super::build::{SYSTEM_LIBRARIES, TempFolder, c_compiler, run_c_compiler, spawn_c_compiler, wait_c_compiler};
use super::build_state::{self, Previous};
use super::{EXIT_COMPILE_ERROR, EXIT_INTERNAL_ERROR, EXIT_USAGE};
use crate::cli::{Emit, OptLevelArgument};
use crate::output;

/// The host as a static library, with its C `main`.
static HOST_LIBRARY: &[u8] = include_bytes!(env!("LANG_HMR_HOST_STATICLIB"));

/// The hash of the host library, which identifies the `lang` that builds (computed once).
fn host_stamp() -> u64 {
    static STAMP: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *STAMP.get_or_init(|| content_hash(HOST_LIBRARY))
}

/// Next to the libraries: which host library `OUT` was linked from, so that a rebuild links
/// the host again only when `lang` itself changed.
const HOST_STAMP: &str = "host.stamp";

pub fn run(file: &Path, output: Option<PathBuf>, emit: Emit, opt_level: OptLevelArgument, watch: bool) -> u8 {
    if emit == Emit::Obj {
        output::print_error("`--emit obj` is for `lang build --release`; `--hmr` builds an executable and libraries");
        return EXIT_USAGE;
    }
    let stem = file
        .file_stem()
        .map_or_else(|| "program".into(), |stem| stem.to_string_lossy().into_owned());
    let target = output.unwrap_or_else(|| PathBuf::from(&stem));
    if let Err(code) = super::refuse_to_overwrite_source(file, &target) {
        return code;
    }
    let outcome = build_and_record(file, &target, opt_level, None);
    if !watch {
        return match outcome {
            Ok(_) => 0,
            Err(code) => code,
        };
    }
    watch_and_build(file, &target, opt_level, outcome.ok())
}

/// What a build produced.
struct Built {
    /// The program's source files, to watch.
    sources: Vec<PathBuf>,
    /// The hash of each source's text as this build compiled it, in the order of `sources`:
    /// a save that landed during the build differs from it and gets its own build.
    compiled: Vec<u64>,
    /// The modules compiled by this build (all of them, unless it follows another one).
    rebuilt: Vec<String>,
    /// The libraries whose content changed.
    changed: Vec<String>,
    modules: usize,
    /// What the next build of `--watch` compares with, to rebuild only what changed.
    previous: Previous,
}

/// Why a build failed: the exit code, and the report for a running host (uncolored).
type Failure = (u8, String);

/// Builds once and records how it ended in the build's status file, which a running host
/// watches to report a failed build (LANGUAGE.md section 8). On failure, the diagnostics or
/// error were printed and the exit code is returned.
fn build_and_record(
    file: &Path,
    target: &Path,
    opt_level: OptLevelArgument,
    previous: Option<&Previous>,
) -> Result<Built, u8> {
    let outcome = build(file, target, opt_level, previous);
    let folder = modules_folder(target);
    if folder.is_dir() {
        let status = render_build_status(outcome.as_ref().err().map(|(_, report)| report.as_str()));
        // Only a host could miss it; the builder's own output said what happened.
        let _ = write_by_rename(&folder.join(BUILD_STATUS), status.as_bytes());
    }
    outcome.map_err(|(code, _)| code)
}

/// Checks the program, printing its diagnostics.
fn check(file: &Path) -> Result<lang_compiler::CheckedProgram, Failure> {
    let checked = match lang_compiler::check_program(file, &mut lang_compiler::FileSystemLoader) {
        Ok(checked) => checked,
        Err(error) => {
            let message = error.to_string();
            output::print_error(&message);
            return Err((EXIT_COMPILE_ERROR, format!("error: {message}\n")));
        }
    };
    output::print_diagnostics(&checked.diagnostics, &checked.sources);
    if checked.has_errors() {
        let report = lang_compiler::diagnostics::render(&checked.diagnostics, &checked.sources, false);
        return Err((EXIT_COMPILE_ERROR, report));
    }
    Ok(checked)
}

/// Builds once; on failure, the diagnostics or error were printed. After `previous`, only
/// the modules whose source changed, or that import a changed interface, are compiled again;
/// the others keep their libraries (when these are still what that build wrote).
fn build(
    file: &Path,
    target: &Path,
    opt_level: OptLevelArgument,
    previous: Option<&Previous>,
) -> Result<Built, Failure> {
    let checked = check(file)?;
    let folder = modules_folder(target);
    // Without a build in memory (`--watch`), the one recorded in the folder, if any.
    let stored = match previous {
        Some(_) => None,
        None => build_state::load(&folder, host_stamp()),
    };
    let previous = previous.or(stored.as_ref());
    let fail = |message: String| {
        output::print_error(&message);
        (EXIT_COMPILE_ERROR, format!("error: {message}\n"))
    };
    std::fs::create_dir_all(&folder).map_err(|error| fail(format!("cannot create `{}`: {error}", folder.display())))?;
    link_host(target, &folder).map_err(fail)?;

    let snapshot = lang_runtime_hot::rebuild::snapshot(&checked);
    let modules = &checked.program.modules;
    let mut compile: Vec<bool> = vec![previous.is_none(); modules.len()];
    if let Some(previous) = previous {
        for index in lang_runtime_hot::rebuild::modules_to_rebuild(&checked, &previous.snapshot, &snapshot) {
            compile[index] = true;
        }
        // A library that is no longer what the previous build wrote (deleted, or changed by
        // hand) is built again too.
        for (index, module) in modules.iter().enumerate() {
            let intact = previous.entries.get(&module.name).is_some_and(|entry| {
                std::fs::read(folder.join(&entry.file)).is_ok_and(|bytes| content_hash(&bytes) == entry.content_hash)
            });
            if !intact {
                compile[index] = true;
            }
        }
    }

    // Every module to compile: its object, linked into a shared library by `cc -shared`, all
    // at once.
    let temp = TempFolder::new().map_err(fail)?;
    let mut links = Vec::new();
    for (index, module) in modules.iter().enumerate() {
        if !compile[index] {
            continue;
        }
        let object = compile_library(&checked, ModuleId(index as u32), opt_level.into()).map_err(|error| {
            output::print_internal_error(&error.to_string());
            (
                EXIT_INTERNAL_ERROR,
                format!("error: internal compiler error: {error}\n"),
            )
        })?;
        let file_name = library_file_name(&module.name);
        let object_path = temp.0.join(format!("{file_name}.o"));
        let library_path = temp.0.join(&file_name);
        std::fs::write(&object_path, object).map_err(|error| fail(format!("cannot write the object file: {error}")))?;
        let mut command = c_compiler();
        // `-z defs`: a library must not need anything from the host (it reaches the runtime
        // through its import table).
        command
            .arg("-shared")
            .arg("-o")
            .arg(&library_path)
            .arg(&object_path)
            .arg("-Wl,-z,defs");
        links.push((index, file_name, library_path, spawn_c_compiler(command).map_err(fail)?));
    }
    // Every library is linked before any is written: the libraries and the manifest land
    // together, so a running host never sees a library that does not match the manifest
    // for longer than it takes to rename them.
    let mut linked = HashMap::new();
    for (index, file_name, library_path, child) in links {
        wait_c_compiler(child).map_err(fail)?;
        let bytes = std::fs::read(&library_path).map_err(|error| fail(format!("cannot read the library: {error}")))?;
        linked.insert(index, (file_name, bytes));
    }
    let mut entries = Vec::new();
    let mut rebuilt = Vec::new();
    let mut changed = Vec::new();
    for (index, module) in modules.iter().enumerate() {
        let source_hash = snapshot.source_tokens.get(&module.name).copied().unwrap_or_default();
        let Some((file_name, bytes)) = linked.remove(&index) else {
            // Not compiled: the previous build's library is still right.
            if let Some(entry) = previous.and_then(|previous| previous.entries.get(&module.name)) {
                entries.push(ManifestModule {
                    source_hash,
                    ..entry.clone()
                });
            }
            continue;
        };
        rebuilt.push(module.name.clone());
        let hash = content_hash(&bytes);
        let destination = folder.join(&file_name);
        let unchanged = std::fs::read(&destination).is_ok_and(|existing| content_hash(&existing) == hash);
        if !unchanged {
            write_by_rename(&destination, &bytes).map_err(fail)?;
            changed.push(file_name.clone());
        }
        entries.push(ManifestModule {
            name: module.name.clone(),
            file: file_name,
            content_hash: hash,
            source_hash,
        });
    }
    let order = checked
        .program
        .initialization_order()
        .into_iter()
        .map(|module| checked.program.module(module).name.clone())
        .collect();
    let manifest = Manifest {
        abi: abi_hash(),
        main: modules.first().map(|module| module.name.clone()).unwrap_or_default(),
        order,
        modules: entries,
    };
    // Last: the manifest that makes the build visible to a running host.
    let manifest_text = manifest.render();
    write_by_rename(&folder.join(MANIFEST), manifest_text.as_bytes()).map_err(fail)?;
    build_state::save(&folder, host_stamp(), &manifest_text, &snapshot);
    let (sources, compiled) = modules
        .iter()
        .filter_map(|module| {
            let source = checked.sources.get(module.file);
            match &source.origin {
                lang_compiler::source::SourceOrigin::File(path) => {
                    Some((path.clone(), content_hash(source.text.as_bytes())))
                }
                _ => None,
            }
        })
        .unzip();
    let entries = manifest
        .modules
        .into_iter()
        .map(|entry| (entry.name.clone(), entry))
        .collect();
    Ok(Built {
        sources,
        compiled,
        rebuilt,
        changed,
        modules: modules.len(),
        previous: Previous { snapshot, entries },
    })
}

/// A module's library file name (module names are identifiers; keep it that way on disk).
fn library_file_name(module: &str) -> String {
    let safe: String = module
        .chars()
        .map(|character| {
            if character.is_alphanumeric() || character == '_' {
                character
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.so")
}

/// Writes `bytes` to `path` through a temporary file in the same folder renamed over it, so
/// a reader sees the old file or the new one, never a part.
fn write_by_rename(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|error| {
            let _ = std::fs::remove_file(&temporary);
            format!("cannot write `{}`: {error}", path.display())
        })
}

/// Links the host executable at `target`, unless it is there already, linked from the same
/// host library. A running host is replaced by rename, so it keeps running.
fn link_host(target: &Path, folder: &Path) -> Result<(), String> {
    let stamp = format!("{:016x}\n", host_stamp());
    let stamp_path = folder.join(HOST_STAMP);
    if target.is_file() && std::fs::read_to_string(&stamp_path).is_ok_and(|existing| existing == stamp) {
        return Ok(());
    }
    let temp = TempFolder::new()?;
    let library_path = temp.0.join("liblang_hmr_host.a");
    std::fs::write(&library_path, HOST_LIBRARY).map_err(|error| format!("cannot write the host library: {error}"))?;
    let name = target
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let linked = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut command = c_compiler();
    command
        .arg("-o")
        .arg(&linked)
        .arg(&library_path)
        .args(SYSTEM_LIBRARIES)
        .arg("-Wl,--gc-sections");
    if let Err(message) = run_c_compiler(command) {
        let _ = std::fs::remove_file(&linked);
        return Err(message);
    }
    std::fs::rename(&linked, target).map_err(|error| {
        let _ = std::fs::remove_file(&linked);
        format!("cannot write `{}`: {error}", target.display())
    })?;
    write_by_rename(&stamp_path, stamp.as_bytes())
}

/// `--watch`: builds again on every save of a source file, until Ctrl-C.
fn watch_and_build(file: &Path, target: &Path, opt_level: OptLevelArgument, first: Option<Built>) -> u8 {
    lang_runtime_core::signals::install_interrupt_handler();
    let (sender, events) = std::sync::mpsc::channel::<bool>();
    let mut watcher = match lang_runtime_hot::watcher::Watcher::new(sender) {
        Ok(watcher) => watcher,
        Err(error) => {
            output::print_error(&format!("cannot watch the program's files: {error}"));
            return EXIT_INTERNAL_ERROR;
        }
    };
    watcher.watch_files(std::slice::from_ref(&file.to_path_buf()));
    let mut sources = vec![file.to_path_buf()];
    if let Some(built) = &first {
        report(target, built, None);
        sources = built.sources.clone();
        watcher.watch_files(&sources);
    }
    eprintln!("[build] watching for changes; Ctrl-C to stop");
    let mut last = match &first {
        Some(built) => Some(built.compiled.clone()),
        None => hashes(&sources),
    };
    let mut previous = first.map(|built| built.previous);
    while let Ok(mut complete) = events.recv() {
        let started = Instant::now();
        let deadline = started + Duration::from_millis(100);
        while !complete {
            match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(event) => complete = event,
                Err(_) => break,
            }
        }
        while events.try_recv().is_ok() {}
        let now = hashes(&sources);
        if now.is_none() || now == last {
            continue;
        }
        last = now;
        match build_and_record(file, target, opt_level, previous.as_ref()) {
            Ok(built) => {
                report(target, &built, Some(started));
                sources = built.sources.clone();
                watcher.watch_files(&sources);
                last = Some(built.compiled.clone());
                previous = Some(built.previous);
            }
            Err(_) => eprintln!("[build] build failed; a running {} keeps its version", target.display()),
        }
    }
    0
}

fn hashes(files: &[PathBuf]) -> Option<Vec<u64>> {
    files
        .iter()
        .map(|path| std::fs::read(path).ok().map(|bytes| content_hash(&bytes)))
        .collect()
}

/// The builder's line for a build: the modules it compiled (`rebuilt: main`) and the
/// libraries whose content changed (`changed: main.so`).
fn report(target: &Path, built: &Built, started: Option<Instant>) {
    let list = |names: &[String]| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    let changed = format!("rebuilt: {}; changed: {}", list(&built.rebuilt), list(&built.changed));
    let elapsed = started.map_or_else(String::new, |started| {
        format!(" in {:.0} ms", started.elapsed().as_secs_f64() * 1000.0)
    });
    eprintln!(
        "[build] built {} ({} module{}; {changed}){elapsed}",
        target.display(),
        built.modules,
        if built.modules == 1 { "" } else { "s" }
    );
}
