//! Builds the runtime as a static library for `lang build --release` and embeds it in the
//! `lang` binary, so release builds work from an installed `lang` with no source tree around.
//!
//! Cargo cannot depend on another crate's static-library artifact, so this script runs a
//! nested `cargo rustc` for `lang-runtime-core` with its `executable` feature (which adds the
//! C `main`) in a target folder of its own under `OUT_DIR`.

use std::path::PathBuf;
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
        "Cargo.lock",
        "Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(watched).display());
    }
    let target_dir = out_dir.join("runtime-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .arg("rustc")
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .args(["-p", "lang-runtime-core", "--release", "--features", "executable"])
        .args(["--crate-type", "staticlib", "--quiet"])
        .arg("--target-dir")
        .arg(&target_dir)
        .args(["--config", "profile.release.debug=false"])
        // The outer build's wrappers (clippy, sccache) and flags are for the outer build.
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS");
    let status = command.status().expect("cannot run cargo to build the runtime library");
    assert!(status.success(), "building the runtime static library failed");
    let library = target_dir.join("release").join("liblang_runtime_core.a");
    let embedded = out_dir.join("liblang_runtime.a");
    std::fs::copy(&library, &embedded).expect("cannot copy the runtime library");
    println!("cargo:rustc-env=LANG_RUNTIME_STATICLIB={}", embedded.display());
}
