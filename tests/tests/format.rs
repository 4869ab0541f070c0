//! `lang fmt` over the repository's own programs: every case file formats idempotently and
//! keeps its tokens, the files meant to be formatted are, the run cases print the same after
//! formatting, and the command line behaves as LANGUAGE.md section 12 says.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lang_compiler::format::{format_source, same_program};
use lang_tests::{Directives, cases_dir, run_lang};

fn lang() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_lang-for-tests"))
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_path_buf()
}

/// Every `.ln` file under `folder`, sorted.
fn ln_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)
            .expect("folder is readable")
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "ln") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The folders whose `.ln` files `lang fmt` keeps formatted (`.ci/run` checks them too).
const FORMATTED_FOLDERS: &[&str] = &["tests/cases", "examples", "stdlib/modules", "bench"];

/// The case files left as they are, listed in `tests/cases/fmt-exclude.txt`: cases about
/// lexing or parsing errors (which `fmt` refuses), and cases whose expected diagnostics or
/// runtime-error locations quote columns that formatting would move.
fn excluded() -> Vec<PathBuf> {
    let list = std::fs::read_to_string(cases_dir().join("fmt-exclude.txt")).expect("the exclusion list exists");
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| repository().join(line))
        .collect()
}

fn is_excluded(file: &Path, excluded: &[PathBuf]) -> bool {
    excluded.iter().any(|entry| file.starts_with(entry))
}

#[test]
fn every_program_formats_idempotently_and_keeps_its_tokens() {
    let mut formatted_count = 0;
    for folder in FORMATTED_FOLDERS {
        for file in ln_files(&repository().join(folder)) {
            let text = std::fs::read_to_string(&file).expect("readable");
            let Ok(formatted) = format_source(&text) else {
                continue;
            };
            formatted_count += 1;
            if let Err(problem) = same_program(&text, &formatted) {
                panic!("{}: {problem}", file.display());
            }
            let again =
                format_source(&formatted).unwrap_or_else(|_| panic!("{}: the output does not parse", file.display()));
            assert_eq!(again, formatted, "{}: formatting is not idempotent", file.display());
        }
    }
    assert!(formatted_count > 500, "only {formatted_count} files were formatted");
}

#[test]
fn the_repository_programs_are_formatted() {
    let excluded = excluded();
    let mut unformatted = Vec::new();
    for folder in FORMATTED_FOLDERS {
        for file in ln_files(&repository().join(folder)) {
            if is_excluded(&file, &excluded) {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("readable");
            match format_source(&text) {
                Ok(formatted) if formatted == text => {}
                _ => unformatted.push(file.display().to_string()),
            }
        }
    }
    assert!(
        unformatted.is_empty(),
        "run `lang fmt` on these files, or list them in tests/cases/fmt-exclude.txt:\n{}",
        unformatted.join("\n")
    );
}

/// The formatted program of every run case prints its `.out` and exits as its directives
/// say: formatting never changes what a program does.
#[test]
fn run_cases_behave_the_same_after_formatting() {
    let run_folder = cases_dir().join("run");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&run_folder)
        .expect("readable")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_dir() || path.extension().is_some_and(|extension| extension == "ln"))
        .collect();
    entries.sort();
    let scratch = tempfile::tempdir().expect("a scratch folder");
    for (index, case) in entries.iter().enumerate() {
        let folder = scratch.path().join(index.to_string());
        std::fs::create_dir_all(&folder).expect("scratch folder");
        let (sources, entry, expected) = if case.is_dir() {
            (ln_files(case), "main.ln".to_string(), case.join("main.out"))
        } else {
            let name = case.file_name().expect("a name").to_string_lossy().into_owned();
            (vec![case.clone()], name, case.with_extension("out"))
        };
        let mut changed = false;
        for source in &sources {
            let text = std::fs::read_to_string(source).expect("readable");
            let formatted = format_source(&text).unwrap_or_else(|_| panic!("{}: run cases parse", source.display()));
            changed |= formatted != text;
            let name = if case.is_dir() {
                source.strip_prefix(case).expect("inside the case folder")
            } else {
                Path::new(source.file_name().expect("a name"))
            };
            std::fs::write(folder.join(name), formatted).expect("scratch file");
        }
        if !changed {
            // Already formatted: the case itself shows that it runs as expected.
            continue;
        }
        let directives = Directives::parse(&std::fs::read_to_string(folder.join(&entry)).expect("readable"));
        let mut args = vec!["run", entry.as_str()];
        args.extend(directives.args.iter().map(String::as_str));
        let outcome = run_lang(lang(), &folder, &args, std::time::Duration::from_secs(60));
        let expected = std::fs::read_to_string(&expected).unwrap_or_default();
        assert_eq!(
            outcome.stdout,
            expected,
            "{}: stdout changed after formatting",
            case.display()
        );
        assert_eq!(
            outcome.exit_code,
            Some(directives.exit),
            "{}: exit code changed after formatting",
            case.display()
        );
    }
}

