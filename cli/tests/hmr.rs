//! Hot reload end to end (LANGUAGE.md section 7): a real `lang run --hmr` process on files in
//! a temporary folder, edited the ways editors save, with every wait bounded by a deadline.
//! Struct migration has its own file, `hmr_structs.rs`.

mod support;

use std::process::Command;
use std::time::Duration;

use support::{HotRun, counter, last_count, resident_kib};

#[test]
fn a_body_change_runs_the_new_code_and_keeps_state() {
    let session = HotRun::start("body", &[("main.ln", &counter("old"))]);
    session.wait_for_output("old 3\n");
    session.write_in_place("main.ln", &counter("new"));
    session.wait_for_output("new ");
    let stdout = session.stdout();
    let before = last_count(&stdout, "old").expect("old lines");
    let after = stdout
        .lines()
        .find_map(|line| line.strip_prefix("new ").and_then(|count| count.parse::<i64>().ok()))
        .expect("new lines");
    assert_eq!(after, before + 1, "the counter continues across the reload");
    // One line on stderr reports the reload: module, version, functions, time.
    session.wait_for_error_output("[hmr] main.ln v2: 1 function changed (tag) in ");
    assert!(session.stderr().trim_end().ends_with(" ms"), "{}", session.stderr());
}

#[test]
fn every_editor_save_style_reloads_once_per_save() {
    let session = HotRun::start("styles", &[("main.ln", &counter("v1"))]);
    session.wait_for_output("v1 2\n");
    session.write_by_rename("main.ln", &counter("v2"));
    session.wait_for_output("v2 ");
    // `sed -i` writes a new file and renames it over the original.
    let status = Command::new("sed")
        .args(["-i", "s/v2/v3/", "main.ln"])
        .current_dir(session.folder())
        .status()
        .expect("sed runs");
    assert!(status.success());
    session.wait_for_output("v3 ");
    // Delete, then recreate: the module keeps running while the file is gone.
    std::fs::remove_file(session.path("main.ln")).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let count = last_count(&session.stdout(), "v3").unwrap();
    session.wait_for(&format!("v3 {}", count + 3), |stdout, _| {
        last_count(stdout, "v3").is_some_and(|now| now >= count + 3)
    });
    session.write_in_place("main.ln", &counter("v4"));
    session.wait_for_output("v4 ");
    let reloads = session.stderr().matches("[hmr] main.ln v").count();
    assert_eq!(reloads, 3, "one reload per save:\n{}", session.stderr());
    assert!(session.stderr().contains("main.ln v4"), "{}", session.stderr());
}

/// Saves `main.ln` 30 times, `pause` apart, and checks that a few reloads at most came of
/// it and that the last version runs (LANGUAGE.md section 7 item 9).
fn burst_of_saves(name: &str, pause: Duration) {
    let session = HotRun::start(name, &[("main.ln", &counter("s0"))]);
    session.wait_for_output("s0 2\n");
    for save in 1..=30 {
        session.write_in_place("main.ln", &counter(&format!("s{save}")));
        std::thread::sleep(pause);
    }
    session.wait_for_output("s30 ");
    // The last version is applied: no reload can follow it, the file being unchanged since.
    session.wait_for_more("s30 ", 3);
    let reloads = session.stderr().matches("[hmr] main.ln v").count();
    assert!(
        (1..=5).contains(&reloads),
        "a few reloads at most:\n{}",
        session.stderr()
    );
    let last_line = session.stdout().lines().last().unwrap_or_default().to_string();
    assert!(last_line.starts_with("s30 "), "{last_line}");
}

#[test]
fn a_burst_of_saves_gives_a_few_reloads_and_the_last_version_wins() {
    burst_of_saves("burst", Duration::ZERO);
}

#[test]
fn saves_33_ms_apart_give_a_few_reloads_and_the_last_version_wins() {
    // As an editor saving on every keystroke, or a script: each save is complete, and each
    // would be compiled before the next one comes without coalescing.
    burst_of_saves("keystrokes", Duration::from_millis(33));
}

