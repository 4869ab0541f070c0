//! The compile cache of `lang run`, end to end: a warm start loads what a cold one stored, a
//! corrupt or truncated entry is ignored and rewritten, two processes can fill an empty cache
//! at once, `LANG_CACHE=0` leaves no trace, `lang cache clean` empties it — and the cache never
//! changes what a program does (every run case, without the cache, cold and warm — warm
//! replays the program's image). A program's image is used only while every source file it
//! read is unchanged. The first
//! compile of `lang run --hmr` uses threads but not the cache.

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

/// (functions loaded, functions compiled) from the `LANG_CACHE_STATS` line of a start that
/// checked and compiled the program.
fn statistics(output: &Output) -> (usize, usize) {
    let stderr = text(&output.stderr);
    let line = stderr
        .lines()
        .find_map(|line| line.strip_prefix("lang: compile cache: "))
        .filter(|line| !line.starts_with("program image"))
        .unwrap_or_else(|| panic!("no per-function cache statistics in:\n{stderr}"));
    let numbers: Vec<usize> = line
        .split(|character: char| !character.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap())
        .collect();
    (numbers[0], numbers[1])
}

/// How many functions a start replayed from the program's image (`None`: it compiled).
fn image_loaded(output: &Output) -> Option<usize> {
    let stderr = text(&output.stderr);
    let line = stderr
        .lines()
        .find_map(|line| line.strip_prefix("lang: compile cache: program image loaded ("))?;
    line.split(' ').next()?.parse().ok()
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

/// Every entry file of the cache under `home`: functions' code and program images.
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
    assert_eq!(
        image_loaded(&warm),
        Some(compiled),
        "the whole program comes from its image"
    );
    // Without the program's image (a different working folder names another program), each
    // function still comes from the cache.
    let elsewhere = tempfile::Builder::new()
        .prefix("lang-cache-elsewhere-")
        .tempdir()
        .unwrap();
    std::fs::write(elsewhere.path().join("main.ln"), PROGRAM).unwrap();
    let other = lang(&["run", "main.ln"], elsewhere.path(), Some(cache.path()));
    assert_eq!(text(&other.stdout), EXPECTED);
    assert_eq!(statistics(&other), (compiled, 0), "every function comes from the cache");
}

