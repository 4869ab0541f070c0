//! The `lang` command as users run it: arguments, exit codes and where output goes
//! (LANGUAGE.md section 8).

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

fn lang(arguments: &[&str], folder: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lang"))
        .args(arguments)
        .current_dir(folder)
        .env_remove("NO_COLOR")
        .env(
            "XDG_CACHE_HOME",
            lang_tests::test_cache_home(Path::new(env!("CARGO_BIN_EXE_lang"))),
        )
        .output()
        .expect("the lang binary runs")
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("lang-cli-test-{name}-"))
        .tempdir()
        .expect("temp folder")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_valid_program_exits_0_and_prints_nothing() {
    let scratch_folder = scratch("valid");
    let folder = scratch_folder.path();
    std::fs::write(folder.join("main.ln"), "fn main() {\n    print(\"hi\")\n}\n").unwrap();
    let output = lang(&["check", "main.ln"], folder);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stdout.is_empty() && output.stderr.is_empty(),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn errors_exit_1_with_file_line_and_column_in_plain_text() {
    let scratch_folder = scratch("errors");
    let folder = scratch_folder.path();
    std::fs::write(
        folder.join("main.ln"),
        "fn main() {\n    let x: int = 1.5\n    print(y)\n}\n",
    )
    .unwrap();
    let output = lang(&["check", "main.ln"], folder);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("main.ln:2:18"), "{stderr}");
    assert!(stderr.contains("main.ln:3:11"), "{stderr}");
    assert!(stderr.contains("E0300") && stderr.contains("E0200"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour when stderr is not a terminal: {stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn flags_may_come_after_the_file() {
    let scratch_folder = scratch("flag-after");
    let folder = scratch_folder.path();
    std::fs::write(folder.join("main.ln"), "fn main() {}\n").unwrap();
    assert_eq!(lang(&["check", "main.ln", "--bogus"], folder).status.code(), Some(2));
    assert_eq!(lang(&["check", "--bogus", "main.ln"], folder).status.code(), Some(2));
}

#[test]
fn unreadable_inputs_get_one_line_and_exit_1() {
    let scratch_folder = scratch("unreadable");
    let folder = scratch_folder.path();
    std::fs::create_dir_all(folder.join("dir.ln")).unwrap();
    std::fs::write(folder.join("latin1.ln"), b"fn main() { print(\"caf\xe9\") }\n").unwrap();
    for (file, expected) in [
        ("missing.ln", "no such file"),
        ("dir.ln", "directory"),
        ("latin1.ln", "UTF-8"),
    ] {
        let output = lang(&["check", file], folder);
        assert_eq!(output.status.code(), Some(1), "{file}");
        let stderr = text(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{file}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(expected),
            "{file}: {stderr}"
        );
    }
}

#[test]
fn bad_usage_exits_2() {
    let scratch_folder = scratch("usage");
    let folder = scratch_folder.path();
    for arguments in [&[][..], &["check"], &["frobnicate", "x.ln"], &["--no-such-flag"]] {
        let output = lang(arguments, folder);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {}", text(&output.stderr));
    }
}

#[test]
fn help_and_version_print_to_stdout() {
    let scratch_folder = scratch("help");
    let folder = scratch_folder.path();
    let help = lang(&["--help"], folder);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("check"));
    let version = lang(&["--version"], folder);
    assert_eq!(version.status.code(), Some(0));
    assert!(text(&version.stdout).starts_with("lang "));
    let check_help = lang(&["check", "--help"], folder);
    assert_eq!(check_help.status.code(), Some(0));
}

#[test]
fn imports_are_found_next_to_the_main_file_from_any_working_directory() {
    let scratch_folder = scratch("imports");
    let folder = scratch_folder.path();
    std::fs::create_dir_all(folder.join("game")).unwrap();
    std::fs::write(
        folder.join("game/main.ln"),
        "import world\nimport strings\n\nfn main() {\n    print(world.size())\n    print(strings.join([\"a\"], \",\"))\n}\n",
    )
    .unwrap();
    std::fs::write(
        folder.join("game/world.ln"),
        "pub fn size() -> int {\n    return 3\n}\n",
    )
    .unwrap();
    let output = lang(&["check", "game/main.ln"], folder);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    let scratch_folder = scratch("nesting");
    let folder = scratch_folder.path();
    let source = format!("fn main() {{ print({}1{}) }}\n", "(".repeat(10_000), ")".repeat(10_000));
    std::fs::write(folder.join("main.ln"), source).unwrap();
    let output = lang(&["check", "main.ln"], folder);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("E0007"));
}

#[test]
fn every_example_checks_clean() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples)
        .expect("examples folder")
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_some_and(|extension| extension == "ln") {
            let output = lang(&["check", path.to_str().unwrap()], &examples);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{}: {}",
                path.display(),
                text(&output.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "expected at least three examples, found {checked}");
}

/// Output that cannot be written (a full disk, a pipe closed early) is an error with a message
/// and exit code 1, never a panic (101) nor a silent success: `lang fmt -`, `lang fmt --check`
/// and `lang cache dir`.
#[test]
fn output_that_cannot_be_written_is_an_error_not_a_panic() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("note: no /dev/full here; skipping");
        return;
    };
    let folder = scratch("full");
    std::fs::write(folder.path().join("main.ln"), "fn main(){print(1)}\n").expect("write");
    for arguments in [
        &["fmt", "--check", "main.ln"][..],
        &["cache", "dir"][..],
        &["fmt", "-"][..],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_lang"))
            .args(arguments)
            .current_dir(folder.path())
            .env(
                "XDG_CACHE_HOME",
                lang_tests::test_cache_home(Path::new(env!("CARGO_BIN_EXE_lang"))),
            )
            .stdin(std::fs::File::open(folder.path().join("main.ln")).expect("open"))
            .stdout(full.try_clone().expect("clone"))
            .output()
            .expect("the lang binary runs");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{arguments:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{arguments:?}: {stderr}"
        );
        assert!(!stderr.contains("internal compiler error"), "{arguments:?}: {stderr}");
    }
}
