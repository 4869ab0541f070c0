//! Shared helpers of the end-to-end tests: loading a case (a `.ln` file or a folder) and
//! checking it through the compiler as the command line would.

pub mod generator;
pub mod rust_imports;
pub mod session;

use std::path::{Path, PathBuf};

use lang_compiler::{LoadError, SourceLoader, diagnostics};

/// The folder holding every case, grouped by stage.
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// Reads files relative to one folder, so that diagnostics show short, machine-independent
/// paths like `main.ln` exactly as a user running `lang check main.ln` in that folder sees.
pub struct FolderLoader {
    pub root: PathBuf,
}

impl SourceLoader for FolderLoader {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        lang_compiler::FileSystemLoader.load(&self.root.join(path))
    }
}

/// One case: its folder, its entry file (relative to the folder) and every source file
/// that belongs to it.
pub struct Case {
    pub folder: PathBuf,
    pub entry: PathBuf,
    pub files: Vec<PathBuf>,
}

impl Case {
    pub fn load(stage: &str, name: &str) -> Case {
        let path = cases_dir().join(stage).join(name);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
                .expect("case folder is readable")
                .filter_map(Result::ok)
                .filter(|entry| entry.path().is_file())
                .map(|entry| PathBuf::from(entry.file_name()))
                .filter(|file| file.extension().is_some_and(|extension| extension == "ln"))
                .collect();
            files.sort();
            Case {
                folder: path,
                entry: PathBuf::from("main.ln"),
                files,
            }
        } else {
            let file = PathBuf::from(name);
            Case {
                folder: path.parent().expect("a case has a folder").to_path_buf(),
                entry: file.clone(),
                files: vec![file],
            }
        }
    }
}

/// The outcome of checking a case.
pub struct Checked {
    pub rendered: String,
    pub codes: Vec<&'static str>,
    pub has_errors: bool,
}

/// Checks a case with the compiler, rendering diagnostics without colour.
pub fn check_case(case: &Case) -> Checked {
    let mut loader = FolderLoader {
        root: case.folder.clone(),
    };
    match lang_compiler::check_program(&case.entry, &mut loader) {
        Ok(checked) => Checked {
            rendered: diagnostics::render(&checked.diagnostics, &checked.sources, false),
            codes: checked
                .diagnostics
                .iter()
                .map(|diagnostic| diagnostic.code.as_str())
                .collect(),
            has_errors: checked.has_errors(),
        },
        Err(error) => Checked {
            rendered: format!("error: {error}\n"),
            codes: Vec::new(),
            has_errors: true,
        },
    }
}

/// What running a program printed and how it ended.
pub struct RunOutcome {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: Option<i32>,
    pub timed_out: bool,
}

/// The directives at the top of a run case: `// args: ...`, `// exit: N`, `// error: ...`,
/// `// at: FILE:LINE:COL`.
#[derive(Debug, Default)]
pub struct Directives {
    pub args: Vec<String>,
    pub exit: i32,
    pub error: Option<String>,
    pub at: Option<String>,
}

impl Directives {
    pub fn parse(source: &str) -> Directives {
        let mut directives = Directives::default();
        for line in source.lines() {
            let Some(comment) = line.trim().strip_prefix("//") else {
                break;
            };
            let comment = comment.trim();
            if let Some(args) = comment.strip_prefix("args:") {
                directives.args = args.split_whitespace().map(str::to_string).collect();
            } else if let Some(code) = comment.strip_prefix("exit:") {
                directives.exit = code.trim().parse().expect("`// exit:` takes a number");
            } else if let Some(error) = comment.strip_prefix("error:") {
                directives.error = Some(error.trim().to_string());
            } else if let Some(at) = comment.strip_prefix("at:") {
                directives.at = Some(at.trim().to_string());
            }
        }
        directives
    }
}

/// The compile cache of the tests: beside the `lang` binary in the target folder (removed by
/// `cargo clean`, bounded like any cache), never the user's own.
pub fn test_cache_home(lang: &Path) -> PathBuf {
    lang.parent().unwrap_or(Path::new(".")).join("lang-test-cache")
}

/// Runs `lang ARGS` in `folder` with a deadline, the way a user would in a terminal without
/// colour.
pub fn run_lang(lang: &Path, folder: &Path, args: &[&str], deadline: std::time::Duration) -> RunOutcome {
    run_lang_until(lang, folder, args, deadline, |_| false)
}

/// Like [`run_lang`], but also stops the process (and reports `timed_out: false`) as soon as
/// `done(stderr so far)` holds: a program under `--hmr` does not exit after a runtime error.
pub fn run_lang_until(
    lang: &Path,
    folder: &Path,
    args: &[&str],
    deadline: std::time::Duration,
    done: impl Fn(&str) -> bool,
) -> RunOutcome {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(lang)
        .args(args)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .env_remove("LANG_HMR")
        .env("XDG_CACHE_HOME", test_cache_home(lang))
        .env_remove("LANG_CACHE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lang binary can be started");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let collected = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = collected.clone();
    let err_reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        loop {
            match stderr.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(count) => sink.lock().unwrap().extend_from_slice(&chunk[..count]),
            }
        }
    });
    let started = std::time::Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on lang") {
            break status;
        }
        if done(&String::from_utf8_lossy(&collected.lock().unwrap())) {
            let _ = child.kill();
            break child.wait().expect("waiting on a killed lang");
        }
        if started.elapsed() > deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("waiting on a killed lang");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    RunOutcome {
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned(),
        stderr: {
            let _ = err_reader.join();
            String::from_utf8_lossy(&collected.lock().unwrap()).into_owned()
        },
        exit_code: status.code(),
        timed_out,
    }
}

