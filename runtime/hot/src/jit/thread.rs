//! The JIT producer's thread: compiles the first version, then watches the program's
//! folders and compiles a new version for each save, coalescing the events of one save and
//! the saves of a burst.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::compile::{Rejected, compile, program_files};
use super::snapshot::{Snapshot, file_hashes, hash_text};
use crate::session::{Producer, say, say_back_to_running};
use crate::watcher::{is_burst, wait_for_save_to_end};

/// The compiler thread: compiles the first version, then watches the program's folders and
/// compiles a new version for each save.
pub fn compiler_thread(root: PathBuf, producer: Producer) {
    // Each save checks the whole program again: unchanged files need not be parsed again.
    let mut parse_cache = lang_compiler::ParseCache::default();
    let registry = producer.registry();
    let symbols = crate::session::symbols();
    // The watcher is set up on a thread of its own while the first version compiles: watching
    // a folder costs the kernel a walk over the folder's cached entries, ~30 ms for a `/tmp`
    // that many programs wrote to, which was on the way to the first output. A save made while
    // the program starts up (even before its first line of output) is not missed: one that
    // came before the watch did is found by comparing the files with the texts compiled, the
    // first thing the reload loop does (`retry` below).
    let (sender, events) = std::sync::mpsc::channel::<bool>();
    let watch_root = root.clone();
    let watcher_setup = std::thread::Builder::new()
        .name("lang-hmr-watch".into())
        .spawn(move || {
            // A developer switch: the hot-reload tests make the watches come late, to check
            // that a save made before they exist is picked up.
            if let Some(delay) = std::env::var("LANG_HMR_WATCH_DELAY")
                .ok()
                .and_then(|value| value.parse::<u64>().ok())
            {
                std::thread::sleep(Duration::from_millis(delay));
            }
            let mut watcher = crate::watcher::Watcher::new(sender)?;
            watcher.watch_files(std::slice::from_ref(&watch_root));
            Ok::<_, notify::Error>(watcher)
        });
    let mut missing = Vec::new();
    let (first, next) = match compile(
        &root,
        registry,
        &symbols,
        None,
        Instant::now(),
        &mut missing,
        Some(&mut parse_cache),
        &mut Vec::new(),
    ) {
        Ok(result) => result,
        Err(Rejected::Errors(text)) => {
            producer.start(Err(text));
            return;
        }
        // (At the start only a variant-number collision, `Registry::number_collision`.)
        Err(Rejected::Unsupported(text)) => {
            producer.start(Err(format!("error: {text}\n")));
            return;
        }
    };
    producer.start(Ok(first));
    let watcher = match watcher_setup.map(|setup| setup.join()) {
        Ok(Ok(Ok(watcher))) => Ok(watcher),
        Ok(Ok(Err(error))) => Err(error.to_string()),
        Err(error) => Err(error.to_string()),
        Ok(Err(_)) => Err("the watcher's thread stopped".to_string()),
    };
    let mut watcher = match watcher {
        Ok(watcher) => watcher,
        Err(error) => {
            say(format!(
                "[hmr] cannot watch the program's files: {error}; hot reload is off\n"
            ));
            return;
        }
    };
    watcher.watch_files(&program_files(&next));
    watcher.watch_files(&missing);
    // Made once the script thread has taken the first version, while the program starts: no
    // reload can need it before (a save's events wait in the channel meanwhile, and a reload
    // waits for the version to be taken anyway). Not sooner: the snapshot's threads would
    // hold both cores of a small machine while the script thread is started and gets its
    // first turn, on the way to the program's first output.
    producer.wait_until_taken();
    let mut snapshot = next.into_snapshot();

    // Hashes of the texts that were compiled, not of the files now: a save that landed during
    // a compile differs from them and gets its own reload. The module files the compile did
    // not find count as missing (`MISSING`) until they appear.
    let with_missing = |mut hashes: Vec<u64>, missing: &[PathBuf]| {
        hashes.extend(missing.iter().map(|_| MISSING));
        hashes
    };
    let mut last_hashes = Some(with_missing(snapshot.compiled_hashes.clone(), &missing));
    let mut running_hashes = last_hashes.clone();
    let mut last_rejected = false;
    let mut versions: HashMap<String, u32> = HashMap::new();
    // The first turn compares the files with the texts compiled, without waiting for an
    // event: a save made before the watches were set up sent none.
    let mut retry = true;
    let mut previous_snapshot: Option<Snapshot> = None;
    // Whether saves came while the last version was compiled: a burst.
    let mut in_burst = false;
    // When the last compile ended.
    let mut last_compiled: Option<Instant> = None;
    loop {
        let mut complete = true;
        if !std::mem::take(&mut retry) {
            match events.recv() {
                Ok(event) => complete = event,
                Err(_) => break,
            }
        }
        let started = Instant::now();
        // A save soon after the last compile, or during it, is part of a burst.
        let burst = std::mem::take(&mut in_burst) || last_compiled.is_some_and(|last| is_burst(last, started));
        wait_for_save_to_end(&events, started, complete, burst);
        // A file of the running program may be missing (deleted, or mid-way through
        // delete-and-recreate). The program is compiled anyway, in case the new version no
        // longer needs it (a module renamed: the import changed, the old file deleted); if
        // the compile fails, nothing is reported and the current version keeps running
        // until the file is back (LANGUAGE.md section 7 item 9).
        let (hashes, file_missing) = match file_hashes(&snapshot.files) {
            Some(hashes) => (hashes, false),
            None => (with_present(Vec::new(), &snapshot.files), true),
        };
        let hashes = with_present(hashes, &missing);
        if Some(&hashes) == last_hashes.as_ref() {
            continue;
        }
        if Some(&hashes) == running_hashes.as_ref() {
            // Back to the text that runs (a rejected edit undone): nothing to compile.
            last_hashes = Some(hashes);
            if std::mem::take(&mut last_rejected) {
                say_back_to_running(format!(
                    "[hmr] back to the running version ({}); nothing to reload\n",
                    describe_versions(&snapshot, &versions)
                ));
            }
            continue;
        }
        last_hashes = Some(hashes);
        // Wait until the previous version was applied: each version is compiled against the
        // one that runs.
        producer.wait_until_taken();
        if producer.take_apply_failed()
            && let Some(previous) = previous_snapshot.take()
        {
            snapshot = previous;
            running_hashes = None;
        }
        let looked_for = missing.len();
        let mut retired = Vec::new();
        let result = compile(
            &root,
            registry,
            &symbols,
            Some(&snapshot),
            started,
            &mut missing,
            Some(&mut parse_cache),
            &mut retired,
        );
        watcher.watch_files(&missing);
        last_compiled = Some(Instant::now());
        if events.try_recv().is_ok() {
            // That save is compiled next (after the burst ends), without waiting for another.
            in_burst = true;
            retry = true;
        }
        match result {
            Ok((ready, next)) => {
                let next = next.into_snapshot();
                last_rejected = false;
                for module in &ready.modules {
                    *versions.entry(module.name.clone()).or_insert(1) += 1;
                }
                // Handed over first: what follows (dropping the last version's tables and
                // snapshot) is not on the way from the save to its output.
                producer.publish(ready);
                drop(retired);
                lang_compiler::codegen::drop_retired_references();
                drop(previous_snapshot.replace(std::mem::replace(&mut snapshot, next)));
                watcher.watch_files(&snapshot.files);
                last_hashes = Some(with_missing(snapshot.compiled_hashes.clone(), &missing));
                running_hashes = last_hashes.clone();
            }
            Err(rejected) => {
                // Compare the next save with what was just compiled: the same files, and the
                // module files this compile did not find.
                if let Some(hashes) = last_hashes.take() {
                    let files = hashes.len() - looked_for;
                    last_hashes = Some(with_missing(hashes[..files].to_vec(), &missing));
                }
                if file_missing {
                    // Most likely the missing file is still needed: wait for it quietly.
                    continue;
                }
                // A writer that pauses between truncating and writing the file (or an
                // editor writing in several steps) would be read half-written: if another
                // event follows soon, compile again instead of reporting this attempt.
                if in_burst || events.recv_timeout(Duration::from_millis(50)).is_ok() {
                    while events.try_recv().is_ok() {}
                    last_hashes = None;
                    retry = true;
                    continue;
                }
                last_rejected = true;
                let text = match rejected {
                    Rejected::Errors(text) => text,
                    Rejected::Unsupported(text) => format!("error: {text}\n"),
                };
                let running = describe_versions(&snapshot, &versions);
                producer.reject(format!("{text}[hmr] reload rejected; still running {running}\n"));
            }
        }
    }
    drop(watcher);
}

