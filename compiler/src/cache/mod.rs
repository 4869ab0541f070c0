//! The on-disk compile cache: the machine code of compiled functions, kept under
//! `$XDG_CACHE_HOME/lang` (else `~/.cache/lang`) so that a second start of an unchanged or
//! partly edited program loads code instead of compiling it again.
//!
//! Keys come from Cranelift's incremental cache (`Context::compile_with_cache`): a SHA-256 of
//! the function's IR with its external names abstracted, the ISA and its flags, and
//! Cranelift's version. Each entry file also carries `lang`'s build (its version, the ABI hash
//! and the executable's size and time), so two builds of `lang` never share an entry.
//! The cache never changes behaviour: an entry is verified (magic, build, key, lengths and a
//! checksum) before use, and anything that does not verify is a miss, compiled and rewritten.
//! Writes go to a temporary file in the same folder and are renamed into place, so a reader
//! (another `lang` process) sees a whole entry or none.

mod entry;
mod eviction;
mod programs;

pub use programs::{ProgramIdentity, RecordingLoader};

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub use eviction::DEFAULT_SIZE_LIMIT;

/// A compile cache in one folder. Shared by the compiling threads (its methods take `&self`).
#[derive(Debug)]
pub struct CodeCache {
    /// The cache's root (`.../lang`); entries live in `code/` below it.
    directory: PathBuf,
    /// Identifies the build of `lang` that writes and reads entries.
    build: u64,
    /// The total size past which the least recently used entries are removed.
    size_limit: u64,
    wrote: AtomicBool,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl CodeCache {
    /// A cache rooted at `directory` (created on first write) for the build `build`.
    pub fn new(directory: PathBuf, build: u64, size_limit: u64) -> CodeCache {
        CodeCache {
            directory,
            build,
            size_limit,
            wrote: AtomicBool::new(false),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    /// The cache as the environment asks: off when `LANG_CACHE` is `0` (or `false`, `off`),
    /// off when no folder can be named; otherwise in [`default_directory`], for [`this_build`].
    pub fn from_environment() -> Option<CodeCache> {
        if !cache_enabled() {
            return None;
        }
        Some(CodeCache::new(default_directory()?, this_build(), DEFAULT_SIZE_LIMIT))
    }

    /// The folder of the cache.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// How many functions were loaded from the cache, and how many were compiled.
    pub fn statistics(&self) -> (usize, usize) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// The stored value for `key`, if there is a whole, verified entry.
    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let path = self.entry_path(key);
        let value = entry::read(&path, self.build, key);
        match value {
            Some(_) => self.hits.fetch_add(1, Ordering::Relaxed),
            None => self.misses.fetch_add(1, Ordering::Relaxed),
        };
        value
    }

    /// Stores `value` for `key`. Failing to write (a full disk, a read-only home) only means
    /// the next start compiles again, so errors are ignored.
    pub fn insert(&self, key: &[u8], value: &[u8]) {
        let path = self.entry_path(key);
        if entry::write(&path, self.build, key, value).is_ok() {
            self.wrote.store(true, Ordering::Relaxed);
        }
    }

    /// After a compile that wrote entries: removes the least recently used ones while the
    /// cache is over its size limit.
    pub fn evict_if_needed(&self) {
        if self.wrote.load(Ordering::Relaxed) {
            eviction::evict(&self.directory.join(CODE_FOLDER), self.size_limit);
        }
    }

    fn entry_path(&self, key: &[u8]) -> PathBuf {
        let name = hex(key);
        let (fan_out, _) = name.split_at(2.min(name.len()));
        self.directory
            .join(CODE_FOLDER)
            .join(fan_out)
            .join(format!("{name}-{:016x}", self.build))
    }
}

/// The folder below the cache's root that holds compiled code (so other kinds of entries can
/// come later without mixing).
const CODE_FOLDER: &str = "code";

/// Identifies this build of `lang`: its version, the ABI hash, and the size and time of the
/// running executable (a rebuild from changed sources is another build, even at the same
/// version). Entries are only read by the build that wrote them.
pub fn this_build() -> u64 {
    use std::hash::Hasher;
    let mut hasher = lang_abi::hash::StableHasher::new();
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.write_u64(lang_abi::metadata::abi_hash());
    if let Ok(metadata) = std::env::current_exe().and_then(std::fs::metadata) {
        hasher.write_u64(metadata.len());
        let modified = metadata.modified().ok();
        let since_epoch = modified.and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok());
        hasher.write_u128(since_epoch.map_or(0, |duration| duration.as_nanos()));
    }
    hasher.finish()
}

/// Whether `LANG_CACHE` leaves the cache on: unset, empty or anything but `0`, `false`, `off`.
pub fn cache_enabled() -> bool {
    match std::env::var_os("LANG_CACHE") {
        None => true,
        Some(value) => !matches!(value.to_str(), Some("0" | "false" | "off")),
    }
}

/// `$XDG_CACHE_HOME/lang` when that is an absolute path (the XDG rule: a relative one is
/// ignored), else `$HOME/.cache/lang`; `None` when neither can be named.
pub fn default_directory() -> Option<PathBuf> {
    if let Some(base) = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from)
        && base.is_absolute()
    {
        return Some(base.join("lang"));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    home.is_absolute().then(|| home.join(".cache").join("lang"))
}

/// Empties the cache at `directory` (for `lang cache clean`). A missing folder is empty.
pub fn clean(directory: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(directory) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Cranelift's view of the cache: one per compiling thread, all sharing the one [`CodeCache`].
pub(crate) struct CraneliftStore<'a>(pub &'a CodeCache);

impl cranelift_codegen::incremental_cache::CacheKvStore for CraneliftStore<'_> {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        self.0.get(key).map(Cow::Owned)
    }

    fn insert(&mut self, key: &[u8], value: Vec<u8>) {
        self.0.insert(key, &value);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests;
