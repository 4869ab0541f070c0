//! Reading a build: its manifest (whose format is `lang_abi::manifest`) and every library it
//! names, each checked against the content hash the manifest gives; and the libraries of the
//! folder that no longer match its manifest.

use std::path::Path;

use lang_abi::manifest::{MANIFEST, Manifest};
use lang_abi::{abi_hash, fnv1a as content_hash};

/// Reads the manifest and every library it names, checking each library's hash.
pub(super) fn read_build(folder: &Path) -> Result<(Manifest, Vec<Vec<u8>>), String> {
    let manifest = read_manifest(folder)?;
    let libraries = read_libraries(folder, &manifest)?;
    Ok((manifest, libraries))
}

/// Reads and parses the manifest of the build in `folder`.
pub(super) fn read_manifest(folder: &Path) -> Result<Manifest, String> {
    let manifest_path = folder.join(MANIFEST);
    let text = std::fs::read(&manifest_path).map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => format!("{} does not exist (was the program built?)", manifest_path.display()),
        _ => format!("cannot read {}: {error}", manifest_path.display()),
    })?;
    let text = String::from_utf8(text).map_err(|_| format!("{} is not a manifest", manifest_path.display()))?;
    let manifest = Manifest::parse(&text).map_err(|error| format!("{}: {error}", manifest_path.display()))?;
    if manifest.abi != abi_hash() {
        return Err(
            "the build was made by another version of lang than this program; run the new build instead".into(),
        );
    }
    Ok(manifest)
}

/// Reads every library `manifest` names, checking each one's hash.
pub(super) fn read_libraries(folder: &Path, manifest: &Manifest) -> Result<Vec<Vec<u8>>, String> {
    let mut libraries = Vec::new();
    for module in &manifest.modules {
        let path = folder.join(&module.file);
        let bytes = std::fs::read(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        if content_hash(&bytes) != module.content_hash {
            return Err(format!(
                "{} does not match the build's manifest (written half-way, or corrupted)",
                path.display()
            ));
        }
        libraries.push(bytes);
    }
    Ok(libraries)
}

/// A library of the folder that does not match the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Mismatch {
    /// The module whose library it is.
    pub(super) module: String,
    /// The library's file name.
    pub(super) file: String,
    /// The hash of its bytes now, or `None` when it cannot be read (removed).
    pub(super) bytes_hash: Option<u64>,
}

/// The libraries named by `manifest` whose bytes are not what it says.
pub(super) fn mismatched_libraries(folder: &Path, manifest: &Manifest) -> Vec<Mismatch> {
    manifest
        .modules
        .iter()
        .filter_map(|module| {
            let bytes_hash = std::fs::read(folder.join(&module.file))
                .ok()
                .map(|bytes| content_hash(&bytes));
            (bytes_hash != Some(module.content_hash)).then(|| Mismatch {
                module: module.name.clone(),
                file: module.file.clone(),
                bytes_hash,
            })
        })
        .collect()
}