#[test]
fn a_compile_error_keeps_the_old_version_running() {
    let session = HotRun::start("compile", &[("main.ln", &counter("good"))]);
    session.wait_for_output("good 2\n");
    session.write_in_place("main.ln", &counter("good").replace("return \"good\"", "return 42"));
    session.wait_for_error_output("[hmr] reload rejected; still running main.ln v1");
    assert!(
        session.stderr().contains("E0"),
        "diagnostics are shown:\n{}",
        session.stderr()
    );
    let count = last_count(&session.stdout(), "good").unwrap();
    session.wait_for("the old code to go on", |stdout, _| {
        last_count(stdout, "good").is_some_and(|now| now > count + 2)
    });
    session.write_in_place("main.ln", &counter("fixed"));
    session.wait_for_output("fixed ");
    assert!(session.stderr().contains("[hmr] main.ln v2"), "{}", session.stderr());
}

const STATE: &str = "let STEP = 1\nvar total = 0\n\nfn main() {\n    while true {\n        total += STEP\n        print(\"total {total}\")\n        sleep(5)\n    }\n}\n";

#[test]
fn variables_keep_their_values_and_edited_lets_take_their_new_value() {
    let session = HotRun::start("state", &[("main.ln", STATE)]);
    session.wait_for_output("total 3\n");
    // An edited `var` initializer does not run again; an edited `let` does.
    session.write_in_place(
        "main.ln",
        &STATE
            .replace("let STEP = 1", "let STEP = 1000")
            .replace("var total = 0", "var total = 5"),
    );
    session.wait_for("the new step", |stdout, _| {
        let values: Vec<i64> = stdout
            .lines()
            .filter_map(|line| line.strip_prefix("total ")?.parse().ok())
            .collect();
        values
            .windows(2)
            .any(|pair| pair[1] - pair[0] == 1000 && pair[0] < 1000)
    });
}

#[test]
fn a_new_variable_is_initialized_and_on_reload_runs_after_each_swap() {
    let session = HotRun::start("onreload", &[("main.ln", STATE)]);
    session.wait_for_output("total 2\n");
    let edited = STATE
        .replace("var total = 0", "var total = 0\nvar reloads = 0")
        .replace(
            "fn main() {",
            "fn on_reload() {\n    reloads += 1\n    print(\"reloaded {reloads}\")\n}\n\nfn main() {",
        );
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("reloaded 1\n");
    session.write_in_place("main.ln", &edited.replace("total += STEP", "total += STEP * 2"));
    session.wait_for_output("reloaded 2\n");
}

/// `lang run --hmr main.ln` with stderr going into stdout, so that the order of the reports
/// and of the program's output can be seen.
struct MergedRun {
    session: lang_tests::session::Session,
    project: lang_tests::session::Project,
}

impl MergedRun {
    fn start(name: &str, files: &[(&str, &str)]) -> MergedRun {
        let project = lang_tests::session::Project::new(name, files);
        let mut command = project.command("sh");
        command.args(["-c", "exec \"$0\" run --hmr main.ln 2>&1", env!("CARGO_BIN_EXE_lang")]);
        MergedRun {
            session: lang_tests::session::Session::spawn(command),
            project,
        }
    }
}

#[test]
fn the_reload_line_names_re_evaluated_lets_and_comes_before_on_reload_runs() {
    let program = "let SPEED = 1\nvar total = 0\n\nfn on_reload() {\n    print(\"on_reload ran\")\n}\n\nfn main() {\n    while true {\n        total += SPEED\n        print(\"total {total}\")\n        sleep(5)\n    }\n}\n";
    let run = MergedRun::start("letline", &[("main.ln", program)]);
    run.session.wait_for_output("total 2\n");
    run.project
        .write_in_place("main.ln", program.replace("let SPEED = 1", "let SPEED = 100"));
    run.session.wait_for_output("on_reload ran\n");
    let output = run.session.stdout();
    let line = output
        .lines()
        .position(|line| line.starts_with("[hmr] main.ln v2: 0 functions changed, 1 let re-evaluated (SPEED) in "))
        .unwrap_or_else(|| panic!("the reload line names the re-evaluated let:\n{output}"));
    let on_reload = output.lines().position(|line| line == "on_reload ran").unwrap();
    assert!(line < on_reload, "the line comes before on_reload's output:\n{output}");
    run.session.wait_for("the new SPEED", |stdout, _| {
        let values: Vec<i64> = stdout
            .lines()
            .filter_map(|line| line.strip_prefix("total ")?.parse().ok())
            .collect();
        values.windows(2).any(|pair| pair[1] - pair[0] == 100)
    });
}

