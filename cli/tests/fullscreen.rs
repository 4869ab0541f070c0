//! Full-screen programs under hot reload, in a real terminal (tmux): reports never garble the
//! picture (a status bar on the last row, an error box over the picture while a reload is
//! rejected or the program waits, gone after the fix), keys typed while waiting are dropped,
//! one Ctrl-C while waiting quits with 130, and the terminal is put back on every way out
//! (LANGUAGE.md section 7 items 7, 10–12). Skipped, with a note, where tmux is not installed.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lang_tests::session::Project;

const DEADLINE: Duration = Duration::from_secs(30);
const ROWS: usize = 24;

/// A program in a tmux pane of 80 by 24, on a tmux server of its own.
struct Pane {
    socket: String,
    project: Project,
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

impl Pane {
    /// Runs `lang ARGUMENTS main.ln` in a new pane; after it ends the shell prints
    /// `EXIT=<code>` and the terminal's settings (`stty -a`). `None` without tmux.
    fn start(name: &str, files: &[(&str, &str)], arguments: &str) -> Option<Pane> {
        let command = format!("'{}' {arguments} main.ln", env!("CARGO_BIN_EXE_lang"));
        Pane::start_command(name, files, |_| command)
    }

    /// Runs the shell command `command(folder)` in a new pane, in the project's folder.
    fn start_command(name: &str, files: &[(&str, &str)], command: impl FnOnce(&Path) -> String) -> Option<Pane> {
        if !tmux_available() {
            eprintln!("note: tmux is not installed; skipping the full-screen terminal test {name}");
            return None;
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "lang-fullscreen-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let project = Project::new(name, files);
        // The shell survives the Ctrl-C sent to the program (a trap, not an ignored signal,
        // which the program would inherit) to report its exit code.
        let script = format!(
            "trap true INT; cd '{}' && NO_COLOR=1 XDG_CACHE_HOME='{}' {}; echo EXIT=$?; stty -a; sleep 600",
            project.folder().display(),
            lang_tests::test_cache_home(Path::new(env!("CARGO_BIN_EXE_lang"))).display(),
            command(project.folder()),
        );
        let pane = Pane { socket, project };
        let output = pane.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            &ROWS.to_string(),
            "env",
            "-u",
            "LANG_HMR",
            "-u",
            "LANG_HMR_LOG",
            "sh",
            "-c",
            &script,
        ]);
        assert!(
            output.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Some(pane)
    }

    fn tmux(&self, arguments: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(arguments)
            .output()
            .expect("tmux runs")
    }

    /// The screen as the user sees it now: one string per row.
    fn screen(&self) -> Vec<String> {
        let output = self.tmux(&["capture-pane", "-p"]);
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let mut rows: Vec<String> = text.lines().map(|row| row.trim_end().to_string()).collect();
        rows.resize(ROWS, String::new());
        rows
    }

