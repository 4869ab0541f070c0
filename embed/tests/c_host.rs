//! The C API from C: `examples/embed-c/host.c` is compiled against `lang.h` and the shared
//! library, checked for every API error path, run for some frames, and edited live.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Builds the shared library of this crate, once: `cargo test` builds only the Rust library.
/// The dependencies are already compiled in this profile, so this is mostly a link.
fn build_library(libraries: &Path) {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let mut command = Command::new(option_env!("CARGO").unwrap_or("cargo"));
        command
            .args(["build", "-p", "lang-embed", "--lib", "--manifest-path"])
            .arg(workspace().join("Cargo.toml"));
        if libraries.ends_with("release") {
            command.arg("--release");
        }
        let output = command.output().expect("cargo runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    });
    assert!(
        libraries.join("liblang_embed.so").exists(),
        "no liblang_embed.so in {}",
        libraries.display()
    );
}

/// Compiles the C host into a temporary folder; returns its path.
fn build_host(folder: &Path) -> PathBuf {
    // This test binary is in target/PROFILE/deps; the libraries are one level up.
    let libraries = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    build_library(&libraries);
    let host = folder.join("host");
    let output = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .arg(workspace().join("examples/embed-c/host.c"))
        .arg("-I")
        .arg(workspace().join("embed/include"))
        .arg("-L")
        .arg(&libraries)
        .arg("-llang_embed")
        .arg(format!("-Wl,-rpath,{}", libraries.display()))
        .arg("-Wall")
        .arg("-Werror")
        .arg("-o")
        .arg(&host)
        .output()
        .expect("a C compiler runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    host
}

/// A temporary folder (removed when dropped) holding a copy of the example script.
fn scratch() -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(
        workspace().join("examples/embed-c/logic.ln"),
        folder.path().join("logic.ln"),
    )
    .unwrap();
    folder
}

#[test]
fn the_c_host_uses_every_entry_point_and_survives_script_errors() {
    // (host.c registers `bonus`, a C function the script calls to score.)
    the_c_host_runs()
}

fn the_c_host_runs() {
    let scratch = scratch();
    let folder = scratch.path();
    let host = build_host(folder);
    let output = Command::new(&host)
        .args(["logic.ln", "6"])
        .current_dir(folder)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = "missing function: status 2 (no function `missing` of type `fn()` in the main module)\n\
wrong types: status 2 (no function `update` of type `fn(str) -> int` in the main module (there is `update` of type `fn(float, bool) -> int`))\n\
runtime error: status 4, first line: error: division by zero\n\
after the error: status 0, 7 / 2 = 3\n\
c-host: frame 1, score 120\nc-host: frame 2, score 120\nc-host: frame 3, score 120\n\
c-host: frame 4, score 140\nc-host: frame 5, score 140\nc-host: frame 6, score 140\n\
host: done, score 140\n";
    assert_eq!(stdout, expected);
}

#[test]
fn a_compile_error_at_load_is_reported_and_the_host_exits_cleanly() {
    let scratch = scratch();
    let folder = scratch.path();
    std::fs::write(folder.join("logic.ln"), "fn update( {\n").unwrap();
    let host = build_host(folder);
    let output = Command::new(&host)
        .args(["logic.ln", "1"])
        .current_dir(folder)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("logic.ln:1:"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_edit_of_the_script_takes_over_at_the_next_poll() {
    let scratch = scratch();
    let folder = scratch.path();
    let host = build_host(folder);
    let mut child = Command::new(&host)
        .args(["logic.ln", "1000000"])
        .current_dir(folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let collect = |mut stream: Box<dyn Read + Send>| {
        let text = Arc::new(Mutex::new(String::new()));
        let sink = text.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(count) = stream.read(&mut chunk) {
                if count == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&chunk[..count]));
            }
        });
        text
    };
    let stdout = collect(Box::new(child.stdout.take().unwrap()));
    let stderr = collect(Box::new(child.stderr.take().unwrap()));
    let wait_for = |what: &str, check: &dyn Fn(&str, &str) -> bool| {
        let started = Instant::now();
        while !check(&stdout.lock().unwrap(), &stderr.lock().unwrap()) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "timed out waiting for {what}\n{}",
                stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    wait_for("frames", &|out, _| out.contains("frame 20,"));
    let logic = std::fs::read_to_string(folder.join("logic.ln")).unwrap();
    std::fs::write(
        folder.join("logic.ln"),
        logic.replace("\"{player}: frame", "\"{player} (live): frame"),
    )
    .unwrap();
    wait_for("the new status line", &|out, _| out.contains("c-host (live): frame"));
    wait_for("the reload callback", &|_, err| err.contains("[host] reloaded"));
    // The frame counter carried on: the first new line continues the old count.
    let text = stdout.lock().unwrap().clone();
    let first_new = text.lines().find(|line| line.contains("(live)")).unwrap();
    let frame: u64 = first_new
        .split("frame ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(frame > 20, "{first_new}");
    // A save with a compile error is reported through the callback; the old code goes on.
    std::fs::write(folder.join("logic.ln"), "fn update( {\n").unwrap();
    wait_for("the rejection", &|_, err| err.contains("[host] reload rejected"));
    let lines_then = stdout.lock().unwrap().lines().count();
    wait_for("more frames", &|out, _| out.lines().count() > lines_then + 5);
    assert!(child.try_wait().unwrap().is_none(), "the host keeps running");
    let _ = child.kill();
    let _ = child.wait();
}
