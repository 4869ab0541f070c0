//! Hot reload end to end, loops that hot code optimizes (`codegen/bounds.rs`,
//! `counter_loops.rs`, `loop_idioms.rs`, field alias regions): a bounds proof holds only
//! between two safe points, so an `on_reload` that shrinks the array a proven loop indexes
//! is a clean index-out-of-bounds error at the next access, also when the loop holds a
//! loop whose poll saw the swap; push loops are one call; struct fields migrated under a
//! running loop keep their values, also when the swap comes inside a call of a fixed-layout
//! loop. Each drives a real `lang run --hmr` process.

mod support;

use support::{HotRun, last_positions};

/// `spin`'s `while j < n` is a counter loop whose `xs[j]` is proven in range at entry
/// (`0 <= j`, `n <= len(xs)`, a step named by a local in `0..=2^32`); with a step of 0 it
/// never ends. `xs` aliases the module variable `data`, which `on_reload` empties.
const SHRINKING: &str = "var data: [int] = []\n\nfn on_reload() {\n    data.clear()\n}\n\nfn spin(xs: [int], step: int) -> int {\n    var total = 0\n    var j = 1\n    let n = len(xs)\n    while j < n {\n        total += xs[j]\n        j += step\n    }\n    return total\n}\n\nfn main() {\n    for i in 0..100 {\n        data.push(i)\n    }\n    print(\"spinning over {len(data)}\")\n    print(spin(data, 0))\n}\n";

#[test]
fn a_proven_loop_whose_array_on_reload_empties_reports_index_out_of_bounds() {
    let session = HotRun::start("loops_shrink", &[("main.ln", SHRINKING)]);
    session.wait_for_output("spinning over 100\n");
    // The edit changes only `on_reload` (so `main` and `spin` keep running): it runs after
    // the swap, at the poll of `spin`'s loop, which then goes on in the checked copy.
    let edited = SHRINKING.replace("    data.clear()\n", "    data.clear()\n    print(\"cleared\")\n");
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("cleared\n");
    session.wait_for_error_output("error: index out of bounds");
    let stderr = session.stderr();
    // At the access in `spin` (line 12), through `main`'s call (line 23).
    assert!(stderr.contains("main.ln:12:"), "{stderr}");
    assert!(stderr.contains("main.ln:23:"), "{stderr}");
    session.assert_alive();
}

/// The same with a `for` loop over a range (versioned: `0 <= 0` and `END <= len(xs)` at
/// entry), kept running by an outer `while` whose end depends on nothing the loop changes.
const SHRINKING_RANGE: &str = "var data: [int] = []\n\nfn on_reload() {\n    data.clear()\n}\n\nfn sweep(xs: [int], n: int) -> int {\n    var total = 0\n    while true {\n        for i in 0..n {\n            total += xs[i]\n        }\n    }\n    return total\n}\n\nfn main() {\n    for i in 0..100000 {\n        data.push(i)\n    }\n    print(\"sweeping over {len(data)}\")\n    print(sweep(data, len(data)))\n}\n";

#[test]
fn a_proven_range_loop_whose_array_on_reload_empties_reports_index_out_of_bounds() {
    let session = HotRun::start("loops_shrink_range", &[("main.ln", SHRINKING_RANGE)]);
    session.wait_for_output("sweeping over 100000\n");
    let edited = SHRINKING_RANGE.replace("    data.clear()\n", "    data.clear()\n    print(\"cleared\")\n");
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("cleared\n");
    session.wait_for_error_output("error: index out of bounds");
    let stderr = session.stderr();
    assert!(stderr.contains("main.ln:11:"), "{stderr}");
    session.assert_alive();
}

/// The same over an inclusive range: the proven copy's safe point goes on at the checked
/// copy's header, which tests the condition (the stepped counter may be past the end) and
/// checks `xs[i]`. It guards a back edge that skips the header's test (tried: see
/// bench/results/runtime.md, "Inclusive ranges tested once per iteration").
const SHRINKING_INCLUSIVE_RANGE: &str = "var data: [int] = []\n\nfn on_reload() {\n    data.clear()\n}\n\nfn sweep(xs: [int], last: int) -> int {\n    var total = 0\n    while true {\n        for i in 0..=last {\n            total += xs[i]\n        }\n    }\n    return total\n}\n\nfn main() {\n    for i in 0..100000 {\n        data.push(i)\n    }\n    print(\"sweeping over {len(data)}\")\n    print(sweep(data, len(data) - 1))\n}\n";

