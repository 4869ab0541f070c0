//! The compile cache of `lang run`, end to end: a warm start loads what a cold one stored, a
//! corrupt or truncated entry is ignored and rewritten, two processes can fill an empty cache
//! at once, `LANG_CACHE=0` leaves no trace, `lang cache clean` empties it — and the cache never
//! changes what a program does (every run case, without the cache, cold and warm).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// `lang ARGS` in `folder` with the cache in `cache_home` (`None`: `LANG_CACHE=0`), reporting
/// how many functions were loaded and compiled.
fn command(arguments: &[&str], folder: &Path, cache_home: Option<&Path>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lang"));
    command
        .args(arguments)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .env("LANG_CACHE_STATS", "1")
        .env_remove("LANG_HMR")
        .env_remove("LANG_MAX_HEAP");
    match cache_home {
        Some(home) => command.env("XDG_CACHE_HOME", home).env_remove("LANG_CACHE"),
        // A cache folder that must stay untouched.
        None => command
            .env("XDG_CACHE_HOME", folder.join("unused-cache"))
            .env("LANG_CACHE", "0"),
    };
    command
}

fn lang(arguments: &[&str], folder: &Path, cache_home: Option<&Path>) -> Output {
    command(arguments, folder, cache_home)
        .output()
        .expect("the lang binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// (functions loaded, functions compiled) from the `LANG_CACHE_STATS` line.
fn statistics(output: &Output) -> (usize, usize) {
    let stderr = text(&output.stderr);
    let line = stderr
        .lines()
        .find_map(|line| line.strip_prefix("lang: compile cache: "))
        .unwrap_or_else(|| panic!("no cache statistics in:\n{stderr}"));
    let numbers: Vec<usize> = line
        .split(|character: char| !character.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap())
        .collect();
    (numbers[0], numbers[1])
}

/// stderr without the statistics line.
fn diagnostics(output: &Output) -> String {
    text(&output.stderr)
        .lines()
        .filter(|line| !line.starts_with("lang: compile cache: "))
        .map(|line| format!("{line}\n"))
        .collect()
}

const PROGRAM: &str = "\
fn square(x: int) -> int {
    return x * x
}

fn sum_of_squares(n: int) -> int {
    var total = 0
    for i in 0..n {
        total += square(i)
    }
    return total
}

fn describe(n: int) -> str {
    return \"sum of squares below {n}: {sum_of_squares(n)}\"
}

fn main() {
    print(describe(10))
    print(describe(100))
}
";

const EXPECTED: &str = "sum of squares below 10: 285\nsum of squares below 100: 328350\n";

fn project() -> (TempDir, TempDir) {
    let folder = tempfile::Builder::new()
        .prefix("lang-cache-test-")
        .tempdir()
        .expect("temp folder");
    std::fs::write(folder.path().join("main.ln"), PROGRAM).expect("write main.ln");
    let cache = tempfile::Builder::new()
        .prefix("lang-cache-home-")
        .tempdir()
        .expect("temp folder");
    (folder, cache)
}

/// Every entry file of the cache under `home`.
fn entries(home: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(folders) = std::fs::read_dir(home.join("lang").join("code")) else {
        return found;
    };
    for folder in folders.flatten() {
        for file in std::fs::read_dir(folder.path()).expect("a cache folder").flatten() {
            found.push(file.path());
        }
    }
    found.sort();
    found
}

#[test]
fn a_second_start_loads_every_function_from_the_cache() {
    let (folder, cache) = project();
    let cold = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&cold.stdout), EXPECTED, "{}", text(&cold.stderr));
    let (loaded, compiled) = statistics(&cold);
    assert_eq!(loaded, 0);
    assert!(compiled > 0);
    assert!(!entries(cache.path()).is_empty());
    let warm = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&warm.stdout), EXPECTED);
    assert_eq!(statistics(&warm), (compiled, 0), "everything comes from the cache");
}

#[test]
fn an_edit_recompiles_only_what_changed() {
    let (folder, cache) = project();
    let cold = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    let (_, all) = statistics(&cold);
    let edited = PROGRAM.replace("return x * x", "return x * x + 1");
    std::fs::write(folder.path().join("main.ln"), edited).unwrap();
    let after_edit = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(
        text(&after_edit.stdout),
        "sum of squares below 10: 295\nsum of squares below 100: 328450\n"
    );
    let (loaded, compiled) = statistics(&after_edit);
    assert!(loaded > 0, "unchanged functions are loaded");
    assert!(compiled > 0 && compiled < all, "{compiled} of {all} compiled again");
}

