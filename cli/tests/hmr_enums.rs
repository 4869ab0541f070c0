//! Hot reload end to end, enums (LANGUAGE.md section 9, "Enums under hot reload"): variants
//! are identified by name, so adding, removing and reordering variants keeps running code and
//! live values valid, driving a real `lang run --hmr` process.

mod support;

use support::HotRun;

/// `run` matches what `make` returns, in a loop: a frame of `run` that started before a reload
/// goes on running its old code.
const ADD: &str = "enum Shape {\n    Circle(r: float),\n    Empty,\n}\n\nfn make(i: int) -> Shape {\n    if i % 2 == 0 {\n        return .Circle(1.5)\n    }\n    return .Empty\n}\n\nfn main() {\n    run()\n}\n\nfn run() {\n    var i = 0\n    while true {\n        let s = make(i)\n        match s {\n            .Circle(r) => print(\"circle {r}\"),\n            .Empty => print(\"empty\"),\n        }\n        i += 1\n        sleep(5)\n    }\n}\n";

#[test]
fn old_code_meeting_a_new_variant_raises_at_its_match() {
    let session = HotRun::start("enum_add", &[("main.ln", ADD)]);
    session.wait_for_output("circle 1.5\nempty\n");
    let added = ADD
        .replace("    Empty,\n}", "    Empty,\n    Square(side: float),\n}")
        .replace("    return .Empty\n}", "    return .Square(2.0)\n}");
    let added = added.replace(
        "            .Empty => print(\"empty\"),\n",
        "            .Empty => print(\"empty\"),\n            .Square(side) => print(\"square {side}\"),\n",
    );
    session.write_in_place("main.ln", &added);
    session.wait_for_error_output("error: no arm of this `match` matches the variant `Square`");
    assert!(session.stderr().contains("  --> main.ln:21:9"), "{}", session.stderr());
}

/// The `match` is in a function called afresh at each step.
const ADD_CALLED: &str = "enum Shape {\n    Circle(r: float),\n    Empty,\n}\n\nfn show(i: int) {\n    let s: Shape = if i % 2 == 0 { .Circle(1.5) } else { .Empty }\n    match s {\n        .Circle(r) => print(\"circle {r}\"),\n        .Empty => print(\"empty\"),\n    }\n}\n\nfn main() {\n    var i = 0\n    while true {\n        show(i)\n        i += 1\n        sleep(5)\n    }\n}\n";

#[test]
fn a_new_variant_is_available_at_once() {
    let session = HotRun::start("enum_add_arm", &[("main.ln", ADD_CALLED)]);
    session.wait_for_output("circle 1.5\nempty\n");
    let added = ADD_CALLED
        .replace("    Empty,\n}", "    Empty,\n    Square(side: float),\n}")
        .replace("} else { .Empty }", "} else { .Square(2.0) }")
        .replace(
            "        .Empty => print(\"empty\"),\n",
            "        .Empty => print(\"empty\"),\n        .Square(side) => print(\"square {side}\"),\n",
        );
    session.write_in_place("main.ln", &added);
    session.wait_for_output("square 2.0\n");
    session.assert_alive();
}

/// Values of `Gone` live in a global array while a reload removes the variant.
const REMOVE: &str = "enum Shape {\n    Circle(r: float),\n    Gone,\n    Empty,\n}\n\nvar kept: [Shape] = []\n\nfn initial() -> [Shape] {\n    return [.Gone, .Circle(2.5)]\n}\n\nfn describe(s: Shape) -> str {\n    return match s {\n        .Circle(r) => \"circle {r}\",\n        .Gone => \"gone\",\n        .Empty => \"empty\",\n    }\n}\n\nfn main() {\n    kept = initial()\n    while true {\n        print(\"{kept[0]} {describe(kept[1])}\")\n        print(describe(kept[0]))\n        sleep(5)\n    }\n}\n";

#[test]
fn values_of_a_removed_variant_stay_valid_and_new_code_names_it() {
    let session = HotRun::start("enum_remove", &[("main.ln", REMOVE)]);
    session.wait_for_output("Gone circle 2.5\ngone\n");
    let removed = REMOVE
        .replace("    Gone,\n", "")
        .replace("return [.Gone, .Circle(2.5)]", "return [.Circle(2.5)]")
        .replace("        .Gone => \"gone\",\n", "");
    session.write_in_place("main.ln", &removed);
    // The value still prints and compares; the new `describe` has no arm for it.
    session.wait_for_error_output(
        "error: no arm of this `match` matches the variant `Gone`, which was removed by a reload",
    );
    assert!(session.stdout().ends_with("Gone circle 2.5\n"), "{}", session.stdout());
}

/// Live values of every variant, held across a reload that reorders the variants.
const REORDER: &str = "enum Dir {\n    Up,\n    Down,\n    Go(steps: int),\n}\n\nvar held: [Dir] = []\n\nfn name(d: Dir) -> str {\n    return match d {\n        .Up => \"up\",\n        .Down => \"down\",\n        .Go(n) => \"go {n}\",\n    }\n}\n\nfn main() {\n    held = [.Up, .Down, .Go(3)]\n    while true {\n        print(\"{name(held[0])} {name(held[1])} {name(held[2])} {held[0] == .Up}\")\n        sleep(5)\n    }\n}\n";

#[test]
fn reordering_variants_changes_nothing_for_live_values() {
    let session = HotRun::start("enum_reorder", &[("main.ln", REORDER)]);
    session.wait_for_output("up down go 3 true\n");
    let reordered = REORDER
        .replace(
            "    Up,\n    Down,\n    Go(steps: int),\n",
            "    Go(steps: int),\n    Down,\n    Up,\n",
        )
        .replace("\"up\"", "\"UP\"");
    session.write_in_place("main.ln", &reordered);
    session.wait_for_output("UP down go 3 true\n");
    session.assert_alive();
}

/// The same reloads from shared libraries: a `lang build --hmr` host running while the
/// program is rebuilt with its variants reordered, one added and one removed.
#[test]
fn a_build_hmr_host_keeps_live_values_across_variant_changes() {
    use lang_tests::session::{Project, Session};
    let project = Project::new("enum_host", &[("main.ln", REORDER)]);
    std::fs::create_dir_all(project.path("tmp")).expect("temp folder");
    let build = || {
        let output = project
            .command(env!("CARGO_BIN_EXE_lang"))
            .env("TMPDIR", project.path("tmp"))
            .args(["build", "--hmr", "main.ln", "-o", "out"])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("lang runs");
        assert_eq!(
            output.status.code(),
            Some(0),
            "lang build --hmr failed\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    build();
    let mut command = project.command(project.path("out"));
    command.env("TMPDIR", project.path("tmp"));
    let host = Session::spawn(command);
    host.wait_for_output("up down go 3 true\n");
    let changed = REORDER
        .replace(
            "    Up,\n    Down,\n    Go(steps: int),\n",
            "    Go(steps: int),\n    Stay,\n    Down,\n    Up,\n",
        )
        .replace("\"up\"", "\"UP\"")
        .replace(
            "        .Go(n) => \"go {n}\",\n",
            "        .Go(n) => \"go {n}\",\n        .Stay => \"stay\",\n",
        );
    project.write_in_place("main.ln", &changed);
    build();
    host.wait_for_output("UP down go 3 true\n");
    host.assert_alive();
}
