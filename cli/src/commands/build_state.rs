//! What `lang build --hmr` keeps next to a build so that the next build compiles only what
//! changed: the build a rebuild follows (`Previous`: the hashes of the program it compiled and
//! its manifest's entries), kept in memory by `--watch` and in `OUT.modules/.build-state`
//! between runs of `lang build --hmr` (a host ignores files whose names start with a dot).

use std::collections::HashMap;
use std::path::Path;

use lang_runtime_hot::library::{MANIFEST, Manifest, ManifestModule, abi_hash, content_hash};
use lang_runtime_hot::rebuild::Snapshot;

/// The build a rebuild follows: the hashes of its program, and its manifest's entries by
/// module name.
pub(super) struct Previous {
    pub(super) snapshot: Snapshot,
    pub(super) entries: HashMap<String, ManifestModule>,
}

const STATE_FILE: &str = ".build-state";
const HEADER: &str = "lang-hmr-build-state 1";

/// Records the build that wrote `manifest_text`, made by the `lang` whose host library
/// hashes to `stamp`. Nothing is lost if this fails: the next build compiles everything.
pub(super) fn save(folder: &Path, stamp: u64, manifest_text: &str, snapshot: &Snapshot) {
    let hex = |value: Option<&u64>| value.map_or_else(|| "-".to_string(), |value| format!("{value:016x}"));
    let mut text = format!(
        "{HEADER}\nlang\t{stamp:016x}\nmanifest\t{:016x}\n",
        content_hash(manifest_text.as_bytes())
    );
    let mut names: Vec<&String> = snapshot.sources.keys().collect();
    names.sort();
    for name in names {
        text.push_str(&format!(
            "module\t{name}\t{}\t{}\t{}\n",
            hex(snapshot.sources.get(name)),
            hex(snapshot.interfaces.get(name)),
            hex(snapshot.struct_declarations.get(name)),
        ));
    }
    let path = folder.join(STATE_FILE);
    let temporary = folder.join(format!("{STATE_FILE}.{}.tmp", std::process::id()));
    if std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, &path))
        .is_err()
    {
        let _ = std::fs::remove_file(&temporary);
        let _ = std::fs::remove_file(&path);
    }
}

/// The build recorded in `folder`, if it was made by the same `lang` and its manifest is the
/// one there now.
pub(super) fn load(folder: &Path, stamp: u64) -> Option<Previous> {
    let text = std::fs::read_to_string(folder.join(STATE_FILE)).ok()?;
    let manifest_text = std::fs::read_to_string(folder.join(MANIFEST)).ok()?;
    let manifest = Manifest::parse(&manifest_text).ok()?;
    if manifest.abi != abi_hash() {
        return None;
    }
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return None;
    }
    let hex = |text: &str| u64::from_str_radix(text, 16).ok();
    let mut snapshot = Snapshot {
        sources: HashMap::new(),
        source_tokens: HashMap::new(),
        interfaces: HashMap::new(),
        functions: HashMap::new(),
        // (A rebuild compiles changed modules whole: where functions lie is not needed.)
        placements: HashMap::new(),
        struct_declarations: HashMap::new(),
        shapes: HashMap::new(),
        files: Vec::new(),
        compiled_hashes: Vec::new(),
        // `lang build --hmr` libraries compile every function.
        compiled: Default::default(),
    };
    let (mut same_lang, mut same_manifest) = (false, false);
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["lang", value] => same_lang = hex(value) == Some(stamp),
            ["manifest", value] => same_manifest = hex(value) == Some(content_hash(manifest_text.as_bytes())),
            ["module", name, source, interface, structs] => {
                for (map, value) in [
                    (&mut snapshot.sources, source),
                    (&mut snapshot.interfaces, interface),
                    (&mut snapshot.struct_declarations, structs),
                ] {
                    if let Some(value) = hex(value) {
                        map.insert(name.to_string(), value);
                    }
                }
            }
            _ => return None,
        }
    }
    if !same_lang || !same_manifest {
        return None;
    }
    let entries = manifest
        .modules
        .into_iter()
        .map(|entry| (entry.name.clone(), entry))
        .collect();
    Some(Previous { snapshot, entries })
}