#[test]
fn on_reload_runs_only_for_a_module_whose_own_file_changed() {
    let main = "import util\n\nfn on_reload() {\n    print(\"main on_reload\")\n}\n\nfn main() {\n    while true {\n        print(\"value {util.value()}\")\n        sleep(5)\n    }\n}\n";
    let util = "pub fn value() -> int {\n    return 1\n}\n\nfn on_reload() {\n    print(\"util on_reload\")\n}\n";
    let session = HotRun::start("ownfile", &[("main.ln", main), ("util.ln", util)]);
    session.wait_for_output("value 1\n");
    // A new function changes util's interface: main is compiled again against it, but its
    // own file did not change, so only util's on_reload runs.
    let new_util = util.replace("return 1", "return 2") + "\npub fn extra() -> int {\n    return 3\n}\n";
    session.write_in_place("util.ln", &new_util);
    session.wait_for_output("util on_reload\n");
    session.wait_for_error_output("[hmr] main.ln v2: ");
    session.wait_for_more("value 2", 3);
    assert!(
        !session.stdout().contains("main on_reload"),
        "main's on_reload ran for an edit of util:\n{}",
        session.stdout()
    );
    // A comment is no change of main's tokens: swapped in, but no on_reload.
    session.write_in_place("main.ln", &format!("// a comment\n{main}"));
    session.wait_for_error_output("[hmr] main.ln v3: 0 functions changed in ");
    session.wait_for_more("value 2", 3);
    assert!(!session.stdout().contains("main on_reload"), "{}", session.stdout());
    // An edit of main itself runs main's on_reload (and not util's again).
    session.write_in_place("main.ln", &main.replace("\"value {", "\"value: {"));
    session.wait_for_output("main on_reload\n");
    session.wait_for_more("value: 2", 2);
    assert_eq!(
        session.stdout().matches("util on_reload").count(),
        1,
        "{}",
        session.stdout()
    );
}

#[test]
fn a_changed_main_is_entered_again_with_state_kept() {
    let main = "var runs = 0\n\nfn main() {\n    runs += 1\n    while true {\n        print(\"first {runs}\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("main", &[("main.ln", main)]);
    session.wait_for_output("first 1\n");
    session.write_in_place("main.ln", &main.replace("first", "second"));
    session.wait_for_output("second 2\n");
    session.wait_for_error_output("1 function changed (main)");
}

/// A changed `main` is entered again at the next statement boundary of `main`: the running
/// statement finishes, even when the swap happened in the middle of it, inside a callee.
#[test]
fn a_changed_main_is_entered_at_a_statement_boundary_of_main() {
    let main = "var n = 0\n\nfn mark() -> str {\n    print(\"mark {n}\")\n    return \"m\"\n}\n\nfn slow() -> int {\n    var i = 0\n    while i < 300000 {\n        i += 1\n    }\n    return i\n}\n\nfn main() {\n    while true {\n        n += 1\n        print(\"line {n} {mark()} {slow()}\")\n    }\n}\n";
    let session = HotRun::start("mainstatement", &[("main.ln", main)]);
    session.wait_for_output("line 3 ");
    session.write_in_place("main.ln", &main.replace("\"line {n}", "\"LINE {n}"));
    session.wait_for_output("LINE ");
    session.wait_for_error_output("1 function changed (main)");
    // Every statement that started (`mark` printed) also finished (its line printed).
    let stdout = session.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        if let Some(number) = line.strip_prefix("mark ")
            && let Some(next) = lines.get(index + 1)
        {
            assert!(
                next.starts_with(&format!("line {number} ")) || next.starts_with(&format!("LINE {number} ")),
                "the statement that printed `{line}` was cut short:\n{stdout}"
            );
        }
    }
}

