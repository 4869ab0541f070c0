//! Hot reload end to end, calls of functions that cannot fail (`codegen/calls_infallible.rs`):
//! in `lang run` and release builds a caller does not test the status of such a callee, so hot
//! mode must keep testing every call, or an error of a new version would go unnoticed.

mod support;

use support::HotRun;

/// `scaled` cannot fail (one multiplication) and is called from a loop in `run`, whose frame
/// keeps running while `scaled` is replaced.
const LEAF: &str = "fn scaled(i: int) -> int {\n    return i * 2\n}\n\nfn run() {\n    var i = 1\n    while true {\n        print(\"value {scaled(i)}\")\n        i += 1\n        sleep(5)\n    }\n}\n\nfn main() {\n    run()\n}\n";

#[test]
fn a_leaf_that_could_not_fail_replaced_by_one_that_raises_reports_its_error() {
    let session = HotRun::start("calls_leaf_raises", &[("main.ln", LEAF)]);
    session.wait_for_output("value 2\n");
    let raising = LEAF.replace("    return i * 2\n", "    return 10 / (i - i)\n");
    session.write_in_place("main.ln", &raising);
    session.wait_for_error_output("error: division by zero");
    let stderr = session.stderr();
    // The error's place and the call stack through the caller that did not change.
    assert!(stderr.contains("main.ln:2:"), "{stderr}");
    assert!(stderr.contains("run"), "{stderr}");
    session.assert_alive();
}
