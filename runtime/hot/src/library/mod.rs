//! The host side of `lang build --hmr`: loading the shared libraries of a build (one per
//! source module), watching the modules folder for new builds, and handing each verified
//! build to the session, which swaps it in like a JIT reload.
//!
//! A build is a folder holding the libraries and a manifest (`lang_abi::manifest`), written
//! last by rename. A build is applied only when every library's bytes hash to what the
//! manifest says (`manifest.rs`); the bytes that were hashed are copied into a fresh private
//! temporary folder and loaded from there (`open.rs`), so a library rewritten meanwhile,
//! truncated or corrupted is never given to the dynamic loader, and nobody else can swap the
//! file under it. The runtime's entry points reach a library through its import table, which
//! is filled here (`link.rs`): a library has no undefined symbols to resolve against the host.
//! `loader.rs` is the thread that does all this for each new build; `folder.rs` reports what
//! else the folder says: a library changed without a new manifest, a failed build.

mod folder;
mod link;
mod loader;
mod manifest;
mod open;

use std::path::{Path, PathBuf};

pub use lang_abi::fnv1a as content_hash;
pub use lang_abi::manifest::{BUILD_STATUS, MANIFEST, Manifest, ManifestModule, render_build_status};
pub use lang_abi::metadata::abi_hash;
pub use loader::run_host;

/// The folder of the build that belongs to the executable at `executable`: `OUT.modules`
/// next to `OUT`.
pub fn modules_folder(executable: &Path) -> PathBuf {
    let mut name = executable.as_os_str().to_owned();
    name.push(".modules");
    PathBuf::from(name)
}