fn fmt_command(folder: &Path, args: &[&str], stdin: &str) -> (String, String, i32) {
    use std::io::Write;
    let mut child = Command::new(lang())
        .arg("fmt")
        .args(args)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lang starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the text");
    let output = child.wait_with_output().expect("lang finishes");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

const UGLY: &str = "fn main( ) {\nlet x=1+2 // three\n    print( x )\n}\n";
const PRETTY: &str = "fn main() {\n    let x = 1 + 2 // three\n    print(x)\n}\n";
const BROKEN: &str = "fn main() {\n    let = 3\n}\n";

#[test]
fn fmt_rewrites_files_and_folders_and_reports_syntax_errors() {
    let folder = tempfile::tempdir().expect("scratch");
    std::fs::create_dir_all(folder.path().join("src/deeper")).expect("folders");
    std::fs::write(folder.path().join("src/a.ln"), UGLY).expect("write");
    std::fs::write(folder.path().join("src/deeper/b.ln"), UGLY).expect("write");
    std::fs::write(folder.path().join("src/broken.ln"), BROKEN).expect("write");
    std::fs::write(folder.path().join("src/notes.txt"), UGLY).expect("write");

    let (stdout, stderr, code) = fmt_command(folder.path(), &["--check", "src"], "");
    assert_eq!(code, 1);
    assert_eq!(stdout, "src/a.ln\nsrc/deeper/b.ln\n");
    assert!(stderr.contains("src/broken.ln"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(folder.path().join("src/a.ln")).expect("read"),
        UGLY,
        "--check writes nothing"
    );

    let (stdout, stderr, code) = fmt_command(folder.path(), &["src"], "");
    assert_eq!(code, 1, "a file had a syntax error");
    assert_eq!(stdout, "");
    assert!(stderr.contains("error"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(folder.path().join("src/a.ln")).expect("read"),
        PRETTY
    );
    assert_eq!(
        std::fs::read_to_string(folder.path().join("src/deeper/b.ln")).expect("read"),
        PRETTY
    );
    assert_eq!(
        std::fs::read_to_string(folder.path().join("src/broken.ln")).expect("read"),
        BROKEN,
        "left untouched"
    );
    assert_eq!(
        std::fs::read_to_string(folder.path().join("src/notes.txt")).expect("read"),
        UGLY,
        "not a .ln file"
    );

    let (stdout, _, code) = fmt_command(folder.path(), &["--check", "src/a.ln", "src/deeper"], "");
    assert_eq!((stdout.as_str(), code), ("", 0), "formatted files pass --check");
}

#[test]
fn fmt_does_not_follow_a_link_to_a_folder() {
    let folder = tempfile::tempdir().expect("scratch");
    std::fs::create_dir_all(folder.path().join("src/inner")).expect("folders");
    std::fs::write(folder.path().join("src/inner/a.ln"), UGLY).expect("write");
    // A link back to a parent: followed, the walk would never end.
    std::os::unix::fs::symlink("..", folder.path().join("src/inner/up")).expect("link");
    let (stdout, stderr, code) = fmt_command(folder.path(), &["--check", "src"], "");
    assert_eq!((stdout.as_str(), code), ("src/inner/a.ln\n", 1), "{stderr}");
}

#[test]
fn fmt_dash_formats_stdin_to_stdout() {
    let folder = tempfile::tempdir().expect("scratch");
    let (stdout, _, code) = fmt_command(folder.path(), &["-"], UGLY);
    assert_eq!((stdout.as_str(), code), (PRETTY, 0));
    let (stdout, stderr, code) = fmt_command(folder.path(), &["-"], BROKEN);
    assert_eq!(
        (stdout.as_str(), code),
        ("", 1),
        "a syntax error prints nothing on stdout"
    );
    assert!(stderr.contains("error"), "{stderr}");
}

/// The ```ln blocks of a Markdown page, each with the line its fence is on, without the
/// indentation of their fence (a block inside a list item is indented with it).
fn ln_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, usize, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed.starts_with("```ln") => {
                current = Some((index + 1, line.len() - trimmed.len(), String::new()));
            }
            Some(_) if trimmed.starts_with("```") => {
                blocks.extend(current.take().map(|(line, _, text)| (line, text)));
            }
            Some((_, indent, text)) => {
                text.push_str(line.get(*indent..).unwrap_or(trimmed));
                text.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// The book teaches the canonical style: every ```ln block that parses is already what
/// `lang fmt` makes of it (the book test checks that every block also compiles).
#[test]
fn the_books_code_blocks_are_formatted() {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repository().join("book/src"))
        .expect("book/src exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    pages.sort();
    let mut checked = 0;
    let mut unformatted = Vec::new();
    for page in pages {
        let markdown = std::fs::read_to_string(&page).expect("book pages are UTF-8");
        for (line, code) in ln_blocks(&markdown) {
            let Ok(formatted) = format_source(&code) else {
                continue;
            };
            checked += 1;
            if formatted != code {
                let name = page.file_name().expect("a name").to_string_lossy();
                unformatted.push(format!("{name}:{line}:\n{formatted}"));
            }
        }
    }
    assert!(checked >= 50, "only {checked} book blocks were found");
    assert!(
        unformatted.is_empty(),
        "book blocks not in `lang fmt`'s style (formatted, they read):\n{}",
        unformatted.join("\n")
    );
}
