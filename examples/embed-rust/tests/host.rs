//! The embed-rust host runs its frames, and picks up an edit of its script while running
//! with the ball's state intact; a runtime error in the script does not stop it.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn the_host_runs_its_frames() {
    let output = Command::new(env!("CARGO_BIN_EXE_embed-rust"))
        .args(["--frames", "100"])
        .output()
        .expect("the host runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 101, "{stdout}");
    assert!(stdout.contains("bounces 1"), "the ball bounced: {stdout}");
    assert!(stdout.ends_with("host: 100 frames, ball at 20.40\n"), "{stdout}");
}

#[test]
fn an_edit_of_the_script_takes_over_while_the_host_runs() {
    let scratch = tempfile::tempdir().unwrap();
    let script = scratch.path().join("logic.ln");
    let original = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/logic.ln")).unwrap();
    std::fs::write(&script, &original).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_embed-rust"))
        .args(["--frames", "100000"])
        .env("LOGIC", &script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the host starts");
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
    wait_for("frames", &|out, _| out.lines().count() > 20);
    // The ball is drawn as `#` from the next frame on, where it was.
    std::fs::write(&script, original.replace("line += \"o\"", "line += \"#\"")).unwrap();
    wait_for("the new drawing", &|out, _| out.contains('#'));
    wait_for("the reload line", &|_, err| err.contains("[host] reloaded"));
    // A runtime error in `update` is reported each frame, and the host keeps drawing.
    std::fs::write(
        &script,
        original
            .replace("line += \"o\"", "line += \"#\"")
            .replace("return bounces", "return bounces / (bounces - bounces)"),
    )
    .unwrap();
    wait_for("the runtime error", &|_, err| err.contains("error: division by zero"));
    let drawn_before = stdout.lock().unwrap().lines().count();
    wait_for("more frames", &|out, _| out.lines().count() > drawn_before + 5);
    assert!(child.try_wait().unwrap().is_none(), "the host is still running");
    let _ = child.kill();
    let _ = child.wait();
}
