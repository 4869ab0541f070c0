//! Hot reload end to end, with only the functions that can run compiled (issue 20): an edit
//! that makes a function of an unchanged module reachable — by a new call, a new function
//! value, or a new closure — compiles it, and its slot, never called before, now runs it.

mod support;

use support::HotRun;

/// `show` is called afresh at each step, so an edit of it runs at the next call.
const MAIN: &str = "import lib\n\nfn show() {\n    print(\"step {lib.shown()}\")\n}\n\nfn main() {\n    while true {\n        show()\n        sleep(5)\n    }\n}\n";
/// Nothing calls `called`, `valued`, `closed` or `detail` at first: they are not compiled.
const LIB: &str = "pub fn shown() -> int {\n    return 0\n}\n\n\
pub fn called() -> str {\n    return \"called {detail()}\"\n}\n\n\
pub fn valued() -> str {\n    return \"valued\"\n}\n\n\
pub fn closed(x: int) -> str {\n    return \"closed {x}\"\n}\n\n\
fn detail() -> int {\n    return 7\n}\n";

/// The `[hmr] timing` lines of `LANG_HMR_DEBUG=1`, which end with how many modules and
/// functions each version compiled.
fn compiled_counts(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| line.starts_with("[hmr] timing:"))
        .filter_map(|line| {
            line.rsplit_once('(')
                .map(|(_, counts)| counts.trim_end_matches(')').to_string())
        })
        .collect()
}

#[test]
fn an_edit_that_reaches_a_never_compiled_function_runs_it() {
    let session = HotRun::start_with("compile_set", &[("main.ln", MAIN), ("lib.ln", LIB)], |command| {
        command.arg("--hmr").env("LANG_HMR_DEBUG", "1");
    });
    session.wait_for_output("step 0\n");
    // main, show and lib.shown: not the four functions nothing calls.
    assert_eq!(compiled_counts(&session.stderr()), ["2 modules, 3 functions"]);

    // A new call into the unchanged module, and through it a private function.
    session.write_in_place("main.ln", &MAIN.replace("step {lib.shown()}", "step {lib.called()}"));
    session.wait_for_output("step called 7\n");
    let stderr = session.stderr();
    assert!(
        stderr.contains("[hmr] main.ln v2: 1 function changed (show)"),
        "{stderr}"
    );
    // Compiling lib's functions again is no reload of lib: nothing of it changed.
    assert!(!stderr.contains("[hmr] lib.ln v"), "{stderr}");

    // A new function value.
    let before = session.stderr().len();
    session.write_in_place(
        "main.ln",
        &MAIN.replace(
            "print(\"step {lib.shown()}\")",
            "let f = lib.valued\n    print(\"step {f()}\")",
        ),
    );
    session.wait_for_output("step valued\n");

    // A new closure whose body calls one.
    session.write_in_place(
        "main.ln",
        &MAIN.replace(
            "print(\"step {lib.shown()}\")",
            "let g = fn(x: int) => lib.closed(x)\n    print(\"step {g(3)}\")",
        ),
    );
    session.wait_for_output("step closed 3\n");
    let stderr = session.stderr();
    assert!(!stderr[before..].contains("[hmr] lib.ln v"), "{stderr}");
    // The last reload compiled `show` and `closed`, and nothing else.
    assert_eq!(
        compiled_counts(&stderr).last().map(String::as_str),
        Some("2 modules, 2 functions")
    );
    session.assert_alive();
}

/// An edit of the module itself that starts calling one of its own never-compiled functions
/// compiles that function too, though its tokens did not change.
#[test]
fn a_module_edit_that_calls_its_own_never_compiled_function_runs_it() {
    let session = HotRun::start_with("compile_set_own", &[("main.ln", MAIN), ("lib.ln", LIB)], |command| {
        command.arg("--hmr");
    });
    session.wait_for_output("step 0\n");
    session.write_in_place("lib.ln", &LIB.replace("return 0", "return detail() + 1"));
    session.wait_for_output("step 8\n");
    let stderr = session.stderr();
    assert!(
        stderr.contains("[hmr] lib.ln v2: 1 function changed (shown)"),
        "{stderr}"
    );
    session.assert_alive();
}

/// A function value taken before its function was removed still names its slot: when the
/// function comes back, its new code runs through that value, though no code names it.
#[test]
fn a_removed_function_that_comes_back_runs_through_an_old_function_value() {
    let main = "import lib\n\nvar held: fn() -> str = lib.kept\n\nfn show() {\n    print(\"step {held()}\")\n}\n\nfn main() {\n    while true {\n        show()\n        sleep(5)\n    }\n}\n";
    let lib = "pub fn kept() -> str {\n    return \"kept\"\n}\n\npub fn other() -> str {\n    return \"other\"\n}\n";
    let session = HotRun::start_with("compile_set_back", &[("main.ln", main), ("lib.ln", lib)], |command| {
        command.arg("--hmr");
    });
    session.wait_for_output("step kept\n");
    // The `var` keeps its value; now no code names `lib.kept`.
    session.write_in_place("main.ln", &main.replace("= lib.kept", "= lib.other"));
    session.wait_for_error_output("main.ln v2");
    session.write_in_place(
        "lib.ln",
        &lib.replace("pub fn kept() -> str {\n    return \"kept\"\n}\n\n", ""),
    );
    session.wait_for_error_output("lib.ln v2");
    session.write_in_place("lib.ln", &lib.replace("return \"kept\"", "return \"back\""));
    session.wait_for_output("step back\n");
    session.assert_alive();
}
