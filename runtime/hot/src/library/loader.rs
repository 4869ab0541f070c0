//! The loader thread of a `lang build --hmr` host: it watches the build's folder, reads each
//! new build, loads the libraries whose content changed, and hands the result to the session
//! as a new version (the producer protocol of `session/producer.rs`), remembering what runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lang_abi::manifest::{MANIFEST, Manifest};

use super::link::load_library;
use super::manifest::read_build;
use crate::code::{ModuleUpdate, Ready};
use crate::session::Producer;

/// What is known about the running version of one module: its library's hash and metadata.
struct RunningModule {
    hash: u64,
    /// Function name -> (signature, token hash).
    functions: HashMap<String, (String, u64)>,
    version: u32,
}

/// Runs the program whose build lives in `folder`: the host's whole life. Returns the exit
/// code.
pub fn run_host(folder: PathBuf, args: Vec<String>) -> i32 {
    crate::session::run(args, move |producer| loader_thread(folder, producer))
}

fn loader_thread(folder: PathBuf, producer: Producer) {
    // Watch before the first load, so a build finished meanwhile is not missed.
    let (sender, events) = std::sync::mpsc::channel::<bool>();
    let watcher = match crate::watcher::Watcher::for_folder(&folder, MANIFEST, sender) {
        Ok(watcher) => Some(watcher),
        // Without the folder there is no build either: the first load says so.
        Err(_) if !folder.is_dir() => None,
        Err(error) => {
            eprintln!(
                "[hmr] cannot watch {}: {error}; new builds will not be loaded",
                folder.display()
            );
            None
        }
    };
    let mut running: HashMap<String, RunningModule> = HashMap::new();
    let first = read_build(&folder).and_then(|(manifest, libraries)| {
        load_build(&producer, &folder, &manifest, libraries, &mut running, Instant::now())
            .map(|ready| (manifest, ready))
    });
    let mut running_manifest = match first {
        Ok((manifest, ready)) => {
            producer.start(Ok(ready));
            manifest
        }
        Err(message) => {
            producer.start(Err(format!(
                "error: cannot load the program from {}: {message}\n",
                folder.display()
            )));
            return;
        }
    };
    let Some(_watcher) = watcher else { return };
    let mut previous_running: Option<HashMap<String, RunningModule>> = None;
    let mut last_rejected: Option<Manifest> = None;
    while events.recv().is_ok() {
        let started = Instant::now();
        // A build writes its manifest last; events that came with it belong to it.
        std::thread::sleep(Duration::from_millis(2));
        while events.try_recv().is_ok() {}
        let (manifest, libraries) = match read_build(&folder) {
            Ok(build) => build,
            Err(message) => {
                eprintln!("[hmr] build not loaded: {message}; still running the previous version");
                continue;
            }
        };
        if manifest == running_manifest || last_rejected.as_ref() == Some(&manifest) {
            continue;
        }
        producer.wait_until_taken();
        if producer.take_apply_failed()
            && let Some(previous) = previous_running.take()
        {
            running = previous;
        }
        let before = snapshot_running(&running);
        match load_build(&producer, &folder, &manifest, libraries, &mut running, started) {
            Ok(ready) => {
                previous_running = Some(before);
                last_rejected = None;
                running_manifest = manifest;
                producer.publish(ready);
            }
            Err(message) => {
                running = before;
                eprintln!("[hmr] build rejected: {message}; still running the previous version");
                last_rejected = Some(manifest);
            }
        }
    }
}

fn snapshot_running(running: &HashMap<String, RunningModule>) -> HashMap<String, RunningModule> {
    running
        .iter()
        .map(|(name, module)| {
            (
                name.clone(),
                RunningModule {
                    hash: module.hash,
                    functions: module.functions.clone(),
                    version: module.version,
                },
            )
        })
        .collect()
}

/// Loads the libraries of `manifest` whose content changed and makes them a version to swap
/// in. On error, every library loaded for it is unloaded again and `running` is unchanged
/// except for what the caller restores.
fn load_build(
    producer: &Producer,
    folder: &Path,
    manifest: &Manifest,
    libraries: Vec<Vec<u8>>,
    running: &mut HashMap<String, RunningModule>,
    started: Instant,
) -> Result<Ready, String> {
    let first = running.is_empty();
    let registry = producer.registry();
    let mut modules: Vec<ModuleUpdate> = Vec::new();
    let mut main_changed = false;
    let unload = |modules: Vec<ModuleUpdate>| {
        for module in modules {
            // SAFETY: nothing was patched to point into these libraries yet.
            unsafe { module.hot.free() };
        }
    };
    let mut new_running = Vec::new();
    for (entry, bytes) in manifest.modules.iter().zip(libraries) {
        let (name, file, hash) = (&entry.name, &entry.file, &entry.content_hash);
        if running.get(name).is_some_and(|module| module.hash == *hash) {
            continue;
        }
        let loaded = match load_library(registry, &bytes, name) {
            Ok(loaded) => loaded,
            Err(message) => {
                unload(modules);
                return Err(format!("{}: {message}", folder.join(file).display()));
            }
        };
        let (update, functions) = loaded;
        let old = running.get(name);
        let mut changed: Vec<String> = functions
            .iter()
            .filter(|(function, (_, token))| {
                old.is_none_or(|old| old.functions.get(*function).map(|entry| entry.1) != Some(*token))
            })
            .map(|(function, _)| function.clone())
            .collect();
        changed.sort();
        let mut removed: Vec<String> = old
            .map(|old| {
                old.functions
                    .keys()
                    .filter(|function| !functions.contains_key(*function))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        removed.sort();
        // Function expressions travel as functions named by their identities; the reload
        // message names the functions they are written in, as the JIT's does.
        let is_closure = |function: &String| function.starts_with("{closure");
        changed.retain(|function| !is_closure(function));
        removed.retain(|function| !is_closure(function));
        if !first && *name == manifest.main && changed.iter().any(|function| function == "main") {
            main_changed = true;
        }
        let version = old.map_or(1, |old| old.version + 1);
        new_running.push((
            name.clone(),
            RunningModule {
                hash: *hash,
                functions,
                version,
            },
        ));
        modules.push(ModuleUpdate {
            changed_functions: if first { Vec::new() } else { changed },
            removed_functions: removed,
            library: Some(file.clone()),
            ..update
        });
    }
    if let Some(missing) = crate::session::field_without_default(registry, &modules) {
        unload(modules);
        return Err(missing.explain(&missing.type_key, "build again"));
    }
    for (name, module) in new_running {
        running.insert(name, module);
    }
    Ok(Ready {
        modules,
        order: manifest.order.clone(),
        main_module: manifest.main.clone(),
        main_changed,
        started,
        migration_scratch: Vec::new(),
    })
}