/// A fresh folder for one build's output, removed when dropped.
fn scratch_folder() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("lang-tests-")
        .tempdir()
        .expect("scratch folder")
}

/// Builds a case with `lang build --release` into a scratch folder and runs the executable in
/// the case's folder with `args`; panics if the build fails.
pub fn build_and_run_release(lang: &Path, folder: &Path, entry: &str, args: &[&str], id: &str) -> RunOutcome {
    let scratch = scratch_folder();
    let executable = scratch.path().join(id.replace('/', "-"));
    let executable_text = executable.to_string_lossy().into_owned();
    let build = run_lang(
        lang,
        folder,
        &["build", "--release", entry, "-o", &executable_text],
        std::time::Duration::from_secs(120),
    );
    assert_eq!(
        build.exit_code,
        Some(0),
        "{id}: lang build --release failed:\n{}",
        build.stderr
    );
    let outcome = run_lang(&executable, folder, args, std::time::Duration::from_secs(120));
    let _ = std::fs::remove_file(&executable);
    outcome
}

/// Builds a case with `lang build --hmr` into a scratch folder and runs the host executable
/// (which loads the modules' shared libraries) in the case's folder with `args`, stopping it
/// early when `done(stderr so far)` holds; panics if the build fails.
pub fn build_and_run_hmr_libraries(
    lang: &Path,
    folder: &Path,
    entry: &str,
    args: &[&str],
    id: &str,
    done: impl Fn(&str) -> bool,
) -> RunOutcome {
    let scratch = scratch_folder();
    let executable = scratch.path().join(format!("{}-hmr", id.replace('/', "-")));
    let executable_text = executable.to_string_lossy().into_owned();
    let build = run_lang(
        lang,
        folder,
        &["build", "--hmr", entry, "-o", &executable_text],
        std::time::Duration::from_secs(120),
    );
    assert_eq!(
        build.exit_code,
        Some(0),
        "{id}: lang build --hmr failed:\n{}",
        build.stderr
    );
    let outcome = run_lang_until(&executable, folder, args, std::time::Duration::from_secs(120), done);
    let _ = std::fs::remove_file(&executable);
    let _ = std::fs::remove_dir_all(format!("{executable_text}.modules"));
    outcome
}

/// Checks that a hot mode (`--hmr`, or a `lang build --hmr` host) behaves like `lang run`:
/// same stdout, stderr and exit code — except that after a runtime error it keeps running,
/// waiting for a fix (LANGUAGE.md section 7 item 7), so `start` is given a predicate that
/// stops it once the report is out, and only the report's head is compared.
pub fn assert_hot_matches(
    id: &str,
    mode: &str,
    run: &RunOutcome,
    start: impl FnOnce(Box<dyn Fn(&str) -> bool>) -> RunOutcome,
) {
    let waits_after_error = run.exit_code == Some(101);
    // The report's message and location; the backtrace follows in the same write. Hot code's
    // frames differ (it has polls), so unbounded recursion overflows at another depth, and
    // may do so in another function of the cycle: for a stack overflow only the message is
    // compared.
    let overflow = run.stderr.starts_with("error: stack overflow\n");
    let head: String = run
        .stderr
        .lines()
        .take(if overflow { 1 } else { 2 })
        .map(|line| format!("{line}\n"))
        .collect();
    let expected_head = head.clone();
    let hot = start(Box::new(move |stderr: &str| {
        waits_after_error && stderr.starts_with(&expected_head) && stderr.contains("stack backtrace")
    }));
    assert!(!hot.timed_out, "{id}: {mode} did not finish in time\n{}", hot.stderr);
    if hot.stdout != run.stdout {
        let line = hot
            .stdout
            .lines()
            .zip(run.stdout.lines())
            .position(|(hot_line, run_line)| hot_line != run_line)
            .unwrap_or_else(|| hot.stdout.lines().count().min(run.stdout.lines().count()));
        panic!(
            "{id}: {mode} stdout differs from lang run from line {} ({} lines against {}; exit {:?} against {:?})\n\
             {mode}: {:?}\nlang run: {:?}\n{mode} stderr:\n{}",
            line + 1,
            hot.stdout.lines().count(),
            run.stdout.lines().count(),
            hot.exit_code,
            run.exit_code,
            hot.stdout.lines().nth(line),
            run.stdout.lines().nth(line),
            hot.stderr
        );
    }
    if waits_after_error {
        assert!(
            hot.stderr.starts_with(&head),
            "{id}: {mode} error report differs:\n{}",
            hot.stderr
        );
    } else {
        assert_eq!(hot.stderr, run.stderr, "{id}: {mode} stderr differs from lang run");
        assert_eq!(
            hot.exit_code, run.exit_code,
            "{id}: {mode} exit code differs from lang run"
        );
    }
}