    /// Waits (up to the deadline) until the screen satisfies `condition`; returns it.
    fn wait_for(&self, what: &str, condition: impl Fn(&[String]) -> bool) -> Vec<String> {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if condition(&screen) {
                return screen;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "timed out waiting for {what}; the screen:\n{}",
                screen.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for_text(&self, text: &str) -> Vec<String> {
        self.wait_for(&format!("`{text}`"), |screen| {
            screen.iter().any(|row| row.contains(text))
        })
    }

    fn send_keys(&self, keys: &[&str]) {
        let mut arguments = vec!["send-keys"];
        arguments.extend_from_slice(keys);
        assert!(self.tmux(&arguments).status.success());
    }

    fn alternate_screen_on(&self) -> bool {
        let output = self.tmux(&["display-message", "-p", "#{alternate_on}"]);
        String::from_utf8_lossy(&output.stdout).trim() == "1"
    }

    /// Saves `file` the way vim does: a temporary file renamed over it.
    fn save(&self, file: &str, text: &str) {
        self.project.write_by_rename(file, text);
    }

    /// After the program ended: its exit code as the shell printed it, and the terminal's
    /// settings checked: echo and canonical mode back, the alternate screen left.
    fn assert_ended_sane(&self, code: i32) {
        let screen = self.wait_for_text("EXIT=");
        let text = screen.join("\n");
        assert!(text.contains(&format!("EXIT={code}")), "exit code; the screen:\n{text}");
        let settings = self.wait_for("stty's report", |screen| screen.join("\n").contains("icanon"));
        let settings = settings.join(" ");
        let words: Vec<&str> = settings.split_whitespace().collect();
        assert!(
            words.contains(&"icanon") && !words.contains(&"-icanon"),
            "canonical mode:\n{settings}"
        );
        assert!(
            words.contains(&"echo") && !words.contains(&"-echo"),
            "echo:\n{settings}"
        );
        assert!(!self.alternate_screen_on(), "the alternate screen was left");
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// A game: a board on rows 2 to 9, a caption and frame counter on row 20, `q` quits.
fn game(caption: &str) -> String {
    format!(
        r#"import term

var frame = 0

fn board() {{
    for row in 0..8 {{
        term.put(row + 2, 1, "|........|")
    }}
}}

fn caption() -> str {{
    return {caption}
}}

fn main() {{
    term.fullscreen(true)
    term.raw_mode(true)
    while true {{
        frame = frame + 1
        board()
        term.put(20, 1, "{{caption()}} {{frame}}   ")
        let key = term.read_key()
        if term.key_name(key) == "q" {{
            return
        }}
        sleep(30)
    }}
}}
"#
    )
}

const BOARD_ROW: &str = "|........|";

/// The frame number after `caption` on row 20, if shown.
fn frame(screen: &[String], caption: &str) -> Option<u64> {
    let row = screen[19].strip_prefix(caption)?;
    row.split_whitespace().next()?.parse().ok()
}

fn board_intact(screen: &[String]) -> bool {
    screen[1..9].iter().all(|row| row == BOARD_ROW)
}

fn box_shown(screen: &[String]) -> bool {
    screen.iter().any(|row| row.starts_with('┌') || row.starts_with('│'))
}

#[test]
fn a_body_edit_keeps_the_board_intact_and_reports_on_the_status_bar() {
    let Some(pane) = Pane::start("fullscreen-edit", &[("main.ln", &game("\"frame\""))], "run --hmr") else {
        return;
    };
    pane.wait_for("the first frames", |screen| {
        frame(screen, "frame").is_some_and(|n| n > 2)
    });
    pane.save("main.ln", &game("\"tick\""));
    let screen = pane.wait_for("the edit and its status bar", |screen| {
        frame(screen, "tick").is_some() && screen[ROWS - 1].contains("main.ln v2")
    });
    assert!(board_intact(&screen), "board rows intact:\n{}", screen.join("\n"));
    assert!(screen[ROWS - 1].starts_with("[hmr]"), "{}", screen.join("\n"));
    // Nothing of the report is written into the picture.
    assert!(
        screen[..ROWS - 1].iter().all(|row| !row.contains("[hmr]")),
        "{}",
        screen.join("\n")
    );
    pane.send_keys(&["q"]);
    pane.assert_ended_sane(0);
}

#[test]
fn a_rejected_reload_shows_a_box_across_frames_until_the_fix() {
    let Some(pane) = Pane::start("fullscreen-rejected", &[("main.ln", &game("\"frame\""))], "run --hmr") else {
        return;
    };
    pane.wait_for("the first frames", |screen| {
        frame(screen, "frame").is_some_and(|n| n > 2)
    });
    pane.save("main.ln", &game("nope"));
    let first = pane.wait_for("the error box", |screen| {
        box_shown(screen) && screen.iter().any(|row| row.contains("cannot find `nope`"))
    });
    let shown_at = frame(&first, "frame").expect("frames go on under the box");
    // The game keeps drawing its frames over the board; the box stays on top of them.
    let later = pane.wait_for("more frames with the box still on top", |screen| {
        frame(screen, "frame").is_some_and(|n| n > shown_at + 5)
    });
    assert!(box_shown(&later), "box across frames:\n{}", later.join("\n"));
    assert!(later[ROWS - 1].contains("cannot find `nope`"), "{}", later.join("\n"));
    pane.save("main.ln", &game("\"fixed\""));
    let fixed = pane.wait_for("the fix, the box gone and the board drawn again", |screen| {
        frame(screen, "fixed").is_some() && !box_shown(screen) && board_intact(screen)
    });
    let text = fixed.join("\n");
    assert!(
        !text.contains("nope") && !text.contains("rejected"),
        "no stale text:\n{text}"
    );
    assert!(fixed[ROWS - 1].contains("main.ln v2"), "{text}");
    pane.send_keys(&["q"]);
    pane.assert_ended_sane(0);
}

#[test]
fn keys_typed_while_waiting_are_dropped_and_the_terminal_is_sane_after() {
    let Some(pane) = Pane::start("fullscreen-waiting", &[("main.ln", &game("\"frame\""))], "run --hmr") else {
        return;
    };
    pane.wait_for("the first frames", |screen| {
        frame(screen, "frame").is_some_and(|n| n > 2)
    });
    pane.save("main.ln", &game("\"x{10 / (frame - frame)}\""));
    let waiting = pane.wait_for("the waiting state", |screen| {
        screen[ROWS - 1].contains("waiting for a fix") && box_shown(screen)
    });
    assert!(
        waiting.iter().any(|row| row.contains("division by zero")),
        "{}",
        waiting.join("\n")
    );
    // `q` would quit the game if it were delivered after the fix; typed keys do not echo.
    pane.send_keys(&["q", "x", "q"]);
    std::thread::sleep(Duration::from_millis(200));
    let typed = pane.screen();
    assert!(typed.iter().all(|row| !row.contains("qxq")), "{}", typed.join("\n"));
    pane.save("main.ln", &game("\"fixed\""));
    let resumed = pane.wait_for("the game resumed", |screen| frame(screen, "fixed").is_some());
    let resumed_at = frame(&resumed, "fixed").unwrap_or(0);
    let later = pane.wait_for("the game going on", |screen| {
        frame(screen, "fixed").is_some_and(|n| n > resumed_at + 10)
    });
    assert!(!box_shown(&later) && board_intact(&later), "{}", later.join("\n"));
    assert!(!later.join("\n").contains("EXIT="), "the typed q was not delivered");
    pane.send_keys(&["q"]);
    pane.assert_ended_sane(0);
}

#[test]
fn one_ctrl_c_while_waiting_quits_with_130() {
    let Some(pane) = Pane::start(
        "fullscreen-ctrl-c",
        &[("main.ln", &game("\"x{10 / (frame - frame)}\""))],
        "run --hmr",
    ) else {
        return;
    };
    pane.wait_for("the waiting state", |screen| {
        screen[ROWS - 1].contains("waiting for a fix")
    });
    pane.send_keys(&["C-c"]);
    pane.assert_ended_sane(130);
}

/// LANGUAGE.md section 7 item 11: the box shows the report while the program waits after a
/// runtime error; a rejected edit made meanwhile replaces it, and undoing that edit (back to
/// the text that runs, which still fails) brings the runtime error's report back, not an
/// empty screen.
#[test]
fn undoing_a_rejected_edit_while_waiting_shows_the_runtime_error_again() {
    let failing = game("\"x{10 / (frame - frame)}\"");
    let Some(pane) = Pane::start("fullscreen-undo-waiting", &[("main.ln", &failing)], "run --hmr") else {
        return;
    };
    pane.wait_for("the runtime error's box", |screen| {
        screen[ROWS - 1].contains("waiting for a fix") && screen.iter().any(|row| row.contains("division by zero"))
    });
    pane.save("main.ln", &game("nope"));
    pane.wait_for("the rejected edit's box", |screen| {
        box_shown(screen) && screen.iter().any(|row| row.contains("cannot find `nope`"))
    });
    pane.save("main.ln", &failing);
    let undone = pane.wait_for("the runtime error's box again", |screen| {
        box_shown(screen) && screen.iter().any(|row| row.contains("division by zero"))
    });
    assert!(undone[ROWS - 1].contains("waiting for a fix"), "{}", undone.join("\n"));
    assert!(!undone.join("\n").contains("nope"), "{}", undone.join("\n"));
    // The terminal shrinks while the program waits (and draws nothing): the status bar is
    // drawn again on the new last row.
    pane.tmux(&["resize-window", "-y", "18"]);
    pane.wait_for("the status bar on the new last row", |screen| {
        screen[17].contains("waiting for a fix")
    });
    pane.send_keys(&["C-c"]);
    pane.assert_ended_sane(130);
}

/// In line mode a reload line starts on a line of its own, even after `write` left the
/// program's last line unfinished on the terminal stdout and stderr share.
#[test]
fn a_reload_line_after_an_unfinished_line_starts_a_line_of_its_own() {
    let program = |word: &str| {
        format!("fn main() {{\n    while true {{\n        write(\"{word} \")\n        sleep(40)\n    }}\n}}\n")
    };
    let Some(pane) = Pane::start("line-after-write", &[("main.ln", &program("tick"))], "run --hmr") else {
        return;
    };
    pane.wait_for_text("tick tick");
    pane.save("main.ln", &program("tock"));
    let screen = pane.wait_for("the reload line", |screen| {
        screen.iter().any(|row| row.contains("main.ln v2"))
    });
    let row = screen
        .iter()
        .find(|row| row.contains("main.ln v2"))
        .expect("found above");
    assert!(row.starts_with("[hmr]"), "{}", screen.join("\n"));
    pane.send_keys(&["C-c"]);
    pane.send_keys(&["C-c"]);
    pane.wait_for_text("EXIT=");
}

#[test]
fn the_terminal_is_put_back_after_a_runtime_error_and_exit_without_hot_reload() {
    let Some(pane) = Pane::start(
        "fullscreen-plain-error",
        &[("main.ln", &game("\"x{10 / (frame - frame)}\""))],
        "run",
    ) else {
        return;
    };
    let screen = pane.wait_for_text("EXIT=");
    assert!(
        screen.iter().any(|row| row.contains("division by zero")),
        "{}",
        screen.join("\n")
    );
    pane.assert_ended_sane(101);

    let exiting = game("\"frame\"").replace("        sleep(30)\n", "        if frame == 3 { exit(7) }\n");
    let Some(pane) = Pane::start("fullscreen-plain-exit", &[("main.ln", &exiting)], "run") else {
        return;
    };
    pane.assert_ended_sane(7);
}

#[test]
fn a_release_executable_puts_the_terminal_back_too() {
    let exiting = game("\"frame\"").replace("        sleep(30)\n", "        if frame == 3 { exit(7) }\n");
    let Some(pane) = Pane::start_command("fullscreen-release", &[("main.ln", &exiting)], |folder| {
        let built = Command::new(env!("CARGO_BIN_EXE_lang"))
            .args(["build", "--release", "main.ln", "-o", "game"])
            .current_dir(folder)
            .output()
            .expect("lang build runs");
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
        "./game".to_string()
    }) else {
        return;
    };
    pane.assert_ended_sane(7);
}

#[test]
fn with_stderr_redirected_reports_go_there_too_and_overlay_off_keeps_the_screen_clean() {
    let Some(pane) = Pane::start(
        "fullscreen-redirected",
        &[("main.ln", &game("\"frame\""))],
        "run --hmr 2> err.log",
    ) else {
        return;
    };
    pane.wait_for("the first frames", |screen| {
        frame(screen, "frame").is_some_and(|n| n > 2)
    });
    pane.save("main.ln", &game("\"tick\""));
    pane.wait_for("the status bar", |screen| screen[ROWS - 1].contains("main.ln v2"));
    let log = std::fs::read_to_string(pane.project.path("err.log")).unwrap_or_default();
    assert!(log.contains("[hmr] main.ln v2"), "stderr got the report too: {log}");

    // A program that draws its own reports turns the overlay off: the status bar goes.
    let own = game("\"own\"").replace(
        "    term.raw_mode(true)\n",
        "    term.raw_mode(true)\n    hmr.overlay(false)\n",
    );
    let own = own.replace("import term\n", "import hmr\nimport term\n");
    pane.save("main.ln", &own);
    let screen = pane.wait_for("the overlay gone", |screen| {
        frame(screen, "own").is_some() && screen.iter().all(|row| !row.contains("[hmr]"))
    });
    assert!(board_intact(&screen), "{}", screen.join("\n"));
    pane.send_keys(&["q"]);
    pane.assert_ended_sane(0);
}

/// Builds `main.ln` in `folder` with `lang build --hmr` into `game` and `game.modules/`.
fn build_hot(folder: &Path) {
    let built = Command::new(env!("CARGO_BIN_EXE_lang"))
        .args(["build", "--hmr", "main.ln", "-o", "game"])
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .output()
        .expect("lang build runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
}

#[test]
fn a_hot_build_host_reports_on_its_status_bar() {
    let Some(pane) = Pane::start_command("fullscreen-host", &[("main.ln", &game("\"frame\""))], |folder| {
        build_hot(folder);
        "./game".to_string()
    }) else {
        return;
    };
    pane.wait_for("the first frames", |screen| {
        frame(screen, "frame").is_some_and(|n| n > 2)
    });
    pane.project.write_in_place("main.ln", game("\"tick\""));
    build_hot(pane.project.folder());
    let screen = pane.wait_for("the new build and its status bar", |screen| {
        frame(screen, "tick").is_some() && screen[ROWS - 1].starts_with("[hmr]")
    });
    assert!(board_intact(&screen), "board rows intact:\n{}", screen.join("\n"));
    assert!(
        screen[..ROWS - 1].iter().all(|row| !row.contains("[hmr]")),
        "{}",
        screen.join("\n")
    );
    pane.send_keys(&["q"]);
    pane.assert_ended_sane(0);
}

#[test]
fn leaving_full_screen_erases_the_status_bar_and_reports_become_lines_again() {
    // `l` leaves full-screen mode; then the program prints a line now and then.
    let leaving = game("\"frame\"").replace(
        "        if term.key_name(key) == \"q\" {",
        "        if term.key_name(key) == \"l\" {\n            term.restore()\n            while true {\n                print(\"plain {caption()}\")\n                sleep(300)\n            }\n        }\n        if term.key_name(key) == \"q\" {",
    );
    let Some(pane) = Pane::start("fullscreen-leave", &[("main.ln", &leaving)], "run --hmr") else {
        return;
    };
    pane.wait_for("the first frames", |screen| {
        frame(screen, "frame").is_some_and(|n| n > 2)
    });
    pane.save("main.ln", &leaving.replace("return \"frame\"", "return \"tick\""));
    pane.wait_for("the status bar", |screen| screen[ROWS - 1].contains("main.ln v2"));
    pane.send_keys(&["l"]);
    let screen = pane.wait_for_text("plain tick");
    assert!(!pane.alternate_screen_on(), "the alternate screen was left");
    assert!(screen.iter().all(|row| !row.contains("[hmr]")), "{}", screen.join("\n"));
    pane.save("main.ln", &leaving.replace("return \"frame\"", "return \"again\""));
    let screen = pane.wait_for_text("plain again");
    assert!(
        screen.iter().any(|row| row.starts_with("[hmr] main.ln v3")),
        "the report is a line again:\n{}",
        screen.join("\n")
    );
    pane.send_keys(&["C-c"]);
    pane.send_keys(&["C-c"]);
    pane.assert_ended_sane(130);
}
