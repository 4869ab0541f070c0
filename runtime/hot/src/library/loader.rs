//! The loader thread of a `lang build --hmr` host: it watches the build's folder, reads each
//! new build, loads the libraries whose content changed, and hands the result to the session
//! as a new version (the producer protocol of `session/producer.rs`), remembering what runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use lang_abi::manifest::Manifest;

use super::folder::{BuildStatus, FolderWatch};
use super::link::load_library;
use super::manifest::{read_build, read_libraries, read_manifest};
use crate::code::{ModuleUpdate, Ready};
use crate::session::Producer;

/// What is known about the running version of one module: its library's hash and metadata.
struct RunningModule {
    hash: u64,
    /// The hash of its source's tokens, from the manifest.
    source_hash: u64,
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
    let watcher = match crate::watcher::Watcher::for_folder(&folder, sender) {
        Ok(watcher) => Some(watcher),
        // Without the folder there is no build either: the first load says so.
        Err(_) if !folder.is_dir() => None,
        Err(error) => {
            crate::session::say(format!(
                "[hmr] cannot watch {}: {error}; new builds will not be loaded\n",
                folder.display()
            ));
            None
        }
    };
    let mut watch = FolderWatch::new(&folder);
    let mut running: HashMap<String, RunningModule> = HashMap::new();
    let first = read_build(&folder).and_then(|(manifest, libraries)| {
        load_build(&producer, &folder, &manifest, libraries, &mut running, Instant::now())
            .map(|ready| (manifest, ready))
    });
    let mut loader = match first {
        Ok((manifest, ready)) => {
            producer.start(Ok(ready));
            Loader {
                folder,
                running,
                running_manifest: manifest,
                previous_running: None,
                last_rejected: None,
                last_unreadable: None,
            }
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
    loop {
        let event = match watch.deadline() {
            Some(deadline) => events.recv_timeout(deadline.saturating_duration_since(Instant::now())),
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match event {
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => {
                if let Some(report) = watch.check_libraries() {
                    producer.reject(report);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let started = Instant::now();
        // A build writes its manifest last; events that came with it belong to it.
        std::thread::sleep(Duration::from_millis(2));
        while events.try_recv().is_ok() {}
        watch.changed(started);
        if loader.consider_build(&producer, started) {
            watch.build_loaded();
        }
        match watch.check_status() {
            Some(BuildStatus::Failed(report)) => producer.reject(report),
            Some(BuildStatus::Recovered(text)) => producer.inform(text),
            None => {}
        }
    }
}

/// What the loader knows of the builds it saw.
struct Loader {
    folder: PathBuf,
    running: HashMap<String, RunningModule>,
    running_manifest: Manifest,
    /// What ran before the version handed over last, in case it cannot be swapped in.
    previous_running: Option<HashMap<String, RunningModule>>,
    /// The last manifest whose build was rejected: it is reported once.
    last_rejected: Option<Manifest>,
    /// Why the last new manifest's libraries could not be read: reported once, but read
    /// again at the next change in the folder (the libraries may be fixed).
    last_unreadable: Option<String>,
}

impl Loader {
    /// Loads the build in the folder if its manifest is new, and hands it over. Whether a
    /// build was handed over.
    fn consider_build(&mut self, producer: &Producer, started: Instant) -> bool {
        // A manifest that cannot be read is reported by the next look (a half-written
        // folder, or one being removed, is not news until a manifest lands).
        let Ok(manifest) = read_manifest(&self.folder) else {
            return false;
        };
        if manifest == self.running_manifest || self.last_rejected.as_ref() == Some(&manifest) {
            // The libraries are compared with it once the folder settles (`FolderWatch`).
            return false;
        }
        let libraries = match read_libraries(&self.folder, &manifest) {
            Ok(libraries) => libraries,
            Err(message) => {
                if self.last_unreadable.as_ref() != Some(&message) {
                    producer.reject(format!(
                        "[hmr] build not loaded: {message}; still running the previous version\n"
                    ));
                    self.last_unreadable = Some(message);
                }
                return false;
            }
        };
        self.last_unreadable = None;
        producer.wait_until_taken();
        if producer.take_apply_failed()
            && let Some(previous) = self.previous_running.take()
        {
            self.running = previous;
        }
        let before = snapshot_running(&self.running);
        match load_build(producer, &self.folder, &manifest, libraries, &mut self.running, started) {
            Ok(ready) => {
                self.previous_running = Some(before);
                self.last_rejected = None;
                self.running_manifest = manifest;
                producer.publish(ready);
                true
            }
            Err(message) => {
                self.running = before;
                producer.reject(format!(
                    "[hmr] build rejected: {message}; still running the previous version\n"
                ));
                self.last_rejected = Some(manifest);
                false
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
                    source_hash: module.source_hash,
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
        // A module new in this build counts as changed, as under `lang run --hmr`.
        let source_changed = !first && old.is_none_or(|old| old.source_hash != entry.source_hash);
        new_running.push((
            name.clone(),
            RunningModule {
                hash: *hash,
                source_hash: entry.source_hash,
                functions,
                version,
            },
        ));
        modules.push(ModuleUpdate {
            changed_functions: if first { Vec::new() } else { changed },
            removed_functions: removed,
            library: Some(file.clone()),
            source_changed,
            adds_code_only: false,
            ..update
        });
    }
    if let Some(missing) = crate::session::field_without_default(registry, &modules) {
        unload(modules);
        return Err(missing.explain(&missing.type_key, "build again"));
    }
    // Variant numbers are hashes of names: two names sharing one would be confused.
    let enums = || {
        modules
            .iter()
            .map(|module| (module.name.as_str(), &module.hot.enums[..]))
    };
    if let Some(collision) = registry.number_collision(enums()) {
        let message = collision.explain("build again");
        unload(modules);
        return Err(message);
    }
    registry.register_enums(enums());
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
