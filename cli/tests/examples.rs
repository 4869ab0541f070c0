//! The programs in `examples/` run as their comments and READMEs say: the small examples
//! print what they should, the snake autopilot and the dashboard finish on their own with
//! the same output under `lang run`, `lang run --hmr` and a `lang build --release`
//! executable, and `examples/demo.sh` shows a live edit in tmux without losing the game.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// No example may take longer than this; they all normally finish within a few seconds.
const DEADLINE: Duration = Duration::from_secs(60);

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn scratch(name: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("lang-examples-test-{name}-"))
        .tempdir()
        .expect("temp folder")
}

fn collect(mut stream: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = bytes.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(count) => sink.lock().unwrap().extend_from_slice(&chunk[..count]),
            }
        }
    });
    bytes
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Finished {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }

    fn describe(&self) -> String {
        let stdout = &self.stdout[self.stdout.len().saturating_sub(2000)..];
        format!(
            "status {:?}\n--- stdout (end)\n{stdout}\n--- stderr\n{}",
            self.status, self.stderr
        )
    }
}

/// Runs `command` to the end with stdin closed, killing it (and failing) at the deadline.
fn run(mut command: Command) -> Finished {
    command
        .env("NO_COLOR", "1")
        .env_remove("LANG_HMR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let described = format!("{command:?}");
    let mut child = command.spawn().expect("the command starts");
    let stdout = collect(child.stdout.take().expect("stdout"));
    let stderr = collect(child.stderr.take().expect("stderr"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{described} did not finish within {DEADLINE:?}\n--- stderr\n{}",
                String::from_utf8_lossy(&stderr.lock().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // The readers end when the pipes close; give them a moment to drain.
    let drained = Instant::now();
    while Arc::strong_count(&stdout) > 1 || Arc::strong_count(&stderr) > 1 {
        if drained.elapsed() > Duration::from_secs(5) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let text = |bytes: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&bytes.lock().unwrap()).into_owned();
    Finished {
        status,
        stdout: text(&stdout),
        stderr: text(&stderr),
    }
}

fn lang(arguments: &[&str]) -> Finished {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lang"));
    command.args(arguments).current_dir(examples()).env(
        "XDG_CACHE_HOME",
        lang_tests::test_cache_home(std::path::Path::new(env!("CARGO_BIN_EXE_lang"))),
    );
    run(command)
}

#[test]
fn hello_greets_and_adds() {
    let output = lang(&["run", "hello.ln"]);
    assert_eq!(output.code(), Some(0), "{}", output.describe());
    assert_eq!(output.stdout, "hello, world!\n1 + 2 + ... + 10 = 55\n");
}

#[test]
fn fizzbuzz_counts_to_twenty() {
    let output = lang(&["run", "fizzbuzz.ln"]);
    assert_eq!(output.code(), Some(0), "{}", output.describe());
    let lines: Vec<&str> = output.stdout.lines().collect();
    assert_eq!(lines.len(), 20, "{}", output.stdout);
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        let expected = match (n % 3, n % 5) {
            (0, 0) => "FizzBuzz".to_string(),
            (0, _) => "Fizz".to_string(),
            (_, 0) => "Buzz".to_string(),
            _ => n.to_string(),
        };
        assert_eq!(*line, expected, "line {n}");
    }
}

#[test]
fn inventory_totals_the_items() {
    let output = lang(&["run", "inventory.ln"]);
    assert_eq!(output.code(), Some(0), "{}", output.describe());
    assert_eq!(output.stdout, "2 kinds of item, worth 21.50\npotions: 4\nno shield\n");
}

/// The `autoplay: N frames, score S, length L` line at the end of the snake's output.
fn autoplay_line(output: &Finished) -> (String, i64, i64, i64) {
    let line = output
        .stdout
        .lines()
        .rev()
        .find(|line| line.starts_with("autoplay: "))
        .unwrap_or_else(|| panic!("no `autoplay:` line\n{}", output.describe()))
        .to_string();
    let numbers: Vec<i64> = line
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .filter_map(|word| word.parse().ok())
        .collect();
    assert_eq!(
        numbers.len(),
        3,
        "`{line}` should be `autoplay: N frames, score S, length L`"
    );
    assert_eq!(
        line,
        format!(
            "autoplay: {} frames, score {}, length {}",
            numbers[0], numbers[1], numbers[2]
        )
    );
    (line, numbers[0], numbers[1], numbers[2])
}

#[test]
fn snake_autopilot_plays_alike_in_every_mode() {
    let game = examples().join("snake/game.ln");
    let game = game.to_str().unwrap();

    let jit = lang(&["run", game, "--", "--autoplay", "200"]);
    assert_eq!(jit.code(), Some(0), "{}", jit.describe());
    let (line, frames, score, length) = autoplay_line(&jit);
    assert_eq!(frames, 200, "{line}");
    assert!(score >= 0, "{line}");
    assert!(length >= 1, "{line}");
    // Every frame is drawn: the status line of the last one is on the screen.
    assert!(jit.stdout.contains("autopilot: frame 200 of 200"), "{}", jit.describe());

    let hot = lang(&["run", "--hmr", game, "--autoplay", "200"]);
    assert_eq!(hot.code(), Some(0), "{}", hot.describe());
    assert_eq!(autoplay_line(&hot).0, line, "lang run --hmr disagrees with lang run");
    assert!(
        hot.stdout == jit.stdout,
        "lang run --hmr drew other frames than lang run"
    );

    let scratch_folder = scratch("snake-build");

    let folder = scratch_folder.path();
    let executable = folder.join("snake");
    let built = lang(&["build", "--release", game, "-o", executable.to_str().unwrap()]);
    assert_eq!(built.code(), Some(0), "{}", built.describe());
    let mut command = Command::new(&executable);
    command.args(["--autoplay", "200"]).current_dir(folder);
    let native = run(command);
    assert_eq!(native.code(), Some(0), "{}", native.describe());
    assert_eq!(
        autoplay_line(&native).0,
        line,
        "the built executable disagrees with lang run"
    );
    assert!(
        native.stdout == jit.stdout,
        "the built executable drew other frames than lang run"
    );
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn snake_rejects_a_bad_option() {
    let output = lang(&["run", "snake/game.ln", "--autoplay", "many"]);
    assert_eq!(output.code(), Some(2), "{}", output.describe());
    assert!(output.stdout.contains("usage:"), "{}", output.describe());
}

#[test]
fn dashboard_runs_five_frames_and_exits() {
    let output = lang(&["run", "dashboard.ln", "--frames", "5"]);
    assert_eq!(output.code(), Some(0), "{}", output.describe());
    let last = output.stdout.lines().rev().find(|line| line.starts_with("dashboard: "));
    let last = last.unwrap_or_else(|| panic!("no summary line\n{}", output.describe()));
    assert!(last.starts_with("dashboard: 5 frames, "), "{last}");
    assert!(
        output.stdout.contains("lang traffic dashboard"),
        "{}",
        output.describe()
    );
    // Seeded: the same run gives the same screens.
    let again = lang(&["run", "dashboard.ln", "--frames", "5"]);
    assert!(again.stdout == output.stdout, "two seeded runs of the dashboard differ");
}

#[test]
fn dashboard_without_a_terminal_draws_a_few_frames_and_exits() {
    // Standard input is not a terminal here: no --frames needed to finish.
    let output = lang(&["run", "dashboard.ln"]);
    assert_eq!(output.code(), Some(0), "{}", output.describe());
    assert!(
        output.stdout.contains("\ndashboard: 3 frames, "),
        "{}",
        output.describe()
    );
}

#[test]
fn dashboard_counts_the_lines_of_a_log() {
    let scratch_folder = scratch("dashboard-log");
    let folder = scratch_folder.path();
    let log = folder.join("access.log");
    std::fs::write(
        &log,
        "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /index.html HTTP/1.0\" 200 2326\n\
         1.2.3.4 - - [10/Oct/2000:13:55:37 -0700] \"POST /login HTTP/1.1\" 404 12\n\
         1.2.3.4 - - [10/Oct/2000:13:55:38 -0700] \"GET /boom HTTP/1.1\" 500 0\n",
    )
    .unwrap();
    let output = lang(&["run", "dashboard.ln", log.to_str().unwrap(), "--frames", "2"]);
    assert_eq!(output.code(), Some(0), "{}", output.describe());
    assert!(
        output
            .stdout
            .contains("dashboard: 2 frames, 3 requests, 3 status codes"),
        "{}",
        output.describe()
    );
    assert!(output.stdout.contains("/login"), "{}", output.describe());
    let _ = std::fs::remove_dir_all(folder);
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn demo_edits_the_running_game_in_tmux() {
    if !tmux_available() {
        eprintln!("note: tmux is not installed; skipping examples/demo.sh");
        return;
    }
    let mut command = Command::new("bash");
    command
        .arg(examples().join("demo.sh"))
        .env("LANG_BIN", env!("CARGO_BIN_EXE_lang"))
        .env(
            "XDG_CACHE_HOME",
            lang_tests::test_cache_home(std::path::Path::new(env!("CARGO_BIN_EXE_lang"))),
        )
        .current_dir(examples());
    let output = run(command);
    assert_eq!(output.code(), Some(0), "{}", output.describe());
    let after = output
        .stdout
        .split("=== AFTER")
        .nth(1)
        .unwrap_or_else(|| panic!("no AFTER capture\n{}", output.describe()));
    assert!(after.contains("HOT RELOADED: S N A K E"), "{}", output.describe());
    // The BEFORE capture is the game as it started, with the old title.
    let before = output
        .stdout
        .split("=== BEFORE")
        .nth(1)
        .and_then(|rest| rest.split("=== live edit").next())
        .unwrap_or_else(|| panic!("no BEFORE capture\n{}", output.describe()));
    assert!(before.contains("S N A K E"), "{}", output.describe());
    assert!(!before.contains("HOT RELOADED"), "{}", output.describe());
    assert!(output.stdout.contains("demo.sh: OK"), "{}", output.describe());
}
