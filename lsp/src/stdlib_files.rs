//! The standard library's modules as files, for go to definition. They are compiled into
//! `lang` and have no file of their own, so the server writes each one, once per text, under
//! the cache folder (`<cache>/stdlib/<hash of the text>/<name>.ln`, read-only), as
//! rust-analyzer shows the sources of Rust's standard library. `lang cache clean` removes
//! them with the rest; they are written again when needed.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The folder the standard library's files are written under, if the cache folder can be
/// named.
fn stdlib_folder() -> Option<PathBuf> {
    Some(lang_compiler::cache::default_directory()?.join("stdlib"))
}

/// The file holding standard-library module `name` with `text`, written first if it is not
/// there yet; `None` when it cannot be written.
pub fn stdlib_file(name: &str, text: &str) -> Option<PathBuf> {
    // The standard library's module names are plain identifiers; anything else is not
    // written anywhere.
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    // `DefaultHasher::new()` has fixed keys: the same text gives the same folder each time.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    let folder = stdlib_folder()?.join(format!("{:016x}", hasher.finish()));
    let path = folder.join(format!("{name}.ln"));
    if std::fs::read_to_string(&path).is_ok_and(|existing| existing == text) {
        return Some(path);
    }
    std::fs::create_dir_all(&folder).ok()?;
    // Written whole, then renamed into place: another server never reads half a file.
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text).ok()?;
    if let Ok(metadata) = std::fs::metadata(&temporary) {
        let mut permissions = metadata.permissions();
        permissions.set_readonly(true);
        let _ = std::fs::set_permissions(&temporary, permissions);
    }
    if std::fs::rename(&temporary, &path).is_err() {
        let _ = std::fs::remove_file(&temporary);
        return None;
    }
    Some(path)
}

/// Whether `path` is one of the standard library's files written by [`stdlib_file`]: opened
/// in the editor (after a go to definition), it is a library without `main`, not a program
/// to report on.
pub fn is_stdlib_file(path: &Path) -> bool {
    stdlib_folder().is_some_and(|folder| path.starts_with(folder))
}