#[test]
fn a_proven_inclusive_range_loop_whose_array_on_reload_empties_reports_index_out_of_bounds() {
    let session = HotRun::start("loops_shrink_inclusive", &[("main.ln", SHRINKING_INCLUSIVE_RANGE)]);
    session.wait_for_output("sweeping over 100000\n");
    let edited = SHRINKING_INCLUSIVE_RANGE.replace("    data.clear()\n", "    data.clear()\n    print(\"cleared\")\n");
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("cleared\n");
    session.wait_for_error_output("error: index out of bounds");
    let stderr = session.stderr();
    assert!(stderr.contains("main.ln:11:"), "{stderr}");
    session.assert_alive();
}

/// A proven `for` loop that holds a loop (`codegen/hot/outer_proofs.rs`): the swap comes at
/// the inner loop's poll, almost always; the inner loop then finishes, and the outer
/// header goes on in the checked copy, whose `xs[i]` sees the emptied array. The inner loop
/// indexes nothing, so the error can only come from the outer access (line 11). The inner
/// loop is under an `if`, as outer proofs require.
const SHRINKING_OUTER: &str = "var data: [int] = []\n\nfn on_reload() {\n    data.clear()\n}\n\nfn sweep(xs: [int], n: int) -> int {\n    var total = 0\n    while true {\n        for i in 0..n {\n            total += xs[i]\n            if xs[i] >= 0 {\n                var k = 0\n                while k < 1000 {\n                    k += 1\n                }\n            }\n        }\n    }\n    return total\n}\n\nfn main() {\n    for i in 0..1000 {\n        data.push(i)\n    }\n    print(\"sweeping over {len(data)}\")\n    print(sweep(data, len(data)))\n}\n";

#[test]
fn a_proven_loop_holding_a_loop_whose_array_on_reload_empties_reports_index_out_of_bounds() {
    let session = HotRun::start("loops_shrink_outer", &[("main.ln", SHRINKING_OUTER)]);
    session.wait_for_output("sweeping over 1000\n");
    let edited = SHRINKING_OUTER.replace("    data.clear()\n", "    data.clear()\n    print(\"cleared\")\n");
    session.write_in_place("main.ln", &edited);
    session.wait_for_output("cleared\n");
    session.wait_for_error_output("error: index out of bounds");
    let stderr = session.stderr();
    // At the access in the running (old) `sweep`, line 11 of the text it was compiled from.
    assert!(stderr.contains("main.ln:11:"), "{stderr}");
    session.assert_alive();
}

/// A loop over particles' fields (each field its own alias region, the offsets read from
/// cells) in a function that never returns; a reload adds a field in front of the others,
/// so every offset changes under the running loop.
const FIELDS: &str = "struct P {\n    x: float,\n    vx: float,\n}\n\nfn run(ps: [P]) {\n    var step = 0\n    while true {\n        for p in ps {\n            p.x += p.vx\n        }\n        step += 1\n        if step % 100 == 0 {\n            print(\"x {ps[0].x} {ps[1].x}\")\n            sleep(5)\n        }\n    }\n}\n\nfn main() {\n    var ps: [P] = []\n    ps.push(P { x: 0.0, vx: 1.0 })\n    ps.push(P { x: 0.0, vx: 2.0 })\n    run(ps)\n}\n";

#[test]
fn fields_updated_by_a_running_loop_keep_their_values_when_every_offset_moves() {
    let session = HotRun::start("loops_fields", &[("main.ln", FIELDS)]);
    session.wait_for_output("x 200.0 400.0\n");
    let edited = FIELDS.replace("struct P {\n", "struct P {\n    mass: float = 3.0,\n");
    session.write_in_place("main.ln", &edited);
    session.wait_for_error_output("[hmr]");
    let lines_at_reload = session.stdout().lines().count();
    session.wait_for("three more lines after the reload", |stdout, _| {
        stdout.lines().count() >= lines_at_reload + 3
    });
    let stdout = session.stdout();
    let (first, second) = last_positions(&stdout).unwrap_or_else(|| panic!("{stdout}"));
    // Kept fields kept their values, and the loop went on adding `vx` at the new offsets.
    assert!(first > 200.0 && second == 2.0 * first, "{stdout}");
    assert_eq!(first % 100.0, 0.0, "{stdout}");
    session.assert_alive();
}

