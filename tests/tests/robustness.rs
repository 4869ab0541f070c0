//! The front end never panics and never overflows its stack, whatever the input: every case
//! file, every benchmark and stdlib module, truncated and mangled versions of them, and
//! hostile generated inputs all come back as diagnostics (or as a valid program).

use std::path::{Path, PathBuf};

use lang_compiler::{FileId, LoadError, SourceLoader, syntax};

/// Serves one in-memory file as `main.ln`; every other module is missing.
struct OneFile(String);

impl SourceLoader for OneFile {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        if path == Path::new("main.ln") {
            Ok(self.0.clone())
        } else {
            Err(LoadError::NotFound)
        }
    }
}

/// Runs the whole front end on `source` on a thread with the stack size the command line
/// uses, and fails the test if it panics.
fn front_end_survives(label: &str, source: String) {
    let handle = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            let (_, _) = syntax::parse_file(&source, FileId(0));
            let checked = lang_compiler::check_program(Path::new("main.ln"), &mut OneFile(source))
                .expect("the in-memory main file always loads");
            let _ = lang_compiler::diagnostics::render(&checked.diagnostics, &checked.sources, false);
        })
        .expect("thread starts");
    assert!(handle.join().is_ok(), "the front end panicked on {label}");
}

fn all_sources() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut folders = vec![
        lang_tests::cases_dir(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples"),
    ];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "ln") {
                let text = std::fs::read_to_string(&path).expect("case files are UTF-8");
                files.push((path, text));
            }
        }
    }
    for (name, text) in lang_stdlib::MODULES {
        files.push((PathBuf::from(format!("<stdlib>/{name}.ln")), text.to_string()));
    }
    files.sort();
    files
}

#[test]
fn every_case_file_goes_through_without_panicking() {
    let sources = all_sources();
    assert!(
        sources.len() > 100,
        "expected the whole corpus, found {} files",
        sources.len()
    );
    for (path, text) in sources {
        front_end_survives(&path.display().to_string(), text);
    }
}

/// The fuzzing corpus (`fuzz/seeds/front_end`, inputs under 2 KB kept from `cargo fuzz` runs
/// of the `front_end` target after `cargo fuzz cmin`): every input still goes through.
#[test]
fn the_fuzzing_corpus_goes_through_without_panicking() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/front_end");
    let mut count = 0;
    for entry in std::fs::read_dir(&folder)
        .expect("the fuzzing corpus")
        .filter_map(Result::ok)
    {
        let bytes = std::fs::read(entry.path()).expect("corpus files are readable");
        // The file loader rejects text that is not UTF-8 before the compiler sees it.
        if let Ok(text) = String::from_utf8(bytes) {
            front_end_survives(&entry.path().display().to_string(), text);
            count += 1;
        }
    }
    assert!(count > 500, "expected the fuzzing corpus, found {count} inputs");
}

#[test]
fn truncated_and_mangled_files_go_through_without_panicking() {
    for (path, text) in all_sources() {
        let bytes = text.as_bytes();
        // Cut every file at a dozen places, as an editor saving mid-edit would leave it.
        for cut in 1..12 {
            let mut end = bytes.len() * cut / 12;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            front_end_survives(&format!("{} cut at {end}", path.display()), text[..end].to_string());
        }
        // Replace single characters with ones that often confuse parsers.
        for (index, replacement) in [(7usize, "{"), (13, "}"), (29, "\""), (31, "("), (37, "\\"), (41, "\n")] {
            if let Some((position, _)) = text.char_indices().nth(text.chars().count() * index / 43) {
                let mut mangled = text.clone();
                let width = mangled[position..].chars().next().map_or(0, char::len_utf8);
                mangled.replace_range(position..position + width, replacement);
                front_end_survives(
                    &format!("{} with {replacement:?} at {position}", path.display()),
                    mangled,
                );
            }
        }
    }
}

#[test]
fn hostile_inputs_get_diagnostics() {
    let deep_parens = format!("fn main() {{ print({}1{}) }}", "(".repeat(10_000), ")".repeat(10_000));
    let deep_blocks = format!(
        "fn main() {{ {} print(1) {} }}",
        "if true { ".repeat(10_000),
        "}".repeat(10_000)
    );
    let long_chain = format!("fn main() {{ print({}1) }}", "1 + ".repeat(200_000));
    let long_field_chain = format!("fn main() {{ print(x{}) }}", ".y".repeat(200_000));
    let prefix_run = format!("fn main() {{ print({}1) }}", "-".repeat(100_000));
    let many_errors = "fn main() { let = }\n".repeat(2_000);
    let binary_garbage: String = (0..20_000u32)
        .map(|i| char::from_u32((i * 7919) % 0xD7FF).unwrap_or('?'))
        .collect();
    for (label, source) in [
        ("10,000 nested parentheses", deep_parens),
        ("10,000 nested blocks", deep_blocks),
        ("a chain of 200,000 additions", long_chain),
        ("a chain of 200,000 field accesses", long_field_chain),
        ("100,000 prefix minus signs", prefix_run),
        ("2,000 broken functions", many_errors),
        ("binary garbage", binary_garbage),
    ] {
        front_end_survives(label, source);
    }
}
