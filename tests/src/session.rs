//! The shared driver of the end-to-end hot-reload tests (`cli/tests/hmr.rs`,
//! `cli/tests/build_hmr.rs`): a temporary project folder edited the ways editors save, and a
//! running process whose output is collected as it arrives. Every wait is on output with a
//! deadline, never a fixed long sleep.

use std::ffi::OsStr;
use std::io::Read;
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any one wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// How long to wait, after the process exited, for its output to be read to the end. The
/// pipes close when the process exits, unless a child of it still holds them.
const DRAIN_DEADLINE: Duration = Duration::from_secs(2);

/// A temporary folder holding a program's sources, removed when dropped.
pub struct Project {
    folder: tempfile::TempDir,
}

impl Project {
    /// A fresh folder (its name starts with `lang-test-NAME-`) holding `files`.
    pub fn new(name: &str, files: &[(&str, &str)]) -> Project {
        let folder = tempfile::Builder::new()
            .prefix(&format!("lang-test-{name}-"))
            .tempdir()
            .expect("a temporary folder");
        let project = Project { folder };
        for (file, text) in files {
            project.write_in_place(file, text);
        }
        project
    }

    pub fn folder(&self) -> &Path {
        self.folder.path()
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.folder().join(file)
    }

    /// Saves like most editors' default: truncate and write in place.
    pub fn write_in_place(&self, file: &str, text: impl AsRef<[u8]>) {
        std::fs::write(self.path(file), text).expect("write in place");
    }

    /// Saves like vim, VS Code and JetBrains: a temporary file renamed over the original.
    pub fn write_by_rename(&self, file: &str, bytes: impl AsRef<[u8]>) {
        let temporary = self.path(&format!(".{}.swp", file.replace('/', "_")));
        std::fs::write(&temporary, bytes).expect("write temp");
        std::fs::rename(&temporary, self.path(file)).expect("rename");
    }

    /// `program` to be run in the folder without colour, with `LANG_HMR` unset so the
    /// tester's environment does not turn hot reload on.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let cache_home = crate::test_cache_home(Path::new(program.as_ref()));
        let mut command = Command::new(program);
        command
            .current_dir(self.folder())
            .env("NO_COLOR", "1")
            .env_remove("LANG_HMR")
            .env("XDG_CACHE_HOME", cache_home);
        command
    }
}

/// Text read from a pipe as it arrives, and whether the pipe was read to its end.
#[derive(Clone)]
struct Collected {
    bytes: Arc<Mutex<Vec<u8>>>,
    finished: Arc<AtomicBool>,
}

impl Collected {
    fn new() -> Collected {
        Collected {
            bytes: Arc::new(Mutex::new(Vec::new())),
            finished: Arc::new(AtomicBool::new(false)),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes.lock().unwrap()).into_owned()
    }
}

/// Whether `fd` has something to read (or was closed) now, without waiting.
fn readable_now(fd: RawFd) -> bool {
    let mut poll = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no timeout.
    unsafe { libc::poll(&mut poll, 1, 0) > 0 }
}

/// Reads once from a pipe that poll said is readable into `sink`; false once it is closed.
fn read_into(stream: &mut impl Read, sink: &Collected) -> bool {
    let mut chunk = [0u8; 65536];
    match stream.read(&mut chunk) {
        Ok(0) | Err(_) => {
            sink.finished.store(true, Ordering::Release);
            false
        }
        Ok(count) => {
            sink.bytes.lock().unwrap().extend_from_slice(&chunk[..count]);
            true
        }
    }
}

