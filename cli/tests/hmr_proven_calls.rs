//! Hot reload end to end, bounds proofs across calls (`codegen/hot/calls.rs`,
//! `leaves_without_safe_points`): a proven loop that calls a leaf with no safe point runs the
//! new version of the leaf at its next call after a reload, and an `on_reload` that empties
//! the array such a loop indexes is a clean index-out-of-bounds error at the access. Each
//! drives a real `lang run --hmr` process.

mod support;

use support::HotRun;

/// `sweep`'s `for i in 0..n` is versioned: its proven copy calls `weight` directly and reads
/// `xs[i]` unchecked. Every 100 rounds it says whether the total rose or fell.
const SWEEP: &str = "var data: [float] = []\n\nfn weight(i: int) -> float {\n    return 1.0 + float(i * 0)\n}\n\nfn sweep(xs: [float], n: int) {\n    var total = 0.0\n    var last = 0.0\n    var rounds = 0\n    while true {\n        for i in 0..n {\n            total += weight(i) * xs[i]\n        }\n        rounds += 1\n        if rounds % 100 == 0 {\n            if total > last {\n                print(\"rising\")\n            } else {\n                print(\"falling\")\n            }\n            last = total\n        }\n    }\n}\n\nfn main() {\n    for i in 0..1000 {\n        data.push(1.0)\n    }\n    print(\"sweeping over {len(data)}\")\n    sweep(data, len(data))\n}\n";

#[test]
fn a_proven_loop_calls_the_new_version_of_an_edited_leaf() {
    let session = HotRun::start("proven_calls_edit", &[("main.ln", SWEEP)]);
    session.wait_for_output("rising\n");
    let edited = SWEEP.replace("    return 1.0 + float(i * 0)\n", "    return -1.0 + float(i * 0)\n");
    session.write_in_place("main.ln", &edited);
    // `sweep` is unchanged and keeps running: its loop now adds -1.0 per element.
    session.wait_for_output("falling\n");
    session.assert_alive();
}

/// The same loop over the module variable `data`, which `on_reload` empties.
const SHRINKING: &str = "var data: [float] = []\n\nfn on_reload() {\n    data.clear()\n}\n\nfn weight(i: int) -> float {\n    return 1.0 + float(i * 0)\n}\n\nfn sweep(xs: [float], n: int) -> float {\n    var total = 0.0\n    while true {\n        for i in 0..n {\n            total += weight(i) * xs[i]\n        }\n    }\n    return total\n}\n\nfn main() {\n    for i in 0..100000 {\n        data.push(1.0)\n    }\n    print(\"sweeping over {len(data)}\")\n    print(sweep(data, len(data)))\n}\n";

#[test]
fn a_proven_loop_with_a_call_whose_array_on_reload_empties_reports_index_out_of_bounds() {
    let session = HotRun::start("proven_calls_shrink", &[("main.ln", SHRINKING)]);
    session.wait_for_output("sweeping over 100000\n");
    // Only `on_reload` changes, so `sweep` keeps running its proven copy until the swap.
    let edited = SHRINKING.replace("    data.clear()\n", "    data.clear()\n    print(\"cleared\")\n");
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("cleared\n");
    session.wait_for_error_output("error: index out of bounds");
    let stderr = session.stderr();
    // At the access in `sweep` (line 15), through `main`'s call (line 26).
    assert!(stderr.contains("main.ln:15:"), "{stderr}");
    assert!(stderr.contains("main.ln:26:"), "{stderr}");
    session.assert_alive();
}
