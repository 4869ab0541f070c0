//! Generates one `#[test]` per case under `cases/`: a `.ln` file, or a folder whose entry
//! point is `main.ln`. Adding a case file adds a test; nothing else needs editing.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let cases = Path::new(&manifest).join("cases");
    println!("cargo:rerun-if-changed={}", cases.display());
    let mut generated = String::new();
    let mut stages: Vec<_> = std::fs::read_dir(&cases)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
        .unwrap_or_default();
    stages.sort();
    for stage in stages.iter().filter(|path| path.is_dir()) {
        println!("cargo:rerun-if-changed={}", stage.display());
        let stage_name = stage.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(generated, "mod {stage_name} {{").unwrap();
        let mut entries: Vec<_> = std::fs::read_dir(stage)
            .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().unwrap().to_string_lossy().into_owned();
            let case = if entry.is_dir() && entry.join("main.ln").is_file() {
                println!("cargo:rerun-if-changed={}", entry.display());
                name.clone()
            } else if let Some(stem) = name.strip_suffix(".ln") {
                stem.to_string()
            } else {
                continue;
            };
            let function: String = case
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            writeln!(
                generated,
                "    #[test]\n    fn {function}() {{\n        crate::harness::run_case({stage_name:?}, {name:?});\n    }}\n"
            )
            .unwrap();
        }
        writeln!(generated, "}}\n").unwrap();
    }
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("cases.rs");
    std::fs::write(out, generated).expect("cannot write the generated tests");
}
