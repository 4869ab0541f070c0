//! Watching the program's source files (and a build's manifest) with notify — the only place
//! notify is used.
//!
//! The folders of the files are watched, not the files: editors that save by writing a
//! temporary file and renaming it over the original (vim, VS Code, JetBrains), `sed -i`, and
//! delete-then-recreate all replace the file's inode, and a watch on the old inode would go
//! silent. Every event that touches a `.ln` file is passed on; the compiler thread reacts to
//! the first and coalesces the rest.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

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

    /// Watches `folder` for saves of the file named `name` in it (a build's manifest, which
    /// the builder renames into place).
    pub fn for_folder(folder: &Path, name: &'static str, events: Sender<bool>) -> notify::Result<Watcher> {
        let mut watcher = Watcher::filtered(events, move |path: &Path| {
            path.file_name().is_some_and(|file| file == name)
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
