//! File stamps (size, inode, times), by which a file that did not change since it was read
//! is known without reading it again (as git's index does), and the kept texts of settled
//! files that the checks of a hot-reload session read.

use std::collections::HashMap;
use std::path::PathBuf;

/// What identifies one state of a file without reading it: its size, inode, modification and
/// status-change times.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct FileStamp {
    len: u64,
    inode: u64,
    modified: Option<std::time::SystemTime>,
    changed: (i64, i64),
}

impl FileStamp {
    pub(super) fn of(metadata: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        let (inode, changed) = {
            use std::os::unix::fs::MetadataExt;
            (metadata.ino(), (metadata.ctime(), metadata.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (inode, changed) = (0, (0, 0));
        FileStamp {
            len: metadata.len(),
            inode,
            modified: metadata.modified().ok(),
            changed,
        }
    }

    /// The latest time the stamp says the file was touched.
    pub(super) fn latest(&self) -> Option<std::time::SystemTime> {
        let changed = u64::try_from(self.changed.0).ok().map(|seconds| {
            std::time::UNIX_EPOCH + std::time::Duration::new(seconds, self.changed.1.clamp(0, 999_999_999) as u32)
        });
        match (self.modified, changed) {
            (Some(modified), Some(changed)) => Some(modified.max(changed)),
            (modified, changed) => modified.or(changed),
        }
    }
}

/// A file touched less than this long before it was read may be written again with the same
/// stamp (file systems keep times at a coarse granularity): its hash is not kept.
pub(super) const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);

std::thread_local! {
    /// Per file: its stamp and text when it was read, for files that had settled by then: a
    /// check reads every file of the program, and reading the unchanged ones from the disk
    /// again on each save would make a reload cost grow with the program.
    static SETTLED_TEXTS: std::cell::RefCell<HashMap<PathBuf, (FileStamp, std::sync::Arc<String>)>> =
        std::cell::RefCell::new(HashMap::new());
}

/// The text of the file at `path`: the one kept for its stamp, else `load()`'s (kept when the
/// file had settled and was not replaced while it was read, as in `file_hash`).
pub(super) fn load_text<E>(
    path: &std::path::Path,
    load: impl FnOnce() -> Result<String, E>,
) -> Result<std::sync::Arc<String>, E> {
    let stamp = std::fs::metadata(path).ok().map(|metadata| FileStamp::of(&metadata));
    if let Some(stamp) = stamp {
        let kept = SETTLED_TEXTS.with(|kept| {
            kept.borrow()
                .get(path)
                .filter(|(kept_stamp, _)| *kept_stamp == stamp)
                .map(|(_, text)| text.clone())
        });
        if let Some(text) = kept {
            return Ok(text);
        }
    }
    let read_at = std::time::SystemTime::now();
    let text = load().map(std::sync::Arc::new);
    let keep = match (&text, stamp) {
        (Ok(_), Some(stamp)) => {
            let settled = stamp
                .latest()
                .and_then(|latest| read_at.duration_since(latest).ok())
                .is_some_and(|age| age >= SETTLED);
            let unchanged = std::fs::metadata(path).is_ok_and(|after| FileStamp::of(&after) == stamp);
            (settled && unchanged).then_some(stamp)
        }
        _ => None,
    };
    SETTLED_TEXTS.with(|kept| {
        let mut kept = kept.borrow_mut();
        match (keep, &text) {
            (Some(stamp), Ok(text)) => {
                kept.insert(path.to_path_buf(), (stamp, text.clone()));
            }
            _ => {
                kept.remove(path);
            }
        }
    });
    text
}
