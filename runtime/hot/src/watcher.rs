//! Watching the program's source files (and a build's folder) with notify — the only place
//! notify is used.
//!
//! The folders of the files are watched, not the files: editors that save by writing a
//! temporary file and renaming it over the original (vim, VS Code, JetBrains), `sed -i`, and
//! delete-then-recreate all replace the file's inode, and a watch on the old inode would go
//! silent. Every event that touches a `.ln` file is passed on; the compiler thread reacts to
//! the first and coalesces the rest (`wait_for_save_to_end`): the events of one save, and the
//! saves of a burst.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
#[cfg(feature = "jit")]
use std::sync::mpsc::Receiver;
use std::sync::mpsc::Sender;
#[cfg(feature = "jit")]
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

pub struct Watcher {
    watcher: RecommendedWatcher,
    folders: HashSet<PathBuf>,
}

#[cfg(feature = "jit")]
fn is_source(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "ln")
}

impl Watcher {
    /// Sends `true` for an event that ends a save (the writer closed the file, or a file was
    /// renamed into place or removed) and `false` for one in the middle of a save (created,
    /// truncated, written).
    #[cfg(feature = "jit")]
    pub fn new(events: Sender<bool>) -> notify::Result<Watcher> {
        Watcher::filtered(events, is_source)
    }

    /// Watches `folder` (a build's folder) for changes of its files: the manifest and the
    /// build status, which the builder renames into place, and the libraries, which a build
    /// that stopped half-way or a corruption may change without a new manifest. The builder's
    /// temporary files (named `.NAME.PID.tmp`) do not count until renamed into place.
    pub fn for_folder(folder: &Path, events: Sender<bool>) -> notify::Result<Watcher> {
        let mut watcher = Watcher::filtered(events, move |path: &Path| {
            path.file_name()
                .is_some_and(|file| !file.as_encoded_bytes().starts_with(b"."))
        })?;
        watcher.watcher.watch(folder, RecursiveMode::NonRecursive)?;
        watcher.folders.insert(folder.to_path_buf());
        Ok(watcher)
    }

    fn filtered(events: Sender<bool>, wanted: impl Fn(&Path) -> bool + Send + 'static) -> notify::Result<Watcher> {
        use notify::event::{AccessKind, AccessMode, ModifyKind};
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            let complete = match event.kind {
                EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(true),
                EventKind::Access(_) => None,
                EventKind::Modify(ModifyKind::Name(_)) | EventKind::Remove(_) => Some(true),
                _ => Some(false),
            };
            if let Some(complete) = complete
                && event.paths.iter().any(|path| wanted(path))
            {
                let _ = events.send(complete);
            }
        })?;
        Ok(Watcher {
            watcher,
            folders: HashSet::new(),
        })
    }

    /// Watches the folder of each file (once); a newly imported file's folder is added by
    /// calling this again with the new file list.
    #[cfg(feature = "jit")]
    pub fn watch_files(&mut self, files: &[PathBuf]) {
        for file in files {
            let folder = match file.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            };
            if self.folders.insert(folder.clone())
                && let Err(error) = self.watcher.watch(&folder, RecursiveMode::NonRecursive)
            {
                crate::session::say(format!("[hmr] cannot watch {}: {error}\n", folder.display()));
            }
        }
    }
}

/// Whether a save whose first event came at `started` belongs to a burst, the previous
/// compile having ended at `last_compiled`: saves that keep coming (a script, a formatter,
/// an editor saving on every keystroke) are coalesced, a lone save is compiled at once.
#[cfg(feature = "jit")]
pub fn is_burst(last_compiled: Instant, started: Instant) -> bool {
    started.saturating_duration_since(last_compiled) < BURST_WINDOW
}

/// Waits until the save whose first event (`complete`: the writer closed the file) arrived at
/// `started` is over, and the burst it belongs to when `in_burst`; then drops the events
/// queued meanwhile.
#[cfg(feature = "jit")]
pub fn wait_for_save_to_end(events: &Receiver<bool>, started: Instant, mut complete: bool, in_burst: bool) {
    // React at once to the end of a save; in the middle of one (an in-place write has
    // truncated the file, or written part of it), wait for the writer to close it. Every
    // writer closes the file when done, so this costs nothing on an ordinary save; the
    // limit only matters for an event that no close follows (a change of permissions).
    let deadline = started + MID_SAVE_WAIT;
    while !complete {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(event) => complete = event,
            Err(_) => break,
        }
    }
    // Saves that came while the previous version was compiled, or soon after it, are a burst
    // (a script or a formatter saving many times): wait until they stop, so that a burst gives
    // a few reloads, the last version winning (LANGUAGE.md section 7 item 9). A lone save is
    // compiled at once: a fixed debounce would cost its whole length on every save.
    if in_burst {
        let burst_deadline = started + BURST_LIMIT;
        while events.recv_timeout(BURST_QUIET).is_ok() {
            if Instant::now() >= burst_deadline {
                break;
            }
        }
    }
    // Every event queued meanwhile belongs to the same save.
    while events.try_recv().is_ok() {}
}

/// How long to wait for the writer to close a file it is writing.
#[cfg(feature = "jit")]
const MID_SAVE_WAIT: Duration = Duration::from_millis(1000);

/// A save that comes this soon after the previous compile ended belongs to a burst... Short,
/// because a person who saves, looks at the new output and saves again is not a burst: each of
/// those saves must reload at once (LANGUAGE.md section 7 item 14). A script or an editor
/// saving on every keystroke (30 saves a second and more) saves again within it.
#[cfg(feature = "jit")]
const BURST_WINDOW: Duration = Duration::from_millis(45);
/// ...which is compiled once no save came for this long...
#[cfg(feature = "jit")]
const BURST_QUIET: Duration = Duration::from_millis(100);
/// ...or after this long, so that saving without pause still shows progress.
#[cfg(feature = "jit")]
const BURST_LIMIT: Duration = Duration::from_millis(1000);
