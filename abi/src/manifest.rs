//! The manifest of a `lang build --hmr` build: a text file in the build's folder, written
//! last by rename, that names the build's libraries and their content hashes, so the host
//! loads only a complete build:
//!
//! ```text
//! lang-hmr-manifest 1
//! abi     HASH                   (crate::abi_hash of the compiler that built it)
//! main    MODULE
//! order   MODULE  MODULE ...     (initialization order)
//! module  NAME  FILE  HASH  SOURCE  (one per module; HASH: crate::fnv1a of FILE's bytes;
//!                                    SOURCE: a hash of the tokens of the module's source)
//! ```
//!
//! Fields are separated by tabs; hashes are 16 hexadecimal digits.

/// The name of a build's manifest in its folder.
pub const MANIFEST: &str = "manifest";

/// The name of the file, next to the manifest, in which every `lang build --hmr` writes (by
/// rename) how its last build ended, so that a running host reports a failed build: a first
/// line `ok` or `failed`, then, for a failed build, its report (diagnostics without colors).
pub const BUILD_STATUS: &str = "build-status";

/// The text of a build-status file: `None` for a build that succeeded, else its report.
pub fn render_build_status(failure: Option<&str>) -> String {
    match failure {
        None => "ok\n".to_string(),
        Some(report) => format!("failed\n{report}"),
    }
}

/// Reads a build-status file's text: `Some(report)` when it says the build failed.
pub fn parse_build_status(text: &str) -> Option<&str> {
    text.strip_prefix("failed\n")
}
const MANIFEST_HEADER: &str = "lang-hmr-manifest 1";

/// One module of a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestModule {
    pub name: String,
    /// The library's file name in the build's folder.
    pub file: String,
    /// [`crate::fnv1a`] of the library's bytes.
    pub content_hash: u64,
    /// A hash of the tokens of the module's source file: the host runs the module's
    /// `on_reload` only when it changed, not when the library was built again only because a
    /// module it imports changed.
    pub source_hash: u64,
}

/// A parsed manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub abi: u64,
    pub main: String,
    pub order: Vec<String>,
    pub modules: Vec<ManifestModule>,
}

impl Manifest {
    /// The manifest's text.
    pub fn render(&self) -> String {
        let mut text = format!("{MANIFEST_HEADER}\nabi\t{:016x}\nmain\t{}\norder", self.abi, self.main);
        for module in &self.order {
            text.push('\t');
            text.push_str(module);
        }
        text.push('\n');
        for module in &self.modules {
            text.push_str(&format!(
                "module\t{}\t{}\t{:016x}\t{:016x}\n",
                module.name, module.file, module.content_hash, module.source_hash
            ));
        }
        text
    }

    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut lines = text.lines();
        if lines.next() != Some(MANIFEST_HEADER) {
            return Err("not a lang build manifest".into());
        }
        let mut manifest = Manifest {
            abi: 0,
            main: String::new(),
            order: Vec::new(),
            modules: Vec::new(),
        };
        let hex = |text: &str| u64::from_str_radix(text, 16).map_err(|_| format!("bad hash `{text}`"));
        for line in lines {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["abi", hash] => manifest.abi = hex(hash)?,
                ["main", name] => manifest.main = name.to_string(),
                ["order", names @ ..] => manifest.order = names.iter().map(|name| name.to_string()).collect(),
                ["module", name, file, hash, source] => {
                    // A library is a file of the build's folder, never a path elsewhere.
                    if file.contains('/') || file.starts_with('.') {
                        return Err(format!("bad library name `{file}`"));
                    }
                    manifest.modules.push(ManifestModule {
                        name: name.to_string(),
                        file: file.to_string(),
                        content_hash: hex(hash)?,
                        source_hash: hex(source)?,
                    });
                }
                [""] => {}
                _ => return Err(format!("unexpected line `{line}`")),
            }
        }
        if manifest.main.is_empty() || manifest.modules.is_empty() {
            return Err("the manifest names no modules".into());
        }
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_read_back() {
        let manifest = Manifest {
            abi: 0x1234,
            main: "main".into(),
            order: vec!["util".into(), "main".into()],
            modules: vec![ManifestModule {
                name: "main".into(),
                file: "main.so".into(),
                content_hash: 0xfeed,
                source_hash: 0xbeef,
            }],
        };
        assert_eq!(Manifest::parse(&manifest.render()), Ok(manifest));
        assert!(Manifest::parse("lang-hmr-manifest 1\nmain\tm\nmodule\tm\t../x.so\t00\t00").is_err());
    }
}