/// The last statement of a block nested in `main` (here each branch of the `if` ending the
/// loop's body) has no poll of its own: the next poll, the loop's header, is the same
/// statement boundary. A changed `main` is still entered there, with no statement cut short
/// or run twice: the numbers go on one by one across the reload.
#[test]
fn a_changed_main_is_entered_after_the_last_statement_of_a_nested_block() {
    let main = "var n = 0\n\nfn slow() -> int {\n    var i = 0\n    while i < 300000 {\n        i += 1\n    }\n    return i\n}\n\nfn main() {\n    while true {\n        n += 1\n        if n % 2 == 0 {\n            print(\"even {n} {slow()}\")\n        } else {\n            print(\"odd {n} {slow()}\")\n        }\n    }\n}\n";
    let session = HotRun::start("mainnested", &[("main.ln", main)]);
    session.wait_for_output("odd 3 ");
    session.write_in_place("main.ln", &main.replace("\"even {n}", "\"EVEN {n}"));
    session.wait_for_output("EVEN ");
    session.wait_for_error_output("1 function changed (main)");
    let stdout = session.stdout();
    let numbers: Vec<i64> = stdout
        .lines()
        .filter_map(|line| line.split(' ').nth(1)?.parse().ok())
        .collect();
    assert!(numbers.windows(2).all(|pair| pair[1] == pair[0] + 1), "{stdout}");
}

/// A save made while `lang` starts up, before the program printed anything, is picked up:
/// the watcher exists before the first compile reads the files.
#[test]
fn a_save_made_during_start_up_is_not_missed() {
    let main = "fn main() {\n    while true {\n        print(\"first\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("startup", &[("main.ln", main)]);
    session.write_by_rename("main.ln", &main.replace("first", "second"));
    session.wait_for_output("second\n");
}

/// The watches are set up while the first version compiles; a save made after the compile
/// read the file but before the watches existed sends no event, and is still picked up. The
/// watches are made to come 3 s late, and the save is made once the program printed, before.
#[test]
fn a_save_made_before_the_watches_exist_is_not_missed() {
    let main = "fn main() {\n    while true {\n        print(\"first\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start_with("watchlate", &[("main.ln", main)], |command| {
        command.arg("--hmr").env("LANG_HMR_WATCH_DELAY", "3000");
    });
    session.wait_for_output("first\n");
    session.write_by_rename("main.ln", &main.replace("first", "second"));
    session.wait_for_output("second\n");
}

#[test]
fn a_runtime_error_is_reported_and_the_program_waits_for_a_fix() {
    let program = "var count = 0\n\nfn divide(a: int) -> int {\n    return a / 1\n}\n\nfn main() {\n    while true {\n        count += 1\n        print(\"value {divide(count)}\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("error", &[("main.ln", program)]);
    session.wait_for_output("value 3\n");
    session.write_in_place("main.ln", &program.replace("a / 1", "a / (a - a)"));
    session.wait_for_error_output("error: division by zero\n  --> main.ln:4:12\n");
    std::thread::sleep(Duration::from_millis(100));
    assert!(session.exited().is_none(), "the process stays alive");
    let count_at_error = session.stdout().lines().count();
    session.write_in_place("main.ln", &program.replace("a / 1", "a * 10"));
    // `main` is entered again, and `count` kept its value.
    session.wait_for("the fixed code", |stdout, _| {
        stdout.lines().skip(count_at_error).any(|line| {
            line.strip_prefix("value ")
                .and_then(|value| value.parse::<i64>().ok())
                .is_some_and(|value| value % 10 == 0 && value > 30)
        })
    });
    let _ = session.kill();
}

