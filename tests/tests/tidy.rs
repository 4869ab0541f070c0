//! The house rules as tests (in the manner of rust-analyzer's `tidy.rs`): every Rust file
//! says what it is for in a `//!` line, no file grows past 800 lines unless allowed, no crate
//! reads another crate's files, ARCHITECTURE.md's code map names only paths that exist, and
//! no two files of `compiler/` or `runtime/` import each other, directly or in a circle.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use lang_tests::rust_imports::{circles, import_graph};

/// Longer files than this are hard to read as one concern.
const MAX_LINES: usize = 800;

/// Rust files allowed to exceed `MAX_LINES`, each with why. An entry that no longer exceeds
/// it fails the test too, so the list cannot go stale.
const LONG_FILES: &[(&str, &str)] = &[
    // One end-to-end scenario after another; the driver they share is in `lang-tests`.
    ("cli/tests/hmr.rs", "a list of independent hot-reload scenarios"),
];

/// Files that read a file of another crate (`include_str!`, `include_bytes!`, `include!`,
/// `#[path]`), each with why. An entry that no longer does fails the test.
const CROSS_CRATE_INCLUDES: &[(&str, &str)] = &[
];

/// Import circles of `compiler/` and `runtime/` that are known (each the sorted set of its
/// files). An entry that is no longer exactly a circle fails the test.
const KNOWN_CIRCLES: &[&[&str]] = &[
];

/// The repository's root folder, or `$LANG_TIDY_ROOT` to check another checkout with this
/// build of the rules.
fn root() -> PathBuf {
    if let Some(other) = std::env::var_os("LANG_TIDY_ROOT") {
        return PathBuf::from(other);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_path_buf()
}

/// Folders never searched: build output, version control, cargo-fuzz's working folders.
fn skipped(relative: &Path) -> bool {
    let name = relative.file_name().and_then(|name| name.to_str()).unwrap_or("");
    name == "target"
        || name.starts_with('.')
        || relative == Path::new("fuzz/corpus")
        || relative == Path::new("fuzz/artifacts")
        || relative == Path::new("fuzz/coverage")
}

/// Every `.rs` file of the repository, relative to its root, sorted.
fn rust_files() -> Vec<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(root.join(&folder)).expect("a readable folder");
        for entry in entries {
            let entry = entry.expect("a readable folder entry");
            let relative = folder.join(entry.file_name());
            let kind = entry.file_type().expect("a file type");
            if kind.is_dir() {
                if !skipped(&relative) {
                    folders.push(relative);
                }
            } else if kind.is_file() && relative.extension().is_some_and(|extension| extension == "rs") {
                files.push(relative);
            }
        }
    }
    files.sort();
    files
}

fn read(relative: &Path) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|error| panic!("{}: {error}", relative.display()))
}

/// Turns a list of problems into one failure naming them all.
fn report(rule: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{rule}:\n{}",
        problems
            .iter()
            .map(|problem| format!("  {problem}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    let mut problems = Vec::new();
    for file in rust_files() {
        let text = read(&file);
        // Inner attributes (`#![no_main]`) may come first.
        let first = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with("#!["));
        if !first.is_some_and(|line| line.starts_with("//!")) {
            problems.push(format!("{}: does not start with a `//!` line", file.display()));
        }
    }
    report(
        "every Rust file starts with a `//!` line saying what it is for",
        problems,
    );
}

#[test]
fn no_rust_file_is_longer_than_800_lines_unless_allowed() {
    let mut problems = Vec::new();
    let allowed: BTreeSet<&str> = LONG_FILES.iter().map(|(file, _)| *file).collect();
    let files = rust_files();
    for file in &files {
        let lines = read(file).lines().count();
        let name = file.to_string_lossy();
        if lines > MAX_LINES && !allowed.contains(name.as_ref()) {
            problems.push(format!(
                "{name}: {lines} lines; split it by concern (or, if it must be long, add it to LONG_FILES in tests/tests/tidy.rs with why)"
            ));
        }
    }
    for (file, why) in LONG_FILES {
        let path = Path::new(file);
        if !files.iter().any(|known| known == path) {
            problems.push(format!(
                "{file}: in LONG_FILES ({why}) but no longer exists; remove the entry"
            ));
        } else if read(path).lines().count() <= MAX_LINES {
            problems.push(format!(
                "{file}: in LONG_FILES ({why}) but no longer longer than {MAX_LINES} lines; remove the entry"
            ));
        }
    }
    report(&format!("Rust files of at most {MAX_LINES} lines"), problems);
}

/// `path` with `.` and `..` taken out, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// The crate folder of a path relative to the root: the nearest folder above it holding a
/// `Cargo.toml` (the root's for files of no crate).
fn crate_folder(relative: &Path) -> PathBuf {
    let root = root();
    relative
        .ancestors()
        .skip(1)
        .find(|folder| root.join(folder).join("Cargo.toml").is_file())
        .unwrap_or(Path::new(""))
        .to_path_buf()
}

/// The literal paths `text` reads files from: `include_str!("…")`, `include_bytes!("…")`,
/// `include!("…")` and `#[path = "…"]`. Computed paths (`concat!(env!("OUT_DIR"), …)`,
/// `env!(…)`) are the crate's own build output and are not listed.
fn included_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for opening in ["include_str!(\"", "include_bytes!(\"", "include!(\""] {
        for (at, _) in text.match_indices(opening) {
            let rest = &text[at + opening.len()..];
            if let Some(end) = rest.find('"') {
                paths.push(rest[..end].to_string());
            }
        }
    }
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#[path") {
            let rest = rest.trim_start().trim_start_matches('=').trim_start();
            if let Some(rest) = rest.strip_prefix('"')
                && let Some(end) = rest.find('"')
            {
                paths.push(rest[..end].to_string());
            }
        }
    }
    paths
}

