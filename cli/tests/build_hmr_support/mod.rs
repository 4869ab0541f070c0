//! What the `lang build --hmr` tests share: a temporary project with its build
//! `out` + `out.modules/`, and programs that count.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use lang_tests::session::{self, Session};

/// A temporary folder holding a program's sources and its build `out` + `out.modules/`. Each
/// project has its own `tmp/`, given to every process as `TMPDIR`, where the host makes its
/// private copies of the libraries.
pub struct Project {
    pub sources: session::Project,
}

impl Project {
    pub fn new(name: &str, files: &[(&str, &str)]) -> Project {
        let sources = session::Project::new(name, files);
        std::fs::create_dir_all(sources.path("tmp")).expect("temp folder");
        Project { sources }
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.sources.path(file)
    }

    pub fn modules(&self) -> PathBuf {
        self.path("out.modules")
    }

    /// Saves like most editors' default: truncate and write in place.
    pub fn write_in_place(&self, file: &str, text: &str) {
        self.sources.write_in_place(file, text);
    }

    /// Saves like vim, VS Code and JetBrains: a temporary file renamed over the original.
    pub fn write_by_rename(&self, file: &str, bytes: &[u8]) {
        self.sources.write_by_rename(file, bytes);
    }

    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = self.sources.command(program);
        command.env("TMPDIR", self.path("tmp"));
        command
    }

    pub fn lang(&self, arguments: &[&str]) -> Output {
        self.command(env!("CARGO_BIN_EXE_lang"))
            .args(arguments)
            .stdin(Stdio::null())
            .output()
            .expect("lang runs")
    }

    /// `lang build --hmr main.ln -o out`, which must succeed.
    pub fn build(&self) -> Output {
        let output = self.lang(&["build", "--hmr", "main.ln", "-o", "out"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "lang build --hmr failed\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Starts the built host `out`.
    pub fn start(&self, arguments: &[&str]) -> Session {
        let mut command = self.command(self.path("out"));
        command.args(arguments);
        Session::spawn(command)
    }

    pub fn manifest(&self) -> String {
        std::fs::read_to_string(self.modules().join("manifest")).expect("the manifest")
    }

    /// Rewrites the manifest the way the builder does: a temporary file renamed over it.
    pub fn publish_manifest(&self, text: &str) {
        self.write_by_rename("out.modules/manifest", text.as_bytes());
    }
}

/// `text` with the hash of module `module`'s line replaced by `hash`.
pub fn with_hash(manifest: &str, module: &str, hash: u64) -> String {
    let mut replaced = false;
    let lines: Vec<String> = manifest
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["module", name, file, _, source] if *name == module => {
                    replaced = true;
                    format!("module\t{name}\t{file}\t{hash:016x}\t{source}")
                }
                _ => line.to_string(),
            }
        })
        .collect();
    assert!(replaced, "no module `{module}` in the manifest:\n{manifest}");
    lines.join("\n") + "\n"
}

/// A loop that prints `LABEL N` forever, N counting up in a module variable.
pub fn counter(label: &str) -> String {
    format!(
        "var count = 0\n\nfn label() -> str {{\n    return \"{label}\"\n}}\n\nfn main() {{\n    while true {{\n        count += 1\n        print(\"{{label()}} {{count}}\")\n        sleep(5)\n    }}\n}}\n"
    )
}

pub fn counts(stdout: &str, label: &str) -> Vec<i64> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix(&format!("{label} "))?.parse().ok())
        .collect()
}

pub fn last_count(stdout: &str, label: &str) -> Option<i64> {
    counts(stdout, label).last().copied()
}

/// The distinct private folders (`$TMPDIR/lang-hmr-XXXXXX`) whose libraries are mapped in
/// the process.
pub fn mapped_private_copies(pid: u32) -> Vec<String> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).expect("/proc/PID/maps");
    let mut folders: Vec<String> = maps
        .lines()
        .filter_map(|line| {
            let at = line.find("/lang-hmr-")?;
            let folder = &line[at + 1..];
            Some(folder[..folder.find('/').unwrap_or(folder.len())].to_string())
        })
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

pub fn helper(label: &str) -> String {
    format!("pub fn label() -> str {{\n    return \"{label}\"\n}}\n")
}