#[test]
fn old_code_calling_a_function_whose_signature_changed_gets_a_runtime_error() {
    // `spin` keeps running its old body (a frame finishes the body it started), which calls
    // `helper()`; the new version gives `helper` a parameter.
    let program = "fn helper() -> int {\n    return 1\n}\n\nfn spin() {\n    var total = 0\n    while true {\n        total += helper()\n        print(\"total {total}\")\n        sleep(5)\n    }\n}\n\nfn main() {\n    spin()\n}\n";
    let session = HotRun::start("signature", &[("main.ln", program)]);
    session.wait_for_output("total 2\n");
    let changed = program
        .replace(
            "fn helper() -> int {\n    return 1",
            "fn helper(x: int) -> int {\n    return x",
        )
        .replace("total += helper()", "total += helper(1)");
    session.write_in_place("main.ln", &changed);
    session.wait_for_error_output(
        "error: called `helper`, which a reload removed or whose signature changed\n  --> main.ln:8:18",
    );
}

#[test]
fn an_imported_module_reloads_and_a_newly_imported_file_is_watched() {
    let main = "import util\n\nfn main() {\n    while true {\n        print(util.word())\n        sleep(5)\n    }\n}\n";
    let util = "pub fn word() -> str {\n    return \"alpha\"\n}\n";
    let session = HotRun::start("modules", &[("main.ln", main), ("util.ln", util)]);
    session.wait_for_output("alpha\n");
    session.write_in_place("util.ln", &util.replace("alpha", "beta"));
    session.wait_for_output("beta\n");
    assert!(
        session.stderr().contains("[hmr] util.ln v2: 1 function changed (word)"),
        "{}",
        session.stderr()
    );
    // A new import of a new file; then an edit of that file reloads too.
    session.write_in_place("extra.ln", "pub fn suffix() -> str {\n    return \"!\"\n}\n");
    session.write_in_place(
        "util.ln",
        "import extra\n\npub fn word() -> str {\n    return \"gamma\" + extra.suffix()\n}\n",
    );
    session.wait_for_output("gamma!\n");
    session.write_in_place("extra.ln", "pub fn suffix() -> str {\n    return \"?\"\n}\n");
    session.wait_for_output("gamma?\n");
}

#[test]
fn lang_hmr_environment_variable_turns_hot_reload_on() {
    let session = HotRun::start_with("env", &[("main.ln", &counter("env1"))], |command| {
        command.env("LANG_HMR", "1");
    });
    session.wait_for_output("env1 2\n");
    session.write_in_place("main.ln", &counter("env2"));
    session.wait_for_output("env2 ");
}

#[test]
fn first_ctrl_c_stops_the_loop_and_a_second_exits_130() {
    let session = HotRun::start("sigint", &[("main.ln", &counter("spin"))]);
    session.wait_for_output("spin 2\n");
    interrupt(session.pid());
    session.wait_for_error_output("error: interrupted");
    std::thread::sleep(Duration::from_millis(50));
    assert!(session.exited().is_none(), "the first Ctrl-C keeps the process");
    // A fix is picked up and main runs again with state kept.
    session.write_in_place("main.ln", &counter("fixed"));
    session.wait_for_output("fixed ");
    interrupt(session.pid());
    std::thread::sleep(Duration::from_millis(20));
    interrupt(session.pid());
    assert_eq!(session.wait_exit().code(), Some(130));
}

