//! Hot reload end to end, the methods of arrays and maps (LANGUAGE.md section 10): a callback
//! passed to `xs.map(f)` or `xs.sort_by(less)` is a function value, so each call of the method
//! runs the newest version of the callback, and an edited callback's error propagates.

mod support;

use support::HotRun;

/// A loop that maps, filters and sorts with named callbacks.
const PROGRAM: &str = "fn scale(x: int) -> int {\n    return x * 2\n}\n\nfn keep(x: int) -> bool {\n    return x > 1\n}\n\nfn less(a: int, b: int) -> bool {\n    return a < b\n}\n\nfn main() {\n    let xs = [3, 1, 2]\n    while true {\n        let ys = xs.filter(keep).map(scale)\n        ys.sort_by(less)\n        print(\"{ys[0]} {ys[1]}\")\n        sleep(5)\n    }\n}\n";

#[test]
fn edited_callbacks_run_at_the_next_call_of_the_method() {
    let session = HotRun::start("methods_edit", &[("main.ln", PROGRAM)]);
    session.wait_for_output("4 6\n");
    let edited = PROGRAM
        .replace("return x * 2", "return x * 10")
        .replace("return a < b", "return a > b");
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("30 20\n");
    session.assert_alive();
}

#[test]
fn an_error_in_an_edited_callback_is_reported_and_the_program_waits() {
    let session = HotRun::start("methods_error", &[("main.ln", PROGRAM)]);
    session.wait_for_output("4 6\n");
    let failing = PROGRAM.replace("return x * 2", "return x / (x - 3)");
    session.write_in_place("main.ln", &failing);
    session.wait_for_error_output("error: division by zero");
    assert!(
        session.stderr().contains("scale at main.ln:2:12"),
        "{}",
        session.stderr()
    );
    // Fixed again: the program goes on.
    let fixed = PROGRAM.replace("return x * 2", "return x * 3");
    session.write_in_place("main.ln", &fixed);
    session.wait_for_output("6 9\n");
    session.assert_alive();
}
