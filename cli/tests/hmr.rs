//! Hot reload end to end (LANGUAGE.md section 7): a real `lang run --hmr` process on files in
//! a temporary folder, edited the ways editors save, with every wait bounded by a deadline.

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lang_tests::session::{Project, Session};

/// A running `lang run` on the files of a temporary project. The fields drop in order: the
/// process is stopped before its folder is removed.
struct HotRun {
    session: Session,
    project: Project,
}

impl HotRun {
    fn start(name: &str, files: &[(&str, &str)]) -> HotRun {
        HotRun::start_with(name, files, |command| {
            command.arg("--hmr");
        })
    }

    fn start_with(name: &str, files: &[(&str, &str)], configure: impl FnOnce(&mut Command)) -> HotRun {
        let project = Project::new(name, files);
        let mut command = project.command(env!("CARGO_BIN_EXE_lang"));
        command.arg("run");
        configure(&mut command);
        command.arg("main.ln");
        HotRun {
            session: Session::spawn(command),
            project,
        }
    }

    fn folder(&self) -> &Path {
        self.project.folder()
    }

    fn path(&self, file: &str) -> PathBuf {
        self.project.path(file)
    }

    fn write_in_place(&self, file: &str, text: &str) {
        self.project.write_in_place(file, text);
    }

    fn write_by_rename(&self, file: &str, text: &str) {
        self.project.write_by_rename(file, text);
    }
}