#[test]
fn a_program_image_is_used_only_while_every_source_file_is_unchanged() {
    let (folder, cache) = project();
    let main = PROGRAM.replace(
        "fn main() {",
        "import helper\n\nfn main() {\n    print(helper.greeting())",
    );
    std::fs::write(folder.path().join("main.ln"), &main).unwrap();
    let helper = "pub fn greeting() -> str {\n    return \"hello\"\n}\n";
    std::fs::write(folder.path().join("helper.ln"), helper).unwrap();
    let expected = format!("hello\n{EXPECTED}");
    let cold = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&cold.stdout), expected, "{}", text(&cold.stderr));
    assert_eq!(image_loaded(&cold), None);
    let warm = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&warm.stdout), expected);
    assert!(image_loaded(&warm).is_some(), "{}", text(&warm.stderr));
    // An imported file edited: the image is stale, the program is checked and compiled again.
    std::fs::write(folder.path().join("helper.ln"), helper.replace("hello", "bonjour")).unwrap();
    let edited = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&edited.stdout), format!("bonjour\n{EXPECTED}"));
    assert_eq!(image_loaded(&edited), None);
    let again = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&again.stdout), format!("bonjour\n{EXPECTED}"));
    assert!(image_loaded(&again).is_some(), "the new image was stored");
    // An imported file removed: a compile error, never the old image.
    std::fs::remove_file(folder.path().join("helper.ln")).unwrap();
    let removed = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&removed.stdout), "");
    assert_ne!(removed.status.code(), Some(0));
    assert!(text(&removed.stderr).contains("helper"), "{}", text(&removed.stderr));
    // Asking for the machine code or the checker's times asks for a real compile.
    std::fs::write(folder.path().join("helper.ln"), helper).unwrap();
    lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    let dumped = command(&["run", "main.ln"], folder.path(), Some(cache.path()))
        .env("LANG_DUMP_ASM", "1")
        .output()
        .unwrap();
    assert_eq!(text(&dumped.stdout), expected);
    assert_eq!(image_loaded(&dumped), None);
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
    assert_eq!(stored.len(), all + 1, "each function and the program's image");
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
    assert_eq!(image_loaded(&again), Some(all), "the program's image was rewritten");
    std::fs::remove_dir_all(cache.path().join("lang").join("code").join("programs")).unwrap();
    let without_image = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&without_image.stdout), EXPECTED);
    assert_eq!(
        statistics(&without_image),
        (all, 0),
        "the functions' entries were rewritten"
    );
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
    // Each process meets every function once, loaded (another process stored it first) or
    // compiled, or replays the whole image: how the work split between them depends on
    // timing, the sum does not.
    let mut functions = 0;
    for child in children {
        let output = child.wait_with_output().expect("lang finishes");
        assert_eq!(text(&output.stdout), EXPECTED, "{}", text(&output.stderr));
        assert_eq!(output.status.code(), Some(0));
        // A process that started after another stored the program's image replays it.
        let met = match image_loaded(&output) {
            Some(replayed) => replayed,
            None => {
                let (loaded, compiled) = statistics(&output);
                loaded + compiled
            }
        };
        functions = functions.max(met);
    }
    let warm = lang(&["run", "main.ln"], folder.path(), Some(cache.path()));
    assert_eq!(text(&warm.stdout), EXPECTED);
    assert_eq!(image_loaded(&warm), Some(functions));
    let leftovers: Vec<_> = entries(cache.path())
        .into_iter()
        .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn hot_start_up_compiles_on_threads_and_leaves_the_cache_alone() {
    let (folder, cache) = project();
    for threads in ["1", "3"] {
        let output = command(&["run", "--hmr", "main.ln"], folder.path(), Some(cache.path()))
            .env("LANG_COMPILE_THREADS", threads)
            .output()
            .expect("the lang binary runs");
        assert_eq!(text(&output.stdout), EXPECTED, "{}", text(&output.stderr));
        assert_eq!(output.status.code(), Some(0));
    }
    assert!(entries(cache.path()).is_empty(), "hot code is not stored");
}

#[test]
fn a_bad_number_of_compile_threads_is_a_usage_error_in_both_modes() {
    let (folder, cache) = project();
    for arguments in [&["run", "main.ln"][..], &["run", "--hmr", "main.ln"][..]] {
        let output = command(arguments, folder.path(), Some(cache.path()))
            .env("LANG_COMPILE_THREADS", "many")
            .output()
            .expect("the lang binary runs");
        assert_eq!(output.status.code(), Some(2), "{arguments:?}");
        assert!(
            text(&output.stderr).contains("LANG_COMPILE_THREADS must be a number of threads, not `many`"),
            "{}",
            text(&output.stderr)
        );
        assert_eq!(text(&output.stdout), "");
    }
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

#[test]
fn a_cache_folder_that_cannot_be_emptied_is_exit_1_with_the_reason() {
    // Permissions do not stop root (CI may run as root): a file where the cache folder's parent
    // should be fails for every user.
    let (folder, cache) = project();
    let not_a_folder = cache.path().join("file");
    std::fs::write(&not_a_folder, "not a folder").unwrap();
    let clean = lang(&["cache", "clean"], folder.path(), Some(&not_a_folder));
    assert_eq!(clean.status.code(), Some(1), "{}", text(&clean.stderr));
    let stderr = text(&clean.stderr);
    assert!(stderr.contains("cannot empty the cache"), "{stderr}");
    assert!(
        stderr.contains(&not_a_folder.join("lang").display().to_string()),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
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
            // A program that compiled without a word is replayed from its image when warm.
            if pass == "warm" && diagnostics(&without).is_empty() && image_loaded(&with).is_none() {
                differences.push(format!("{entry} (warm): its image was not replayed"));
            }
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