#[test]
fn no_crate_reads_a_file_of_another_crate() {
    let mut problems = Vec::new();
    let mut offenders = BTreeSet::new();
    for file in rust_files() {
        let own_crate = crate_folder(&file);
        let folder = file.parent().unwrap_or(Path::new(""));
        for included in included_paths(&read(&file)) {
            let target = normalize(&folder.join(&included));
            let target_crate = crate_folder(&target);
            if target_crate != own_crate || !target.starts_with(&own_crate) {
                offenders.insert(file.to_string_lossy().into_owned());
                if !CROSS_CRATE_INCLUDES
                    .iter()
                    .any(|(allowed, _)| Path::new(allowed) == file)
                {
                    problems.push(format!(
                        "{}: reads `{included}`, outside its crate `{}/`; share it through a crate dependency instead",
                        file.display(),
                        own_crate.display()
                    ));
                }
            }
        }
    }
    for (file, why) in CROSS_CRATE_INCLUDES {
        if !offenders.contains(*file) {
            problems.push(format!(
                "{file}: in CROSS_CRATE_INCLUDES ({why}) but reads no other crate's file; remove the entry"
            ));
        }
    }
    report("no crate reads another crate's files", problems);
}

/// Whether a backticked text of ARCHITECTURE.md names a path: it has a `/`, or ends with the
/// extension of a file kind the repository holds. Code (`a::b`, `f(x)`) and commands are not.
fn looks_like_path(text: &str) -> bool {
    const EXTENSIONS: &[&str] = &["rs", "md", "toml", "ln", "h", "c", "snap", "sh"];
    if text.is_empty() || text.contains([' ', ':', '(', '=', '"', '<']) || text.starts_with('-') {
        return false;
    }
    text.contains('/')
        || text
            .rsplit_once('.')
            .is_some_and(|(stem, extension)| !stem.is_empty() && EXTENSIONS.contains(&extension))
}

/// Whether `path` (relative to the root; its last part may hold one `*`) names something
/// that exists. A bare file name may also be anywhere below `path`'s folder.
fn exists(path: &Path, below: bool) -> bool {
    let root = root();
    let full = root.join(path);
    let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("");
    if let Some((prefix, suffix)) = name.split_once('*') {
        let folder = full.parent().expect("a pattern is in a folder");
        return std::fs::read_dir(folder).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|entry| {
                let entry_name = entry.file_name().to_string_lossy().into_owned();
                entry_name.starts_with(prefix) && entry_name.ends_with(suffix)
            })
        });
    }
    if full.exists() {
        return true;
    }
    if !below {
        return false;
    }
    // Search the folders below for the bare name.
    let mut folders = vec![full.parent().expect("a name is in a folder").to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let relative = entry.path().strip_prefix(&root).unwrap_or(&entry.path()).to_path_buf();
            if entry.path().is_dir() && !skipped(&relative) {
                folders.push(entry.path());
            } else if entry.file_name().to_str() == Some(name) {
                return true;
            }
        }
    }
    false
}

