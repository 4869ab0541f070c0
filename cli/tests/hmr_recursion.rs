//! Hot reload end to end, doubly recursive functions run as a loop (`codegen/hot/accumulation.rs`):
//! `fib`'s second call is the back edge of a loop that goes on only while `fib`'s slot holds
//! the code it was compiled in. An edit of `fib` deep in a running recursion must reach the
//! calls still to come, the back edges of the frames already running included, and an error
//! raised after the edit must list every frame the recursion would have had. Each test drives
//! a real `lang run --hmr` process.

mod support;

use support::HotRun;

/// `fib(90)` would run for centuries, so the edit lands while it recurses.
const ENDLESS: &str = "fn fib(n: int) -> int {\n    if n < 2 {\n        return n\n    }\n    return fib(n - 1) + fib(n - 2)\n}\n\nfn main() {\n    print(\"start\")\n    print(\"fib {fib(90)}\")\n}\n";

#[test]
fn an_edit_of_a_function_deep_in_its_recursion_reaches_the_frames_already_running() {
    let session = HotRun::start("recursion_edit", &[("main.ln", ENDLESS)]);
    session.wait_for_output("start\n");
    // The new version returns at once below 100: the recursion can only finish if every
    // frame still running (each is a loop over its second calls) calls the new version at its
    // next call, rather than going on with the code it was compiled in.
    session.write_in_place("main.ln", &ENDLESS.replace("if n < 2 {", "if n < 100 {"));
    session.wait_for_output("fib ");
    session.wait_for("the result of fib(90)", |stdout, _| {
        stdout.contains("fib ") && stdout.ends_with('\n')
    });
    let stdout = session.stdout();
    let result = stdout.lines().find_map(|line| line.strip_prefix("fib ")).unwrap();
    assert!(result.parse::<i64>().is_ok(), "{stdout}");
    // `main` returned: the program ends.
    assert!(session.wait_exit().success(), "{}", session.stderr());
}

/// `fib(28)` over and over: almost every safe point is a call of `fib`, deep in a recursion.
const ROUNDS: &str = "fn fib(n: int) -> int {\n    if n < 2 {\n        return n\n    }\n    return fib(n - 1) + fib(n - 2)\n}\n\nfn main() {\n    print(\"start\")\n    var total = 0\n    while true {\n        total += fib(28)\n    }\n}\n";

/// The first call of `fib` in `ROUNDS` is at this line and column, the second at the next.
const FIRST_CALL: &str = "main.ln:5:12";
const SECOND_CALL: &str = "main.ln:5:25";

#[test]
fn an_error_after_an_edit_deep_in_a_recursion_lists_every_frame_of_the_recursion() {
    let session = HotRun::start("recursion_trace", &[("main.ln", ROUNDS)]);
    session.wait_for_output("start\n");
    // `fail` goes after `main`, so that no line of the running code moves.
    let raising = ROUNDS.replace("    if n < 2 {\n", "    if fail(n) {\n")
        + "\nfn fail(n: int) -> bool {\n    panic(\"at {n}\")\n}\n";
    session.write_in_place("main.ln", &raising);
    session.wait_for_error_output("error: at ");
    session.wait_for("the whole stack trace", |_, stderr| stderr.contains("main.ln:12:"));
    let stderr = session.stderr();
    let at: i64 = stderr
        .lines()
        .find_map(|line| line.strip_prefix("error: at "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no value of n in {stderr}"));
    // The new version raised at its first statement (in `fail`), called from the frames of
    // the old one:
    // each frame at the first call is one step of 1 below `fib(28)`, each at the second call
    // a step of 2, so together they descend from 28 to `at`. (Raised deep in the recursion:
    // `main`'s own safe points are a few among the hundreds of thousands of `fib`'s.)
    let firsts = stderr.lines().filter(|line| line.ends_with(FIRST_CALL)).count() as i64;
    let seconds = stderr.lines().filter(|line| line.ends_with(SECOND_CALL)).count() as i64;
    assert_eq!(firsts + 2 * seconds, 28 - at, "{stderr}");
    assert!(at < 28, "{stderr}");
    assert!(!stderr.contains("omitted"), "{stderr}");
    session.assert_alive();
}