#[test]
fn a_save_during_a_long_on_reload_is_applied_after_it() {
    // A version that becomes ready while `on_reload` runs (it reaches safe points) waits for
    // that swap to finish; it used to start a swap inside the swap and abort the process.
    let program = "var n = 0\n\nfn on_reload() {\n    print(\"on_reload start\")\n    var i = 0\n    while i < 8 {\n        sleep(25)\n        i += 1\n    }\n    print(\"on_reload end\")\n}\n\nfn main() {\n    while true {\n        n += 1\n        print(\"n {n}\")\n        sleep(10)\n    }\n}\n";
    let session = HotRun::start("slowonreload", &[("main.ln", program)]);
    session.wait_for_output("n 2\n");
    // (Token changes: a comment alone does not run `on_reload`.)
    session.write_in_place("main.ln", &program.replace("sleep(10)", "sleep(11)"));
    session.wait_for_output("on_reload start\n");
    session.write_in_place("main.ln", &program.replace("sleep(10)", "sleep(12)"));
    session.wait_for("two swaps, each with its on_reload", |stdout, stderr| {
        stdout.matches("on_reload end\n").count() == 2 && stderr.contains("main.ln v3")
    });
    let printed = session.stdout().matches("\nn ").count();
    session.wait_for("the loop to go on", |stdout, _| {
        stdout.matches("\nn ").count() > printed + 2
    });
    assert!(!session.stderr().contains("internal"), "{}", session.stderr());
}

#[test]
fn a_renamed_module_is_picked_up() {
    // Renaming a module (`mv old.ln new.ln`, then the import changed) must not wait for the
    // old file to come back: the new version no longer needs it.
    let main =
        "import oldname\n\nfn main() {\n    while true {\n        print(oldname.word())\n        sleep(5)\n    }\n}\n";
    let module = "pub fn word() -> str {\n    return \"before\"\n}\n";
    let session = HotRun::start("renamemodule", &[("main.ln", main), ("oldname.ln", module)]);
    session.wait_for_output("before\n");
    std::fs::rename(session.path("oldname.ln"), session.path("newname.ln")).unwrap();
    session.write_in_place("newname.ln", &module.replace("before", "after"));
    session.write_in_place("main.ln", &main.replace("oldname", "newname"));
    session.wait_for_output("after\n");
    session.wait_for_error_output("newname.ln v");
}

#[test]
fn ctrl_c_ends_a_long_sleep_at_once() {
    // A swap waits for a `sleep` to finish, but Ctrl-C does not: it stops the program now.
    let program = "fn main() {\n    while true {\n        print(\"tick\")\n        sleep(100000)\n    }\n}\n";
    let session = HotRun::start("sigintsleep", &[("main.ln", program)]);
    session.wait_for_output("tick\n");
    std::thread::sleep(Duration::from_millis(50));
    let sent = std::time::Instant::now();
    interrupt(session.pid());
    session.wait_for_error_output("error: interrupted");
    assert!(sent.elapsed() < Duration::from_secs(5), "took {:?}", sent.elapsed());
}

fn interrupt(pid: u32) {
    // SAFETY: signalling our own child process.
    unsafe { kill(pid as i32, 2) };
}

unsafe extern "C" {
    fn kill(pid: i32, signal: i32) -> i32;
}

#[test]
fn many_reloads_keep_memory_bounded_and_state_intact() {
    // Old versions are freed once no frame can return into them; state survives every swap.
    let program = |version: usize| {
        format!(
            "var count = 0\n\nfn tag() -> str {{\n    return \"v{version}\"\n}}\n\nfn main() {{\n    while true {{\n        count += 1\n        print(\"{{tag()}} {{count}}\")\n        sleep(1)\n    }}\n}}\n"
        )
    };
    let session = HotRun::start("soak", &[("main.ln", &program(0))]);
    session.wait_for_output("v0 2\n");
    let reloads = 300;
    let mut baseline = 0;
    for version in 1..=reloads {
        session.write_in_place("main.ln", &program(version));
        session.wait_for_output(&format!("v{version} "));
        if version == 20 {
            baseline = resident_kib(session.pid());
        }
    }
    let last = resident_kib(session.pid());
    eprintln!("resident memory: {baseline} KiB after 20 reloads, {last} KiB after {reloads}");
    assert!(
        last < baseline + 20 * 1024,
        "resident memory grew from {baseline} KiB to {last} KiB over {} reloads",
        reloads - 20
    );
    // The counter never restarted.
    let counts: Vec<i64> = session
        .stdout()
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1)?.parse().ok())
        .collect();
    assert!(
        counts.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "the counter kept counting"
    );
}