/// The paths named in ARCHITECTURE.md's "Code map" section that do not exist. A path is
/// relative to the repository's root, or to a folder named before it in the same bullet
/// ("`runtime/core/src/`: `object.rs` …", "`tests/`: … `tests/cases.rs`"); a bare file name
/// may be anywhere below such a folder.
fn missing_code_map_paths(architecture: &str) -> Vec<String> {
    let section: String = architecture
        .lines()
        .skip_while(|line| line.trim() != "## Code map")
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(
        !section.trim().is_empty(),
        "ARCHITECTURE.md has no `## Code map` section"
    );
    // A bullet (or paragraph) and the lines that continue it.
    let mut bullets: Vec<String> = Vec::new();
    for line in section.lines() {
        if line.starts_with("- ") || bullets.is_empty() || line.trim().is_empty() {
            bullets.push(String::new());
        }
        let last = bullets.last_mut().expect("a bullet");
        last.push_str(line.trim());
        last.push(' ');
    }
    let mut missing = Vec::new();
    for bullet in bullets {
        // The folders named so far in this bullet, as paths from the root.
        let mut folders: Vec<PathBuf> = Vec::new();
        for (index, text) in bullet.split('`').enumerate() {
            if index % 2 == 0 || !looks_like_path(text) {
                continue;
            }
            let bare = !text.trim_end_matches('/').contains('/');
            let candidates: Vec<PathBuf> = std::iter::once(PathBuf::from(text))
                .chain(folders.iter().rev().map(|folder| folder.join(text)))
                .collect();
            let found = candidates
                .iter()
                .enumerate()
                .find(|(position, candidate)| exists(candidate, bare && *position > 0))
                .map(|(_, candidate)| candidate.clone());
            match found {
                Some(path) => {
                    if text.ends_with('/') {
                        folders.push(path);
                    } else if let Some(parent) = path.parent().filter(|parent| !parent.as_os_str().is_empty())
                        && !text.contains('*')
                    {
                        folders.push(parent.to_path_buf());
                    }
                }
                None => missing.push(format!("`{text}` (in: {})", bullet.trim())),
            }
        }
    }
    missing
}

#[test]
fn the_code_map_names_only_paths_that_exist() {
    let missing = missing_code_map_paths(&read(Path::new("ARCHITECTURE.md")));
    report(
        "ARCHITECTURE.md's code map names paths that do not exist (fix the map, or the path)",
        missing,
    );
}

#[test]
fn the_code_map_check_resolves_paths_by_bullet() {
    let map = "## Code map\n\n- `tests/`: `build.rs` and `tests/cases.rs`, `tests/src/`: `lib.rs`\n- `cli/src/`: `commands/` (`build.rs`), `nothere.rs`, `no/such/`\n## Next\n- `ignored.rs`\n";
    let missing = missing_code_map_paths(map);
    assert_eq!(missing.len(), 2, "{missing:#?}");
    assert!(missing[0].starts_with("`nothere.rs`"), "{missing:#?}");
    assert!(missing[1].starts_with("`no/such/`"), "{missing:#?}");
}

/// The crates whose files may not import each other in a circle, by their root files.
const CRATE_ROOTS: &[&str] = &[
    "compiler/src/lib.rs",
    "runtime/core/src/lib.rs",
    "runtime/hot/src/lib.rs",
    "runtime/host/src/lib.rs",
];

#[test]
fn no_two_files_of_the_compiler_and_runtime_import_each_other() {
    let root = root();
    let mut found: Vec<Vec<String>> = Vec::new();
    // What ties each circle: its files' imports among its files.
    let mut ties: Vec<String> = Vec::new();
    for crate_root in CRATE_ROOTS {
        let graph = import_graph(&root.join(crate_root), &root);
        for circle in circles(&graph) {
            let mut tie = String::new();
            for file in &circle {
                let imports: Vec<String> = graph[file]
                    .iter()
                    .filter(|import| circle.contains(import))
                    .map(|import| import.display().to_string())
                    .collect();
                tie.push_str(&format!("\n      {} -> {}", file.display(), imports.join(", ")));
            }
            ties.push(tie);
            found.push(circle.iter().map(|file| file.to_string_lossy().into_owned()).collect());
        }
    }
    let known: Vec<Vec<String>> = KNOWN_CIRCLES
        .iter()
        .map(|circle| {
            let mut files: Vec<String> = circle.iter().map(|file| file.to_string()).collect();
            files.sort();
            files
        })
        .collect();
    let mut problems = Vec::new();
    for (circle, tie) in found.iter().zip(&ties) {
        if !known.contains(circle) {
            problems.push(format!(
                "{} import each other (directly or through one another):{tie}",
                circle.join(", ")
            ));
        }
    }
    for circle in &known {
        if !found.contains(circle) {
            problems.push(format!(
                "in KNOWN_CIRCLES but no longer a circle: {}; remove the entry",
                circle.join(", ")
            ));
        }
    }
    report(
        "no two files import each other, directly or in a longer circle",
        problems,
    );
}
