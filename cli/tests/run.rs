//! `lang run` as users run it: arguments, exit codes, runtime errors, Ctrl-C and the heap
//! limit (LANGUAGE.md sections 6 and 8).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

fn command(arguments: &[&str], folder: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lang"));
    command
        .args(arguments)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .env_remove("LANG_HMR")
        .env_remove("LANG_MAX_HEAP")
        .env(
            "XDG_CACHE_HOME",
            lang_tests::test_cache_home(Path::new(env!("CARGO_BIN_EXE_lang"))),
        );
    command
}

fn lang(arguments: &[&str], folder: &Path) -> Output {
    command(arguments, folder).output().expect("the lang binary runs")
}

fn scratch(name: &str, source: &str) -> TempDir {
    let folder = tempfile::Builder::new()
        .prefix(&format!("lang-run-test-{name}-"))
        .tempdir()
        .expect("temp folder");
    std::fs::write(folder.path().join("main.ln"), source).expect("write main.ln");
    folder
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PRINT_ARGS: &str = "fn main() {\n    for a in args() {\n        print(a)\n    }\n}\n";

#[test]
fn arguments_after_the_file_go_to_the_program() {
    let scratch_folder = scratch("args", PRINT_ARGS);
    let folder = scratch_folder.path();
    let output = lang(&["run", "main.ln", "--level=3", "--help", "x"], folder);
    assert_eq!(text(&output.stdout), "--level=3\n--help\nx\n");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn double_dash_passes_everything_after_it() {
    let scratch_folder = scratch("dashdash", PRINT_ARGS);
    let folder = scratch_folder.path();
    let output = lang(&["run", "main.ln", "--", "--hmr", "-v"], folder);
    assert_eq!(text(&output.stdout), "--hmr\n-v\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn hmr_after_the_file_is_lang_s_flag() {
    let scratch_folder = scratch("hmrflag", PRINT_ARGS);
    let folder = scratch_folder.path();
    let output = lang(&["run", "main.ln", "--hmr", "a"], folder);
    assert_eq!(text(&output.stdout), "a\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_unknown_lang_hmr_value_is_bad_usage() {
    let scratch_folder = scratch("hmrenv", PRINT_ARGS);
    let folder = scratch_folder.path();
    // Only the values LANGUAGE.md section 8 lists are accepted, exactly as written.
    for value in ["maybe", "TRUE", "True", " 1", "yes"] {
        let output = command(&["run", "main.ln"], folder)
            .env("LANG_HMR", value)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "LANG_HMR={value:?}");
        assert!(text(&output.stderr).contains("LANG_HMR"), "{}", text(&output.stderr));
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn an_unknown_flag_before_the_file_is_bad_usage() {
    let scratch_folder = scratch("badflag", PRINT_ARGS);
    let folder = scratch_folder.path();
    let output = lang(&["run", "--fast", "main.ln"], folder);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_compile_error_exits_1_and_runs_nothing() {
    let scratch_folder = scratch(
        "compile",
        "fn main() {\n    print(\"ran\")\n    let x: int = \"no\"\n}\n",
    );
    let folder = scratch_folder.path();
    let output = lang(&["run", "main.ln"], folder);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        text(&output.stderr).contains("main.ln:3:18"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_missing_file_exits_1() {
    let scratch_folder = scratch("missing", PRINT_ARGS);
    let folder = scratch_folder.path();
    let output = lang(&["run", "nope.ln"], folder);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).starts_with("error: cannot read `nope.ln`"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn exit_gives_its_code_after_flushing_output() {
    let scratch_folder = scratch("exit", "fn main() {\n    write(\"partial\")\n    exit(7)\n}\n");
    let folder = scratch_folder.path();
    let output = lang(&["run", "main.ln"], folder);
    assert_eq!(output.status.code(), Some(7));
    assert_eq!(text(&output.stdout), "partial");
}

#[test]
fn a_runtime_error_exits_101_with_location_and_stack() {
    let source = "fn inner(d: int) -> int {\n    return 10 / d\n}\n\nfn main() {\n    print(\"before\")\n    print(inner(0))\n}\n";
    let scratch_folder = scratch("runtime", source);
    let folder = scratch_folder.path();
    let output = lang(&["run", "main.ln"], folder);
    assert_eq!(output.status.code(), Some(101));
    assert_eq!(text(&output.stdout), "before\n");
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: division by zero\n  --> main.ln:2:12\n"),
        "{stderr}"
    );
    assert!(stderr.contains("inner at main.ln:2:12"), "{stderr}");
    assert!(stderr.contains("main at main.ln:7:11"), "{stderr}");
}

#[test]
fn memory_is_reclaimed_under_a_small_heap_limit() {
    // Builds and drops many trees: without collection this needs far more than 32 MiB.
    let source = "struct Node {\n    left: ?Node = nil,\n    right: ?Node = nil,\n}\n\nfn make(d: int) -> Node {\n    if d == 0 {\n        return Node {}\n    }\n    return Node { left: make(d - 1), right: make(d - 1) }\n}\n\nfn main() {\n    var total = 0\n    for i in 0..200 {\n        let t = make(12)\n        if t.left != nil {\n            total += 1\n        }\n    }\n    print(total)\n}\n";
    let scratch_folder = scratch("heap", source);
    let folder = scratch_folder.path();
    let output = command(&["run", "main.ln"], folder)
        .env("LANG_MAX_HEAP", "32M")
        .output()
        .expect("runs");
    assert_eq!(text(&output.stdout), "200\n", "{}", text(&output.stderr));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_heap_over_the_limit_is_a_runtime_error() {
    let source =
        "fn main() {\n    var all: [[int]] = []\n    while true {\n        all.push(fill(100000, 1))\n    }\n}\n";
    let scratch_folder = scratch("heaplimit", source);
    let folder = scratch_folder.path();
    let output = command(&["run", "main.ln"], folder)
        .env("LANG_MAX_HEAP", "16M")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(101));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: out of memory"), "{stderr}");
    assert!(stderr.contains("--> main.ln:4:18"), "{stderr}");
}

#[test]
fn a_bad_heap_limit_is_bad_usage() {
    let scratch_folder = scratch("badheap", PRINT_ARGS);
    let folder = scratch_folder.path();
    for value in ["lots", "", " 5M", "64MB", "1.5G", "+5"] {
        let output = command(&["run", "main.ln"], folder)
            .env("LANG_MAX_HEAP", value)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "LANG_MAX_HEAP={value:?}");
        assert!(text(&output.stderr).contains("LANG_MAX_HEAP"));
    }
}

#[test]
fn ctrl_c_flushes_output_and_exits_130() {
    use std::io::{BufRead, BufReader};
    // `sleep` flushes, so "started" arrives before the loop; the second line is still in the
    // output buffer when the interrupt comes, and must be flushed by it.
    let source = "fn main() {\n    print(\"started\")\n    sleep(0)\n    print(\"looping\")\n    var i = 0\n    while true {\n        i += 1\n    }\n}\n";
    let scratch_folder = scratch("sigint", source);
    let folder = scratch_folder.path();
    let mut child = command(&["run", "main.ln"], folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = sender.send(line.unwrap_or_default());
        }
    });
    let first = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("the program started");
    assert_eq!(first, "started");
    // Let the program reach its endless loop, with "looping" still in its output buffer.
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: sending a signal to our own child process.
    unsafe { libc_kill(child.id() as i32, 2) };
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "lang did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(130), "{status:?}");
    let rest = receiver.recv_timeout(Duration::from_secs(10)).unwrap_or_default();
    assert_eq!(rest, "looping", "output buffered before Ctrl-C is flushed");
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, signal: i32) -> i32;
}

#[test]
fn every_example_runs() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut count = 0;
    for entry in std::fs::read_dir(&examples).expect("examples folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|extension| extension == "ln") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let output = lang(&["run", &name], &examples);
            assert_eq!(output.status.code(), Some(0), "{name}: {}", text(&output.stderr));
            assert!(!output.stdout.is_empty(), "{name} printed nothing");
            count += 1;
        }
    }
    assert!(count >= 3);
}