#[test]
fn the_reload_line_names_removed_functions() {
    let program =
        "fn unused() {\n}\n\nfn main() {\n    while true {\n        print(\"tick\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("removedline", &[("main.ln", program)]);
    session.wait_for_output("tick\n");
    session.write_in_place("main.ln", &program.replace("fn unused() {\n}\n\n", ""));
    session.wait_for_error_output("[hmr] main.ln v2: 0 functions changed, 1 removed (unused) in ");
}

#[test]
fn a_save_that_lands_during_a_compile_still_wins() {
    let session = HotRun::start("overlap", &[("main.ln", &counter("a0"))]);
    session.wait_for_output("a0 2\n");
    for (round, gap) in [5u64, 10, 20, 40].into_iter().enumerate() {
        let first = format!("a{}x", round + 1);
        let second = format!("a{}y", round + 1);
        session.write_in_place("main.ln", &counter(&first));
        std::thread::sleep(Duration::from_millis(gap));
        session.write_in_place("main.ln", &counter(&second));
        session.wait_for_output(&format!("{second} "));
    }
}

#[test]
fn functions_compiled_in_different_reloads_run_together() {
    // A reload compiles only the functions whose tokens changed; the others keep running the
    // code of earlier versions.
    let program = |a: &str, b: &str| {
        format!(
            "fn first() -> str {{\n    return \"{a}\"\n}}\n\nfn second() -> str {{\n    return \"{b}\"\n}}\n\nfn main() {{\n    while true {{\n        print(\"{{first()}}-{{second()}}\")\n        sleep(5)\n    }}\n}}\n"
        )
    };
    let session = HotRun::start("partial", &[("main.ln", &program("a1", "b1"))]);
    session.wait_for_output("a1-b1\n");
    session.write_in_place("main.ln", &program("a2", "b1"));
    session.wait_for_output("a2-b1\n");
    session.write_in_place("main.ln", &program("a2", "b2"));
    session.wait_for_output("a2-b2\n");
    session.write_in_place("main.ln", &program("a3", "b2"));
    session.wait_for_output("a3-b2\n");
    assert!(
        session.stderr().contains("v4: 1 function changed (first)"),
        "{}",
        session.stderr()
    );
}

#[test]
fn a_signature_change_that_breaks_a_caller_is_rejected_until_the_caller_is_fixed() {
    let main =
        "import util\n\nfn main() {\n    while true {\n        print(util.value(1))\n        sleep(5)\n    }\n}\n";
    let util = "pub fn value(x: int) -> int {\n    return x + 1\n}\n";
    let session = HotRun::start("crossfile", &[("main.ln", main), ("util.ln", util)]);
    session.wait_for_output("2\n");
    session.write_in_place(
        "util.ln",
        "pub fn value(x: int, y: int) -> int {\n    return x + y\n}\n",
    );
    session.wait_for_error_output("[hmr] reload rejected; still running main.ln v1, util.ln v1");
    // The diagnostic points into the caller's file.
    assert!(session.stderr().contains("main.ln:5:15"), "{}", session.stderr());
    session.write_in_place("main.ln", &main.replace("util.value(1)", "util.value(1, 41)"));
    session.wait_for_output("42\n");
    let stderr = session.stderr();
    assert!(
        stderr.contains("[hmr] main.ln v2") && stderr.contains("[hmr] util.ln v2"),
        "{stderr}"
    );
}

#[test]
fn a_retyped_module_variable_is_initialized_again_with_a_warning() {
    let program = "var level = 1\n\nfn main() {\n    while true {\n        print(\"level {level}\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("retyped", &[("main.ln", program)]);
    session.wait_for_output("level 1\n");
    let retyped = program.replace("var level = 1", "var level = \"one\"");
    session.write_in_place("main.ln", &retyped);
    session
        .wait_for_error_output("[hmr] warning: `level` in main.ln changed its type to `str`; it was initialized again");
    // The running `main` still has the old body, which reads an `int`: a runtime error there
    // (LANGUAGE.md 7.2), then the program waits for the next reload and enters `main` again.
    session.wait_for_error_output("error: module variable `level` was removed or changed its type in a reload");
    session.write_in_place("main.ln", &format!("{retyped}\n// saved again\n"));
    session.wait_for_output("level one\n");
}