/// Reads the process's stdout and stderr on one thread, as they arrive. Whatever the process
/// wrote to stderr before it wrote to stdout is collected before that stdout text, so a test
/// that saw the new code's output also sees the reload line printed before it (two reader
/// threads would race: the stdout one may get ahead).
fn collect(mut stdout: ChildStdout, mut stderr: ChildStderr) -> (Collected, Collected) {
    let (out, err) = (Collected::new(), Collected::new());
    let (out_sink, err_sink) = (out.clone(), err.clone());
    std::thread::spawn(move || {
        let (out_fd, err_fd) = (stdout.as_raw_fd(), stderr.as_raw_fd());
        let (mut out_open, mut err_open) = (true, true);
        while out_open || err_open {
            let mut polls = [
                libc::pollfd {
                    fd: if err_open { err_fd } else { -1 },
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: if out_open { out_fd } else { -1 },
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // SAFETY: two pollfds (a negative fd is ignored), waiting without a timeout.
            if unsafe { libc::poll(polls.as_mut_ptr(), 2, -1) } < 0 {
                continue;
            }
            if err_open && polls[0].revents != 0 {
                err_open = read_into(&mut stderr, &err_sink);
            }
            if out_open && polls[1].revents != 0 {
                // stderr first: a write to it that came before this stdout text may have
                // landed after poll looked at stderr.
                while err_open && readable_now(err_fd) {
                    err_open = read_into(&mut stderr, &err_sink);
                }
                out_open = read_into(&mut stdout, &out_sink);
            }
        }
    });
    (out, err)
}

/// A running process (`lang run --hmr`, a `lang build --hmr` host, `lang build --watch`)
/// with its output collected as it arrives; killed when dropped.
pub struct Session {
    child: Mutex<Child>,
    stdout: Collected,
    stderr: Collected,
}

impl Session {
    /// Starts `command` with no input and its output piped.
    pub fn spawn(mut command: Command) -> Session {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the process starts");
        let (stdout, stderr) = collect(
            child.stdout.take().expect("stdout"),
            child.stderr.take().expect("stderr"),
        );
        Session {
            child: Mutex::new(child),
            stdout,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.lock().unwrap().id()
    }

    /// The exit status, if the process has exited.
    pub fn exited(&self) -> Option<ExitStatus> {
        self.child.lock().unwrap().try_wait().expect("try_wait")
    }

    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// Waits (briefly) until both pipes were read to their end, after the process exited.
    fn drain(&self) {
        let started = Instant::now();
        while !(self.stdout.finished.load(Ordering::Acquire) && self.stderr.finished.load(Ordering::Acquire))
            && started.elapsed() < DRAIN_DEADLINE
        {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until `condition(stdout, stderr)` holds; fails at once if the process exits
    /// without it holding.
    pub fn wait_for(&self, what: &str, condition: impl Fn(&str, &str) -> bool) {
        let started = Instant::now();
        loop {
            if condition(&self.stdout(), &self.stderr()) {
                return;
            }
            if let Some(status) = self.exited() {
                self.drain();
                if condition(&self.stdout(), &self.stderr()) {
                    return;
                }
                panic!(
                    "the process exited ({status}) while waiting for {what}\n--- stdout\n{}\n--- stderr\n{}",
                    tail(&self.stdout()),
                    self.stderr()
                );
            }
            assert!(
                started.elapsed() < DEADLINE,
                "timed out waiting for {what}\n--- stdout\n{}\n--- stderr\n{}",
                tail(&self.stdout()),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn wait_for_output(&self, text: &str) {
        self.wait_for(&format!("`{text}` on stdout"), |stdout, _| stdout.contains(text));
    }

    /// Waits until `text` is on stderr and the line it ends in was printed whole: tests wait
    /// for a message's start and then read the rest of its line, which a reader thread may
    /// have taken in two pieces (a flaky CI failure).
    pub fn wait_for_error_output(&self, text: &str) {
        self.wait_for(&format!("`{text}` on stderr"), |_, stderr| {
            stderr
                .find(text)
                .is_some_and(|start| stderr[start + text.len()..].contains('\n') || text.ends_with('\n'))
        });
    }

    /// Waits until `more` further lines starting with `prefix` were printed: the program runs.
    pub fn wait_for_more(&self, prefix: &str, more: usize) {
        let count = |stdout: &str| stdout.lines().filter(|line| line.starts_with(prefix)).count();
        let before = count(&self.stdout());
        self.wait_for(&format!("{more} more `{prefix}` lines"), |stdout, _| {
            count(stdout) >= before + more
        });
    }

    pub fn assert_alive(&self) {
        if let Some(status) = self.exited() {
            panic!("the process exited ({status})\n--- stderr\n{}", self.stderr());
        }
    }

    /// Waits until the process exits by itself and its output was read.
    pub fn wait_exit(&self) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.exited() {
                self.drain();
                return status;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "the process did not exit\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Kills the process and returns its exit code, if it had exited by itself first.
    pub fn kill(&self) -> Option<i32> {
        let mut child = self.child.lock().unwrap();
        let _ = child.kill();
        child.wait().ok().and_then(|status| status.code())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The last ten lines of `text`, for failure messages about a long-running program.
pub fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(10)..].join("\n")
}