/// The process: its output, waits and signals.
impl Deref for HotRun {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

/// A loop that prints `tag N` forever, N counting up in a module variable.
fn counter(tag: &str) -> String {
    format!(
        "var count = 0\n\nfn tag() -> str {{\n    return \"{tag}\"\n}}\n\nfn main() {{\n    while true {{\n        count += 1\n        print(\"{{tag()}} {{count}}\")\n        sleep(5)\n    }}\n}}\n"
    )
}

fn last_count(stdout: &str, tag: &str) -> Option<i64> {
    stdout.lines().rev().find_map(|line| {
        line.strip_prefix(&format!("{tag} "))
            .and_then(|count| count.parse().ok())
    })
}

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

#[test]
fn a_burst_of_saves_gives_a_few_reloads_and_the_last_version_wins() {
    let session = HotRun::start("burst", &[("main.ln", &counter("s0"))]);
    session.wait_for_output("s0 2\n");
    for save in 1..=30 {
        session.write_in_place("main.ln", &counter(&format!("s{save}")));
    }
    session.wait_for_output("s30 ");
    std::thread::sleep(Duration::from_millis(200));
    let reloads = session.stderr().matches("[hmr] main.ln v").count();
    assert!((1..=30).contains(&reloads), "{}", session.stderr());
    let last_line = session.stdout().lines().last().unwrap_or_default().to_string();
    assert!(last_line.starts_with("s30 "), "{last_line}");
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

/// A save made while `lang` starts up, before the program printed anything, is picked up:
/// the watcher exists before the first compile reads the files.
#[test]
fn a_save_made_during_start_up_is_not_missed() {
    let main = "fn main() {\n    while true {\n        print(\"first\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("startup", &[("main.ln", main)]);
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
        "error: called a function that a reload removed or whose signature changed\n  --> main.ln:8:18",
    );
}

const MIGRATE: &str = "struct P {\n    x: int = 0,\n    name: str = \"p\",\n}\n\nvar all: [P] = []\n\nfn make(x: int) -> P {\n    return P { x: x }\n}\n\nfn show(p: P) -> str {\n    return \"{p.name}:{p.x}\"\n}\n\nfn main() {\n    all.push(make(1))\n    all.push(P { x: 2, name: \"q\" })\n    let local = make(3)\n    while true {\n        print(\"{show(all[0])} {show(all[1])} {show(local)}\")\n        sleep(5)\n    }\n}\n";

#[test]
fn struct_instances_are_migrated_keeping_values_and_identity() {
    let session = HotRun::start("migrate", &[("main.ln", MIGRATE)]);
    session.wait_for_output("p:1 q:2 p:3\n");
    // A new field with a default: every live instance (in a global array and in a local of
    // the running `main`) keeps its values and gets the default.
    let added = MIGRATE
        .replace(
            "    name: str = \"p\",\n}",
            "    name: str = \"p\",\n    hp: int = 100,\n}",
        )
        .replace("return \"{p.name}:{p.x}\"", "return \"{p.name}:{p.x}:{p.hp}\"");
    session.write_in_place("main.ln", &added);
    session.wait_for_output("p:1:100 q:2:100 p:3:100\n");
    // (The count includes any dead instance the conservative stack scan still sees.)
    session.wait_for_error_output("`P` values to the new fields");
    // Reordered fields keep their values; a retyped field takes its default.
    let reordered = added.replace(
        "struct P {\n    x: int = 0,\n    name: str = \"p\",\n    hp: int = 100,\n}",
        "struct P {\n    hp: float = 1.5,\n    name: str = \"p\",\n    x: int = 0,\n}",
    );
    session.write_in_place("main.ln", &reordered);
    session.wait_for_output("p:1:1.5 q:2:1.5 p:3:1.5\n");
}

#[test]
fn a_new_field_without_a_default_refuses_the_reload() {
    let session = HotRun::start("nodefault", &[("main.ln", MIGRATE)]);
    session.wait_for_output("p:1 q:2 p:3\n");
    session.write_in_place(
        "main.ln",
        &MIGRATE
            .replace("    name: str = \"p\",\n}", "    name: str = \"p\",\n    hp: int,\n}")
            .replace("return P { x: x }", "return P { x: x, hp: 1 }")
            .replace("P { x: 2, name: \"q\" }", "P { x: 2, name: \"q\", hp: 2 }"),
    );
    session.wait_for_error_output("[hmr] reload rejected; still running main.ln v1");
    assert!(
        session.stderr().contains("field `hp` of struct `P`"),
        "{}",
        session.stderr()
    );
}

#[test]
fn a_failing_default_swaps_nothing() {
    let session = HotRun::start("baddefault", &[("main.ln", MIGRATE)]);
    session.wait_for_output("p:1 q:2 p:3\n");
    let failing = MIGRATE
        .replace(
            "    name: str = \"p\",\n}",
            "    name: str = \"p\",\n    hp: int = 1 / (len(all) - len(all)),\n}",
        )
        .replace("return \"{p.name}:{p.x}\"", "return \"{p.name}:{p.x}:{p.hp}\"");
    session.write_in_place("main.ln", &failing);
    session.wait_for_error_output("[hmr] reload abandoned: nothing was swapped");
    assert!(
        session.stderr().contains("error: division by zero"),
        "{}",
        session.stderr()
    );
    // The old version keeps running (it is not stopped as after a runtime error)...
    let printed = session.stdout().matches("p:1 q:2 p:3\n").count();
    session.wait_for("the old version to go on printing", |stdout, _| {
        stdout.matches("p:1 q:2 p:3\n").count() >= printed + 3
    });
    // ...and a good save then migrates.
    let fixed = failing.replace("1 / (len(all) - len(all))", "7");
    session.write_in_place("main.ln", &fixed);
    session.wait_for_output("p:1:7 q:2:7 p:3:7\n");
    // The payloads built by the abandoned attempt are gone: a later migration of the same
    // struct finds only the real instances.
    let again = fixed
        .replace("    hp: int = 7,\n}", "    hp: int = 7,\n    mp: int = 3,\n}")
        .replace("{p.hp}\"", "{p.hp}:{p.mp}\"");
    session.write_in_place("main.ln", &again);
    session.wait_for_output("p:1:7:3 q:2:7:3 p:3:7:3\n");
}

#[test]
fn a_default_may_call_a_function_added_in_the_same_save() {
    // The code is patched before instances are migrated (LANGUAGE.md section 7 item 5), so
    // a default sees the new functions.
    let session = HotRun::start("newdefaultfn", &[("main.ln", MIGRATE)]);
    session.wait_for_output("p:1 q:2 p:3\n");
    let changed = MIGRATE
        .replace(
            "    name: str = \"p\",\n}",
            "    name: str = \"p\",\n    hp: int = start_hp(),\n}\n\nfn start_hp() -> int {\n    return 40\n}",
        )
        .replace("return \"{p.name}:{p.x}\"", "return \"{p.name}:{p.x}:{p.hp}\"");
    session.write_in_place("main.ln", &changed);
    session.wait_for_output("p:1:40 q:2:40 p:3:40\n");
    assert!(!session.stderr().contains("error"), "{}", session.stderr());
}

#[test]
fn an_old_frame_reading_a_removed_field_gets_a_runtime_error() {
    // `spin` keeps running its old body, which reads `p.x`; the new layout drops `x`.
    let program = "struct P {\n    x: int = 5,\n    y: int = 6,\n}\n\nfn spin(p: P) {\n    while true {\n        print(\"x {p.x}\")\n        sleep(5)\n    }\n}\n\nfn main() {\n    spin(P {})\n}\n";
    let session = HotRun::start("gonefield", &[("main.ln", program)]);
    session.wait_for_output("x 5\n");
    let changed = program
        .replace("    x: int = 5,\n", "")
        .replace("print(\"x {p.x}\")", "print(\"y {p.y}\")");
    session.write_in_place("main.ln", &changed);
    session.wait_for_error_output("error: field `x` was removed or changed its type in a reload\n  --> main.ln:8:");
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
    session.write_in_place("main.ln", &format!("// first\n{program}"));
    session.wait_for_output("on_reload start\n");
    session.write_in_place("main.ln", &format!("// second\n{program}"));
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

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
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
fn a_changed_field_default_reaches_struct_literals_in_importers() {
    let shapes = "pub struct Ball {\n    speed: float = 1.0,\n}\n";
    // The literal is in a function called on each iteration: `main`'s running frame keeps
    // its old body, but every call after the swap runs the recompiled `make`.
    let main = "import shapes\n\nfn make() -> shapes.Ball {\n    return shapes.Ball {}\n}\n\nfn main() {\n    while true {\n        let ball = make()\n        print(\"speed {ball.speed}\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("defaults", &[("main.ln", main), ("shapes.ln", shapes)]);
    session.wait_for_output("speed 1.0\n");
    session.write_in_place("shapes.ln", &shapes.replace("1.0", "2.5"));
    session.wait_for_output("speed 2.5\n");
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
fn old_code_building_a_struct_gets_the_new_layout_with_defaults() {
    // `spin` keeps running its old body, which builds `P { x: ... }`; the new layout adds a
    // field that old body does not know: it takes its default.
    let program = "struct P {\n    x: int = 0,\n}\n\nvar made: [P] = []\n\nfn report() {\n    print(\"made {len(made)}\")\n}\n\nfn spin() {\n    var i = 0\n    while true {\n        i += 1\n        made.push(P { x: i })\n        report()\n        sleep(5)\n    }\n}\n\nfn main() {\n    spin()\n}\n";
    let session = HotRun::start("oldliteral", &[("main.ln", program)]);
    session.wait_for_output("made 2\n");
    let changed = program
        .replace("    x: int = 0,\n}", "    x: int = 0,\n    tag: str = \"new\",\n}")
        .replace(
            "print(\"made {len(made)}\")",
            "let last = made[len(made) - 1]\n    print(\"last {last.x} {last.tag}\")",
        );
    session.write_in_place("main.ln", &changed);
    session.wait_for("a struct built by old code after the swap", |stdout, _| {
        stdout
            .lines()
            .any(|line| line.starts_with("last ") && line.ends_with(" new"))
    });
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
fn random_layout_changes_keep_every_surviving_value() {
    // A deterministic sequence of field additions, removals and reorders on a struct with
    // live instances; after each swap every field that survived keeps its value and every
    // other field has its default.
    let mut state = 12345u64;
    let mut next = move |bound: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % bound
    };
    // Fields are `fN: int = N * 1000` by default; instance k stores k * 10 + N in each field.
    let mut fields: Vec<u32> = vec![0, 1, 2];
    let mut next_field = 3u32;
    // `main` never changes, so it is never entered again; `setup` sets the stored values in
    // the first version only (later versions of it never run).
    let program = |fields: &[u32], round: usize| {
        let declarations: String = fields
            .iter()
            .map(|f| format!("    f{f}: int = {},\n", f * 1000))
            .collect();
        let prints: String = fields.iter().map(|f| format!(" f{f}={{p.f{f}}}")).collect();
        let assignments: String = if round == 0 {
            fields
                .iter()
                .map(|f| format!("        p.f{f} = k * 10 + {f}\n"))
                .collect()
        } else {
            String::new()
        };
        format!(
            "struct S {{\n{declarations}}}\n\nvar all: [S] = []\n\nfn show(p: S) -> str {{\n    return \"round{round}{prints}\"\n}}\n\nfn setup() {{\n    for k in 0..3 {{\n        let p = S {{}}\n{assignments}        all.push(p)\n    }}\n}}\n\nfn main() {{\n    setup()\n    while true {{\n        for p in all {{\n            print(show(p))\n        }}\n        sleep(5)\n    }}\n}}\n"
        )
    };
    let session = HotRun::start("property", &[("main.ln", &program(&fields, 0))]);
    session.wait_for_output("round0");
    // Which fields hold their stored values (set at start) versus defaults (added later).
    let mut stored: Vec<u32> = fields.clone();
    for round in 1..=8 {
        match next(3) {
            0 => {
                fields.push(next_field);
                next_field += 1;
            }
            1 if fields.len() > 1 => {
                let removed = fields.remove(next(fields.len() as u64) as usize);
                stored.retain(|field| *field != removed);
            }
            _ => {
                let a = next(fields.len() as u64) as usize;
                let b = next(fields.len() as u64) as usize;
                fields.swap(a, b);
            }
        }
        session.write_in_place("main.ln", &program(&fields, round));
        let expected: Vec<String> = (0..3)
            .map(|k| {
                let values: String = fields
                    .iter()
                    .map(|f| {
                        let value = if stored.contains(f) {
                            k * 10 + *f as i64
                        } else {
                            *f as i64 * 1000
                        };
                        format!(" f{f}={value}")
                    })
                    .collect();
                format!("round{round}{values}")
            })
            .collect();
        session.wait_for(&format!("round {round}: {expected:?}"), |stdout, _| {
            expected.iter().all(|line| stdout.lines().any(|seen| seen == line))
        });
    }
}

/// Replaces the number after `migrate ` or `migrated ` with `N`.
fn redact_counts(line: &str) -> String {
    let mut out = line.to_string();
    for word in ["migrated ", "migrate "] {
        if let Some(at) = out.find(word) {
            let start = at + word.len();
            let end = out[start..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(out.len(), |offset| start + offset);
            if end > start {
                out.replace_range(start..end, "N");
            }
        }
    }
    out.replace("N values", "N value(s)").replace("N value ", "N value(s) ")
}

/// Replaces every `<number> ms` with `N ms`, so transcripts can be snapshotted.
fn redact_times(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(" ms") {
        let before = &rest[..at];
        let digits = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
            .last()
            .map(|(index, _)| index);
        match digits {
            Some(start) if start < before.len() => {
                out.push_str(&before[..start]);
                out.push('N');
            }
            _ => out.push_str(before),
        }
        out.push_str(" ms");
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

#[test]
fn migration_transcript() {
    let session = HotRun::start("transcript", &[("main.ln", MIGRATE)]);
    session.wait_for_output("p:1 q:2 p:3\n");
    let added = MIGRATE
        .replace(
            "    name: str = \"p\",\n}",
            "    name: str = \"p\",\n    hp: int = 100,\n}",
        )
        .replace("return \"{p.name}:{p.x}\"", "return \"{p.name}:{p.x}:{p.hp}\"");
    session.write_in_place("main.ln", &added);
    session.wait_for_output("p:1:100 q:2:100 p:3:100\n");
    // A retyped field without a default: refused, with the reason.
    session.write_in_place(
        "main.ln",
        &added
            .replace("    hp: int = 100,", "    hp: str,")
            .replace("return P { x: x }", "return P { x: x, hp: \"a\" }")
            .replace("P { x: 2, name: \"q\" }", "P { x: 2, name: \"q\", hp: \"b\" }"),
    );
    session.wait_for_error_output("[hmr] reload rejected");
    // Timings vary, and so can the count of migrated values (the conservative collector may
    // not have freed every dead one yet): both are redacted.
    let transcript = redact_times(&session.stderr())
        .lines()
        .map(redact_counts)
        .collect::<Vec<_>>()
        .join("\n");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("migration_transcript", transcript));
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

/// Two structs of the same name in different modules are different types to hot reload too:
/// a variable that changes from one to the other is initialized again, never read with the
/// other's layout.
#[test]
fn a_variable_retyped_to_a_same_named_struct_of_another_module_is_initialized_again() {
    let other = "pub struct P {\n    name: str = \"from other\",\n}\n\nfn main() {\n}\n";
    let first = "struct P {\n    x: float = 1.5,\n}\n\nvar p = P {}\n\nfn main() {\n    while true {\n        print(\"x {p.x}\")\n        sleep(5)\n    }\n}\n";
    let second = "import other\n\nvar p = other.P {}\n\nfn main() {\n    while true {\n        print(\"name {p.name}\")\n        sleep(5)\n    }\n}\n";
    let session = HotRun::start("samename", &[("main.ln", first), ("other.ln", other)]);
    session.wait_for_output("x 1.5\n");
    session.write_in_place("main.ln", second);
    session.wait_for_output("name from other\n");
    session.wait_for_error_output("changed its type to `other.P`");
    assert!(session.exited().is_none(), "the program keeps running");
}