/// The source of the soak program after save `version` (the same cycle as `tools/soak.py`):
/// a body change, a compile error, a runtime error, or a struct change.
fn soak_program(version: usize) -> String {
    let fields: String = (0..version % 7).map(|n| format!("    f{n}: int = {n},\n")).collect();
    let label = match version % 4 {
        1 => format!("return \"v{version}\" +"),
        _ => format!("return \"v{version}\""),
    };
    let step = if version % 4 == 2 {
        "return 1 / (counter - counter)"
    } else {
        "return 1"
    };
    format!(
        "struct Stats {{\n    hits: int = 0,\n{fields}}}\n\nvar counter = 0\nvar stats = Stats {{}}\n\nfn step() -> int {{\n    {step}\n}}\n\nfn label() -> str {{\n    {label}\n}}\n\nfn main() {{\n    while true {{\n        counter += step()\n        stats.hits += 1\n        print(\"{{label()}} {{counter}} {{stats.hits}}\")\n        sleep(1)\n    }}\n}}\n"
    )
}

/// A short version of the reload soak (`tools/soak.py` runs 1,000): saves cycling through
/// body changes, compile errors, runtime errors and struct changes never stop the program
/// or lose its state.
#[test]
fn a_soak_of_mixed_reloads_keeps_state() {
    let session = HotRun::start("mixedsoak", &[("main.ln", &soak_program(0))]);
    session.wait_for_output("v0 2 2\n");
    for version in 1..=40 {
        let errors_before = session.stderr().len();
        session.write_by_rename("main.ln", &soak_program(version));
        match version % 4 {
            1 => session.wait_for("a rejected reload", |_, stderr| {
                stderr[errors_before..].contains("reload rejected")
            }),
            2 => session.wait_for("the runtime error", |_, stderr| {
                stderr[errors_before..].contains("error: division by zero")
            }),
            _ => session.wait_for_output(&format!("v{version} ")),
        }
    }
    assert!(session.exited().is_none(), "the program kept running");
    let mut previous = 0;
    for line in session.stdout().lines() {
        let numbers: Vec<i64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|word| word.parse().ok())
            .collect();
        let [counter, hits] = numbers[..] else { continue };
        assert_eq!(
            counter, hits,
            "the counter and the struct field advance together: {line}"
        );
        assert!(counter >= previous, "the counter never goes back: {line}");
        previous = counter;
    }
    assert!(previous > 20, "the program made progress: {previous}");
}

#[test]
fn a_function_that_only_moved_reports_its_runtime_errors_at_its_new_lines() {
    // `boom` divides by zero after about a second; a reload before that only adds comment
    // lines above it (not a change, LANGUAGE.md section 7 item 2): the error names the line
    // where `boom` now is (it was compiled again, unreported).
    let program = "var tick = 0\n\nfn boom(d: int) -> int {\n    return 100 / d\n}\n\nfn main() {\n    while true {\n        tick += 1\n        if tick == 200 {\n            print(boom(0))\n        }\n        print(\"waiting\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("movedlines", &[("main.ln", program)]);
    session.wait_for_output("waiting\n");
    session.write_in_place("main.ln", &format!("// one\n// two\n{program}"));
    session.wait_for_error_output("[hmr] main.ln v2: 0 functions changed");
    session.wait_for_error_output("error: division by zero\n  --> main.ln:6:12");
    let stderr = session.stderr();
    assert!(stderr.contains("0: boom at main.ln:6:12"), "{stderr}");
    // `main` never left the body it started before the reload: its frame names that body's
    // line (book/src/hot-reloading.md).
    assert!(stderr.contains("1: main at main.ln:11:19"), "{stderr}");
}
