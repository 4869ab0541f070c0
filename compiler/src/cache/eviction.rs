//! Keeping the cache bounded: past its size limit, the least recently used entries (by file
//! time, which a hit renews) are removed until it is back under three quarters of the limit.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The default limit of the cache's size on disk.
pub const DEFAULT_SIZE_LIMIT: u64 = 256 << 20;

/// A temporary file older than this was left by a process that died while writing it.
const ABANDONED_TEMPORARY_AGE_SECONDS: u64 = 3600;

/// Removes the oldest entries under `code` while their total size exceeds `limit`. Another
/// process may be evicting or writing at the same time: a file that is already gone is
/// skipped, and a reader whose entry disappears only misses.
pub(super) fn evict(code: &Path, limit: u64) {
    let mut entries = entries(code);
    let mut total: u64 = entries.iter().map(|(_, size, _)| size).sum();
    if total <= limit {
        return;
    }
    entries.sort_by_key(|(modified, _, _)| *modified);
    let target = limit / 4 * 3;
    for (_, size, path) in entries {
        if total <= target {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(size);
        }
    }
}

/// Every entry file (time, size, path); abandoned temporary files are removed on the way.
fn entries(code: &Path) -> Vec<(SystemTime, u64, PathBuf)> {
    let mut found = Vec::new();
    let Ok(folders) = std::fs::read_dir(code) else {
        return found;
    };
    for folder in folders.flatten() {
        let Ok(files) = std::fs::read_dir(folder.path()) else {
            continue;
        };
        for file in files.flatten() {
            let Ok(metadata) = file.metadata() else {
                continue;
            };
            let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if file.file_name().to_string_lossy().starts_with(".tmp") {
                if modified
                    .elapsed()
                    .is_ok_and(|age| age.as_secs() > ABANDONED_TEMPORARY_AGE_SECONDS)
                {
                    let _ = std::fs::remove_file(file.path());
                }
                continue;
            }
            found.push((modified, metadata.len(), file.path()));
        }
    }
    found
}
