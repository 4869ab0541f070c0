//! Builds the two static libraries `lang build` links and embeds them in the `lang` binary, so
//! builds work from an installed `lang` with no source tree around:
//!
//! - the runtime with its C `main` (`lang-runtime-core`, feature `executable`), for
//!   `lang build --release`;
//! - the host of hot-reloadable builds (`lang-hmr-host`, feature `executable`): the runtime,
//!   the hot-reload session and the library loader, without the compiler, for
//!   `lang build --hmr`.
//!
//! Cargo cannot depend on another crate's static-library artifact, so this script runs a
//! nested `cargo rustc` for each, in a target folder of its own under `OUT_DIR`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("cli/ lives in the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for watched in [
        "runtime/core/src",
        "runtime/core/Cargo.toml",
        "runtime/hot/src",
        "runtime/hot/Cargo.toml",
        "runtime/host/src",
        "runtime/host/Cargo.toml",
        "abi/src",
        "abi/Cargo.toml",
        "Cargo.lock",
        "Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(watched).display());
    }
    let target_dir = out_dir.join("runtime-target");
    let runtime = build_static_library(&workspace, &target_dir, "lang-runtime-core");
    let embedded = out_dir.join("liblang_runtime.a");
    std::fs::copy(&runtime, &embedded).expect("cannot copy the runtime library");
    println!("cargo:rustc-env=LANG_RUNTIME_STATICLIB={}", embedded.display());
    let host = build_static_library(&workspace, &target_dir, "lang-hmr-host");
    let embedded = out_dir.join("liblang_hmr_host.a");
    std::fs::copy(&host, &embedded).expect("cannot copy the host library");
    println!("cargo:rustc-env=LANG_HMR_HOST_STATICLIB={}", embedded.display());
}

/// Builds `package` with its `executable` feature as a static library; returns its path.
fn build_static_library(workspace: &Path, target_dir: &Path, package: &str) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("rustc")
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .args(["-p", package, "--release", "--features", "executable"])
        .args(["--crate-type", "staticlib", "--quiet"])
        .arg("--target-dir")
        .arg(target_dir)
        .args(["--config", "profile.release.debug=false"])
        // The outer build's wrappers (clippy, sccache) and flags are for the outer build.
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS");
    let status = command
        .status()
        .unwrap_or_else(|error| panic!("cannot run cargo to build {package}: {error}"));
    assert!(status.success(), "building the static library of {package} failed");
    target_dir
        .join("release")
        .join(format!("lib{}.a", package.replace('-', "_")))
}
