//! Hot reload end to end, cells kept in variables across loops (`codegen/hot/cached_cells.rs`):
//! a loop reads module `let`s and field offsets from SSA variables loaded after each call
//! and each poll's slow path, so an edited `let` gives its new value from the next iteration
//! after the poll, and a struct whose layout changes under a running loop is read at its new
//! offsets. Each drives a real `lang run --hmr` process.

mod support;

use support::{HotRun, last_positions};

/// An inner loop with no call reads `STEP` at every iteration; the outer loop prints what
/// one pass added. A swap happens only at a poll (no runtime function polls), so almost
/// surely at the inner loop's header, in the middle of a pass.
const LET_IN_FUNCTION: &str = "let STEP = 1\n\nfn run() {\n    while true {\n        var added = 0\n        for i in 0..10000000 {\n            added += STEP\n        }\n        print(\"added {added}\")\n    }\n}\n\nfn main() {\n    run()\n}\n";

/// The sums printed so far.
fn sums(stdout: &str) -> Vec<i64> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("added ")?.parse().ok())
        .collect()
}

/// Edits `STEP` from 1 to 3 under the running loop of `program`: the pass the swap happened
/// in added 1 before the poll and 3 from the next iteration on (not only after the next
/// call), and every later pass adds 3.
fn assert_let_takes_its_new_value_from_the_next_iteration(name: &str, program: &str) {
    let session = HotRun::start(name, &[("main.ln", program)]);
    session.wait_for_output("added 10000000\n");
    session.write_in_place("main.ln", &program.replace("let STEP = 1", "let STEP = 3"));
    session.wait_for_output("added 30000000\n");
    let sums = sums(&session.stdout());
    let mixed = sums.iter().filter(|sum| **sum != 10000000 && **sum != 30000000).count();
    // At most one pass saw both values (none if the swap came at the pass's first poll).
    assert!(mixed <= 1, "{sums:?}");
    if mixed == 1 {
        let at = sums.iter().position(|sum| *sum != 10000000).unwrap_or_default();
        assert!(sums[at] > 10000000 && sums[at] < 30000000, "{sums:?}");
        assert!(sums[at + 1..].iter().all(|sum| *sum == 30000000), "{sums:?}");
    }
    session.assert_alive();
}

#[test]
fn a_let_edited_under_a_running_loop_gives_its_new_value_from_the_next_iteration() {
    assert_let_takes_its_new_value_from_the_next_iteration("cells_let", LET_IN_FUNCTION);
}

/// The same loop written in `main`, which polls after its statements that may run script
/// code too.
const LET_IN_MAIN: &str = "let STEP = 1\n\nfn main() {\n    while true {\n        var added = 0\n        for i in 0..10000000 {\n            added += STEP\n        }\n        print(\"added {added}\")\n    }\n}\n";

#[test]
fn a_let_edited_under_a_running_loop_of_main_gives_its_new_value_from_the_next_iteration() {
    assert_let_takes_its_new_value_from_the_next_iteration("cells_let_main", LET_IN_MAIN);
}

/// A loop over particles' fields in a function that never returns; a reload removes the
/// field in front of the ones it reads (never written by `main`, which so does not change),
/// so both offsets move under the running loop.
const FIELDS: &str = "struct P {\n    tag: int = 7,\n    x: float,\n    vx: float,\n}\n\nlet SCALE = 1.0\n\nfn run(ps: [P]) {\n    var step = 0\n    while true {\n        for p in ps {\n            p.x += p.vx * SCALE\n        }\n        step += 1\n        if step % 100 == 0 {\n            print(\"x {ps[0].x} {ps[1].x}\")\n            sleep(5)\n        }\n    }\n}\n\nfn main() {\n    var ps: [P] = []\n    ps.push(P { x: 0.0, vx: 1.0 })\n    ps.push(P { x: 0.0, vx: 2.0 })\n    run(ps)\n}\n";

#[test]
fn a_field_removed_in_front_of_a_running_loops_fields_moves_their_offsets() {
    let session = HotRun::start("cells_fields", &[("main.ln", FIELDS)]);
    session.wait_for_output("x 200.0 400.0\n");
    session.write_in_place("main.ln", &FIELDS.replace("    tag: int = 7,\n", ""));
    session.wait_for_error_output("[hmr]");
    let lines_at_reload = session.stdout().lines().count();
    session.wait_for("three more lines after the reload", |stdout, _| {
        stdout.lines().count() >= lines_at_reload + 3
    });
    let stdout = session.stdout();
    let (first, second) = last_positions(&stdout).unwrap_or_else(|| panic!("{stdout}"));
    // The kept fields kept their values, and the loop went on at their new offsets.
    assert!(first > 200.0 && second == 2.0 * first, "{stdout}");
    assert_eq!(first % 100.0, 0.0, "{stdout}");
    session.assert_alive();
}

#[test]
fn a_let_and_a_layout_changed_together_under_a_running_loop() {
    let session = HotRun::start("cells_fields_and_let", &[("main.ln", FIELDS)]);
    session.wait_for_output("x 200.0 400.0\n");
    let edited = FIELDS
        .replace("    tag: int = 7,\n", "")
        .replace("let SCALE = 1.0", "let SCALE = 0.0");
    session.write_in_place("main.ln", &edited);
    session.wait_for_error_output("[hmr]");
    // With `SCALE` 0 the positions stop moving: two equal lines in a row.
    session.wait_for("the positions to stop", |stdout, _| {
        let lines: Vec<&str> = stdout.lines().collect();
        lines.len() >= 3 && lines[lines.len() - 2] == lines[lines.len() - 3]
    });
    let stdout = session.stdout();
    let (first, second) = last_positions(&stdout).unwrap_or_else(|| panic!("{stdout}"));
    // (A swap between the two particles' iterations moves only the first with the old scale.)
    assert!(first >= 200.0 && second >= 400.0, "{stdout}");
    session.assert_alive();
}