#[test]
fn corrupt_and_truncated_entries_are_ignored_and_rewritten() {
    let (folder, cache) = project();
    let cold = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    let (_, all) = statistics(&cold);
    let stored = entries(cache.path());
    assert_eq!(stored.len(), all);
    // Garble every entry in a different way: truncated, a flipped byte in the middle, a
    // flipped last byte, emptied.
    for (index, path) in stored.iter().enumerate() {
        let mut bytes = std::fs::read(path).unwrap();
        match index % 4 {
            0 => bytes.truncate(bytes.len() / 2),
            1 => {
                let middle = bytes.len() / 2;
                bytes[middle] ^= 0xff;
            }
            2 => *bytes.last_mut().unwrap() ^= 1,
            _ => bytes.clear(),
        }
        std::fs::write(path, bytes).unwrap();
    }
    let after = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&after.stdout), EXPECTED, "{}", text(&after.stderr));
    assert_eq!(after.status.code(), Some(0));
    assert_eq!(statistics(&after), (0, all), "no garbled entry is used");
    let again = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&again.stdout), EXPECTED);
    assert_eq!(statistics(&again), (all, 0), "the entries were rewritten");
}

#[test]
fn two_processes_fill_an_empty_cache_at_once() {
    let (folder, cache) = project();
    let children: Vec<_> = (0..3)
        .map(|_| {
            command(&["run", "main.ln"], folder.path(), Some(cache.path()))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("lang starts")
        })
        .collect();
    let mut compiled = 0;
    for child in children {
        let output = child.wait_with_output().expect("lang finishes");
        assert_eq!(text(&output.stdout), EXPECTED, "{}", text(&output.stderr));
        assert_eq!(output.status.code(), Some(0));
        compiled = compiled.max(statistics(&output).1);
    }
    let warm = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&warm.stdout), EXPECTED);
    assert_eq!(statistics(&warm), (compiled, 0));
    let leftovers: Vec<_> = entries(cache.path())
        .into_iter()
        .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn lang_cache_0_turns_the_cache_off() {
    let (folder, _cache) = project();
    let output = lang(&["run", "main.ln"], folder.path(), None);
    assert_eq!(text(&output.stdout), EXPECTED);
    assert!(
        !text(&output.stderr).contains("compile cache"),
        "no cache, no statistics"
    );
    assert!(!folder.path().join("unused-cache").exists(), "nothing was written");
}

#[test]
fn lang_cache_clean_empties_the_cache_and_dir_names_it() {
    let (folder, cache) = project();
    lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert!(!entries(cache.path()).is_empty());
    let dir = lang(&["cache", "dir"], folder.path(), Some(cache.path()));
    assert_eq!(
        text(&dir.stdout).trim_end(),
        cache.path().join("lang").display().to_string()
    );
    let clean = lang(&["cache", "clean"], folder.path(), Some(cache.path()));
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stderr));
    assert!(entries(cache.path()).is_empty());
    assert!(!cache.path().join("lang").exists());
    let clean_again = lang(&["cache", "clean"], folder.path(), Some(cache.path()));
    assert_eq!(clean_again.status.code(), Some(0), "cleaning an empty cache succeeds");
    let after = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&after.stdout), EXPECTED);
}

/// The run cases of `tests/cases/run`: (folder, entry file, program arguments).
fn run_cases() -> Vec<(PathBuf, String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases/run");
    let mut cases = Vec::new();
    for item in std::fs::read_dir(&root).expect("the run cases").flatten() {
        let path = item.path();
        let (folder, entry) = if path.is_dir() {
            (path.clone(), "main.ln".to_string())
        } else if path.extension().is_some_and(|extension| extension == "ln") {
            (root.clone(), path.file_name().unwrap().to_string_lossy().into_owned())
        } else {
            continue;
        };
        let source = std::fs::read_to_string(folder.join(&entry)).unwrap_or_default();
        let arguments = lang_tests::Directives::parse(&source).args;
        cases.push((folder, entry, arguments));
    }
    cases.sort();
    cases
}

/// The differential test: every run case prints the same, says the same on stderr and exits
/// with the same code without the cache, with an empty cache and with a warm one.
#[test]
fn the_cache_never_changes_what_a_run_case_does() {
    let cache = tempfile::Builder::new()
        .prefix("lang-cache-differential-")
        .tempdir()
        .expect("temp folder");
    let mut differences = Vec::new();
    for (folder, entry, arguments) in run_cases() {
        let mut args = vec!["run", entry.as_str()];
        args.extend(arguments.iter().map(String::as_str));
        let without = lang(&args, &folder, None);
        for pass in ["cold", "warm"] {
            let with = lang(&args, &folder, Some(cache.path()));
            let same = with.stdout == without.stdout
                && diagnostics(&with) == diagnostics(&without)
                && with.status.code() == without.status.code();
            if !same {
                differences.push(format!(
                    "{entry} ({pass}): without the cache {:?}\n{}{}\nwith it {:?}\n{}{}",
                    without.status.code(),
                    text(&without.stdout),
                    diagnostics(&without),
                    with.status.code(),
                    text(&with.stdout),
                    diagnostics(&with)
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
