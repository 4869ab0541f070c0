//! Reading a build: its manifest (whose format is `lang_abi::manifest`) and every library it
//! names, each checked against the content hash the manifest gives.

use std::path::Path;

use lang_abi::manifest::{MANIFEST, Manifest};
use lang_abi::{abi_hash, fnv1a as content_hash};

/// Reads the manifest and every library it names, checking each library's hash.
pub(super) fn read_build(folder: &Path) -> Result<(Manifest, Vec<Vec<u8>>), String> {
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
    Ok((manifest, libraries))
}