/// What stands for a module file that does not exist in a list of file hashes.
const MISSING: u64 = u64::MAX;

/// `hashes` followed by, for each file of `missing`, its hash if it exists now, or `MISSING`.
fn with_present(mut hashes: Vec<u64>, missing: &[PathBuf]) -> Vec<u64> {
    hashes.extend(missing.iter().map(|path| match std::fs::read(path) {
        Ok(bytes) => hash_text(&String::from_utf8_lossy(&bytes)),
        Err(_) => MISSING,
    }));
    hashes
}

fn describe_versions(snapshot: &Snapshot, versions: &HashMap<String, u32>) -> String {
    let mut names: Vec<&String> = snapshot.sources.keys().collect();
    names.sort();
    let parts: Vec<String> = names
        .iter()
        .filter(|name| {
            snapshot
                .files
                .iter()
                .any(|file| file.file_stem().is_some_and(|stem| stem == name.as_str()))
        })
        .map(|name| format!("{name}.ln v{}", versions.get(*name).copied().unwrap_or(1)))
        .collect();
    parts.join(", ")
}

/// The producer of an embedded engine: the first version, then (with `hmr`) a new version
/// for each save, which the host applies when it polls.
pub fn embedded_producer(root: PathBuf, producer: Producer, hmr: bool) {
    super::compile::HOST_CALLS_ANY_FUNCTION.store(true, std::sync::atomic::Ordering::Relaxed);
    if hmr {
        return compiler_thread(root, producer);
    }
    let symbols = crate::session::symbols();
    match compile(
        &root,
        producer.registry(),
        &symbols,
        None,
        Instant::now(),
        &mut Vec::new(),
        // One check: no trees to keep for a next one.
        None,
        &mut Vec::new(),
    ) {
        Ok((first, _)) => producer.start(Ok(first)),
        Err(Rejected::Errors(text) | Rejected::Unsupported(text)) => producer.start(Err(text)),
    }
}