/// A fixed-layout loop (`codegen/hot/fixed_layout.rs`: its first copy reads `p.x` and
/// `p.vx` at the offsets compiled) that calls a function with a long loop of its own, where
/// the swap almost always comes. A reload adds a field in front of the others: after the call
/// the rest of the iteration reads through the cells, and the next header leaves the copy,
/// so no update is lost or written to the new field's place.
const FIELDS_AROUND_A_CALL: &str = "struct P {\n    x: float,\n    vx: float,\n}\n\nfn pause() {\n    var k = 0\n    while k < 100000 {\n        k += 1\n    }\n}\n\nfn run(ps: [P]) {\n    var step = 0\n    while true {\n        for p in ps {\n            p.x += p.vx\n            pause()\n            p.x += p.vx\n        }\n        step += 1\n        if step % 10 == 0 {\n            print(\"x {ps[0].x} {ps[1].x}\")\n        }\n    }\n}\n\nfn main() {\n    var ps: [P] = []\n    ps.push(P { x: 0.0, vx: 1.0 })\n    ps.push(P { x: 0.0, vx: 2.0 })\n    run(ps)\n}\n";

#[test]
fn a_fixed_layout_loop_whose_call_swaps_in_a_new_layout_keeps_every_update() {
    let session = HotRun::start("loops_fields_call", &[("main.ln", FIELDS_AROUND_A_CALL)]);
    session.wait_for_output("x 20.0 40.0\n");
    let edited = FIELDS_AROUND_A_CALL.replace("struct P {\n", "struct P {\n    mass: float = 3.0,\n");
    session.write_in_place("main.ln", &edited);
    session.wait_for_error_output("[hmr]");
    let lines_at_reload = session.stdout().lines().count();
    session.wait_for("three more lines after the reload", |stdout, _| {
        stdout.lines().count() >= lines_at_reload + 3
    });
    let stdout = session.stdout();
    let (first, second) = last_positions(&stdout).unwrap_or_else(|| panic!("{stdout}"));
    // Each step adds `2 * vx`, printed every 10 steps: an update lost or misplaced (the
    // copy going on at the old offsets, where `mass` now is) would break both.
    assert!(first > 20.0 && second == 2.0 * first, "{stdout}");
    assert_eq!(first % 20.0, 0.0, "{stdout}");
    session.assert_alive();
}

/// The same loop, and a reload that removes `vx` (and `run`'s and `make`'s uses of it;
/// `main` stays as it was, so it is not entered again): the running old `run` reads `p.vx`
/// after the call where the swap came (line 19) through its cell, so the removed field is
/// the usual runtime error right there, not a read past the smaller payload that goes
/// unnoticed until the loop is entered again (line 17). It prints once, so that no time goes
/// to writing output, where a swap would come at the next header instead: it comes in
/// `pause` but in about one start of 25,000 (two polls per step outside its 50,000).
const REMOVED_AROUND_A_CALL: &str = "struct P {\n    x: float,\n    vx: float,\n}\n\nfn pause() {\n    var k = 0\n    while k < 100000 {\n        k += 1\n    }\n}\n\nfn run(ps: [P]) {\n    var step = 0\n    while true {\n        for p in ps {\n            p.x += p.vx\n            pause()\n            p.x += p.vx\n        }\n        step += 1\n        if step == 10 {\n            print(\"running\")\n        }\n    }\n}\n\nfn make(v: float) -> P {\n    return P { x: 0.0, vx: v }\n}\n\nfn main() {\n    var ps: [P] = []\n    ps.push(make(1.0))\n    ps.push(make(2.0))\n    run(ps)\n}\n";

#[test]
fn a_fixed_layout_loop_reports_a_field_removed_inside_its_call() {
    let session = HotRun::start("loops_fields_removed", &[("main.ln", REMOVED_AROUND_A_CALL)]);
    session.wait_for_output("running\n");
    let edited = REMOVED_AROUND_A_CALL
        .replace("    vx: float,\n", "")
        .replace("p.x += p.vx", "p.x += 1.0")
        .replace("P { x: 0.0, vx: v }", "P { x: v }");
    session.write_in_place("main.ln", &edited);
    session.wait_for_error_output("error: field `vx` was removed or changed its type in a reload");
    let stderr = session.stderr();
    assert!(stderr.contains("main.ln:19:"), "{stderr}");
    session.assert_alive();
}
