//! Hot reload end to end, inlined callees (`codegen/hot/calls.rs`, `codegen/hot/inlining.rs`):
//! hot code inlines a small callee of the same module version behind a guard that its slot
//! still holds that version, and skips the status test of a leaf that cannot fail only on that
//! guarded path. These tests change such callees while a caller that never returns runs a
//! tight loop over them, driving a real `lang run --hmr` process.

mod support;

use support::HotRun;

/// `weight` is small and cannot fail, so `run`'s inner loop inlines it; `run` never returns,
/// so its frame keeps the code compiled before each reload.
const INLINED: &str = "fn weight(i: int) -> int {\n    return i * 2\n}\n\nfn run() {\n    while true {\n        var total = 0\n        for i in 0..1000 {\n            total += weight(i)\n        }\n        print(\"total {total}\")\n        sleep(5)\n    }\n}\n\nfn main() {\n    run()\n}\n";

#[test]
fn an_edited_inlined_callee_runs_its_new_body_in_a_running_loop() {
    let session = HotRun::start("inlining_edit", &[("main.ln", INLINED)]);
    session.wait_for_output("total 999000\n");
    session.write_in_place("main.ln", &INLINED.replace("return i * 2", "return i * 3"));
    session.wait_for_output("total 1498500\n");
    // And back: the slot holds the first body's code no more, so the guard fails again.
    session.write_in_place("main.ln", &INLINED.replace("return i * 2", "return i + 1"));
    session.wait_for_output("total 500500\n");
    session.assert_alive();
}

#[test]
fn an_inlined_leaf_that_could_not_fail_replaced_by_one_that_raises_reports_its_error() {
    let session = HotRun::start("inlining_raises", &[("main.ln", INLINED)]);
    session.wait_for_output("total 999000\n");
    let raising = INLINED.replace("    return i * 2\n", "    return 1000 / (i - 500)\n");
    session.write_in_place("main.ln", &raising);
    session.wait_for_error_output("error: division by zero");
    let stderr = session.stderr();
    // The error's place, and the call stack through the loop of the caller that did not change.
    assert!(stderr.contains("main.ln:2:"), "{stderr}");
    assert!(stderr.contains("main.ln:9:"), "{stderr}");
    session.assert_alive();
}

/// A recursive function is inlined into itself once (the copy without entry poll and
/// stack-depth check); the edit must reach every level.
const RECURSIVE: &str = "fn fib(n: int) -> int {\n    if n < 2 {\n        return n\n    }\n    return fib(n - 1) + fib(n - 2)\n}\n\nfn run() {\n    while true {\n        print(\"fib {fib(20)}\")\n        sleep(5)\n    }\n}\n\nfn main() {\n    run()\n}\n";

#[test]
fn an_edited_recursive_function_inlined_into_itself_runs_its_new_body() {
    let session = HotRun::start("inlining_recursive", &[("main.ln", RECURSIVE)]);
    session.wait_for_output("fib 6765\n");
    // Leaves count 1 instead of n: fib(20) becomes the number of leaves, 10946.
    session.write_in_place(
        "main.ln",
        &RECURSIVE.replace("        return n\n", "        return 1\n"),
    );
    session.wait_for_output("fib 10946\n");
    session.assert_alive();
}

/// Deep recursion still ends in the stack-overflow error, not a crash, though every other
/// level is an inlined copy without the stack-depth check.
const DEEP: &str = "fn depth(n: int) -> int {\n    return depth(n + 1) + 1\n}\n\nfn main() {\n    print(\"start\")\n    print(depth(0))\n}\n";

#[test]
fn deep_recursion_through_inlined_copies_is_a_clean_stack_overflow() {
    let session = HotRun::start("inlining_deep", &[("main.ln", DEEP)]);
    session.wait_for_output("start\n");
    session.wait_for_error_output("error: stack overflow");
    session.assert_alive();
}
