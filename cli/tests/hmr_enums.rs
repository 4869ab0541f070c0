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

/// A `_` arm after arms naming every variant (and a name arm in a statement `match`): they
/// meet the values of a variant a reload removed, in new code and in code the reload kept.
const REMOVE_CAUGHT: &str = "enum Tile {\n    Wall,\n    Floor(cost: int),\n    Door,\n}\n\nvar kept: [Tile] = [.Wall, .Floor(1)]\n\nfn kind(t: Tile) -> str {\n    return match t {\n        .Wall => \"wall\",\n        .Floor(c) => \"floor {c}\",\n        .Door => \"door\",\n        _ => \"other\",\n    }\n}\n\nfn unchanged(t: Tile) {\n    match t {\n        .Floor(c) => print(\"kept floor {c}\"),\n        t => print(\"kept other\"),\n    }\n}\n\nfn main() {\n    while true {\n        print(kind(kept[0]))\n        unchanged(kept[0])\n        sleep(5)\n    }\n}\n";

#[test]
fn a_catch_all_arm_meets_the_values_of_a_removed_variant() {
    let session = HotRun::start("enum_remove_caught", &[("main.ln", REMOVE_CAUGHT)]);
    session.wait_for_output("wall\nkept other\n");
    let removed = REMOVE_CAUGHT
        .replace("    Wall,\n", "")
        .replace("        .Wall => \"wall\",\n", "")
        .replace("[.Wall, .Floor(1)]", "[.Door, .Floor(1)]");
    session.write_in_place("main.ln", &removed);
    // `kind` is new code without `Wall`; `unchanged` is the code of before the reload, which
    // the change to the enum recompiled or kept: both go to their catch-all.
    session.wait_for_output("other\nkept other\nother\nkept other\n");
    assert!(!session.stderr().contains("error:"), "{}", session.stderr());
    session.assert_alive();
}

/// A frame of `run` that started before the reload meets a new variant at a `match` with `_`.
const ADD_CAUGHT: &str = "enum Mode {\n    A,\n    B(n: int),\n}\n\nvar mode: Mode = .A\n\nfn tick() {\n}\n\nfn main() {\n    run()\n}\n\nfn run() {\n    while true {\n        let text = match mode {\n            .A => \"a\",\n            .B(n) => \"b {n}\",\n            _ => \"other\",\n        }\n        print(text)\n        tick()\n        sleep(5)\n    }\n}\n";

#[test]
fn a_catch_all_arm_in_an_old_frame_meets_a_new_variant() {
    let session = HotRun::start("enum_add_caught", &[("main.ln", ADD_CAUGHT)]);
    session.wait_for_output("a\n");
    let added = ADD_CAUGHT
        .replace("    B(n: int),\n}", "    B(n: int),\n    C,\n}")
        .replace("fn tick() {\n}", "fn tick() {\n    mode = .C\n}");
    session.write_in_place("main.ln", &added);
    session.wait_for_output("other\nother\n");
    assert!(!session.stderr().contains("error:"), "{}", session.stderr());
    session.assert_alive();
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

/// A project of `lang build --hmr` and a function that builds it into `out`.
fn host_project(name: &str, source: &str) -> (lang_tests::session::Project, impl Fn(&lang_tests::session::Project)) {
    let project = lang_tests::session::Project::new(name, &[("main.ln", source)]);
    std::fs::create_dir_all(project.path("tmp")).expect("temp folder");
    let build = |project: &lang_tests::session::Project| {
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
    build(&project);
    (project, build)
}

/// Starts the host built by [`host_project`].
fn start_host(project: &lang_tests::session::Project) -> lang_tests::session::Session {
    let mut command = project.command(project.path("out"));
    command.env("TMPDIR", project.path("tmp"));
    lang_tests::session::Session::spawn(command)
}

/// The same reloads from shared libraries: a `lang build --hmr` host running while the
/// program is rebuilt with its variants reordered, one added and one removed.
#[test]
fn a_build_hmr_host_keeps_live_values_across_variant_changes() {
    let (project, build) = host_project("enum_host", REORDER);
    let host = start_host(&project);
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
    build(&project);
    host.wait_for_output("UP down go 3 true\n");
    host.assert_alive();
}

/// A `lang build --hmr` host migrates the live values of a variant whose payload changed, and
/// refuses a build whose new payload field has no default.
#[test]
fn a_build_hmr_host_migrates_changed_payloads() {
    let (project, build) = host_project("enum_payload_host", PAYLOAD);
    let host = start_host(&project);
    host.wait_for_output("Angry(3) Angry(4) Angry(5) | angry 3 angry 4 angry 5\n");
    let no_default = PAYLOAD
        .replace("Angry(level: int),", "Angry(level: int, since: int),")
        .replace(".Angry(level) =>", ".Angry(level, _) =>")
        .replace(".Angry(3)", ".Angry(3, 0)")
        .replace(".Angry(4)", ".Angry(4, 0)")
        .replace(".Angry(5)", ".Angry(5, 0)");
    project.write_in_place("main.ln", &no_default);
    build(&project);
    host.wait_for_error_output(
        "[hmr] build rejected: payload field `since` of variant `Mood.Angry` (main.ln) is new or changed its type",
    );
    host.wait_for_error_output("give it a default (`since: int = ...`) and build again");
    let added = no_default.replace("since: int)", "since: int = 7)").replace(
        ".Angry(level, _) => \"angry {level}\"",
        ".Angry(level, since) => \"angry {level} since {since}\"",
    );
    project.write_in_place("main.ln", &added);
    build(&project);
    host.wait_for_output("Angry(3, 7) Angry(4, 7) Angry(5, 7) | angry 3 since 7 angry 4 since 7 angry 5 since 7\n");
    host.wait_for_error_output("`Mood.Angry` value");
    host.assert_alive();
}

/// Values of `Angry` held in a module variable, an array and a struct field, shown by
/// printing them and by a `match` that reads their payload.
const PAYLOAD: &str = "enum Mood {\n    Calm,\n    Angry(level: int),\n}\n\nstruct Pet {\n    mood: Mood,\n}\n\nvar mood: Mood = .Calm\nvar moods: [Mood] = []\nvar pet = Pet { mood: .Calm }\n\nfn show(m: Mood) -> str {\n    return match m {\n        .Calm => \"calm\",\n        .Angry(level) => \"angry {level}\",\n    }\n}\n\nfn start() {\n    mood = .Angry(3)\n    moods = [.Angry(4), .Calm]\n    pet = Pet { mood: .Angry(5) }\n}\n\nfn main() {\n    start()\n    while true {\n        print(\"{mood} {moods[0]} {pet.mood} | {show(mood)} {show(moods[0])} {show(pet.mood)}\")\n        sleep(5)\n    }\n}\n";

#[test]
fn a_new_payload_field_with_a_default_migrates_every_live_value() {
    let session = HotRun::start("enum_payload_add", &[("main.ln", PAYLOAD)]);
    session.wait_for_output("Angry(3) Angry(4) Angry(5) | angry 3 angry 4 angry 5\n");
    let added = PAYLOAD
        .replace("Angry(level: int),", "Angry(level: int, since: int = 7),")
        .replace(
            ".Angry(level) => \"angry {level}\"",
            ".Angry(level, since) => \"angry {level} since {since}\"",
        );
    session.write_in_place("main.ln", &added);
    // Old values got the default; new code reads both fields of them.
    session.wait_for_output("Angry(3, 7) Angry(4, 7) Angry(5, 7) | angry 3 since 7 angry 4 since 7 angry 5 since 7\n");
    // The reload line counts the migrated enum values as it counts struct instances.
    session.wait_for_error_output(" `Mood.Angry`)\n");
    assert!(session.stderr().contains("to migrate "), "{}", session.stderr());
    session.assert_alive();
}

#[test]
fn payload_reorders_retypes_and_a_missing_default_under_hot_reload() {
    let session = HotRun::start("enum_payload_edit", &[("main.ln", PAYLOAD)]);
    session.wait_for_output("Angry(3) Angry(4) Angry(5) | angry 3 angry 4 angry 5\n");
    // A second field, then the two reordered: the values are the same.
    let two = PAYLOAD
        .replace("Angry(level: int),", "Angry(level: int, name: str = \"rex\"),")
        .replace(
            ".Angry(level) => \"angry {level}\"",
            ".Angry(level, name) => \"{name} angry {level}\"",
        );
    session.write_in_place("main.ln", &two);
    session.wait_for_output(
        "Angry(3, \"rex\") Angry(4, \"rex\") Angry(5, \"rex\") | rex angry 3 rex angry 4 rex angry 5\n",
    );
    let reordered = two
        .replace(
            "Angry(level: int, name: str = \"rex\"),",
            "Angry(name: str = \"rex\", level: int),",
        )
        .replace(".Angry(level, name) =>", ".Angry(name, level) =>")
        .replace(".Angry(3)", ".Angry(\"new\", 3)")
        .replace(".Angry(4)", ".Angry(\"new\", 4)")
        .replace(".Angry(5)", ".Angry(\"new\", 5)");
    session.write_in_place("main.ln", &reordered);
    session.wait_for_output(
        "Angry(\"rex\", 3) Angry(\"rex\", 4) Angry(\"rex\", 5) | rex angry 3 rex angry 4 rex angry 5\n",
    );
    // A new field without a default: the reload is refused, naming the variant and field, and
    // the program keeps running the old code.
    let no_default = reordered
        .replace("level: int),", "level: int, calm_at: float),")
        .replace(".Angry(name, level) =>", ".Angry(name, level, _) =>")
        .replace("\"new\", 3)", "\"new\", 3, 1.0)")
        .replace("\"new\", 4)", "\"new\", 4, 1.0)")
        .replace("\"new\", 5)", "\"new\", 5, 1.0)");
    session.write_in_place("main.ln", &no_default);
    session.wait_for_error_output(
        "error: payload field `calm_at` of variant `Mood.Angry` (main.ln) is new or changed its type, and has no default",
    );
    session.wait_for_error_output("give it a default (`calm_at: float = ...`) and save again");
    session.wait_for_error_output("[hmr] reload rejected; still running main.ln v3");
    session.wait_for_more("Angry(\"rex\", 3) ", 2);
    // Fixing it applies.
    let fixed = no_default.replace("calm_at: float)", "calm_at: float = 0.5)");
    session.write_in_place("main.ln", &fixed);
    session.wait_for_output("Angry(\"rex\", 3, 0.5) Angry(\"rex\", 4, 0.5) Angry(\"rex\", 5, 0.5) |");
    // A retyped field takes its default; the others keep their values.
    let retyped = fixed
        .replace("name: str = \"rex\"", "name: int = 9")
        .replace(".Angry(\"new\", ", ".Angry(0, ")
        .replace("\"{name} angry {level}\"", "\"{name + 1} angry {level}\"");
    session.write_in_place("main.ln", &retyped);
    session.wait_for_output("Angry(9, 3, 0.5) Angry(9, 4, 0.5) Angry(9, 5, 0.5) | 10 angry 3 10 angry 4 10 angry 5\n");
    session.assert_alive();
}

/// `Calm` has no payload: its values are words, which a reload cannot find to migrate.
const GAINS_PAYLOAD: &str = "enum Mood {\n    Calm,\n    Angry(level: int),\n}\n\nvar mood: Mood = .Calm\n\nfn show(m: Mood) -> str {\n    return match m {\n        .Calm => \"calm\",\n        .Angry(level) => \"angry {level}\",\n    }\n}\n\nfn main() {\n    while true {\n        print(\"{mood} {show(mood)}\")\n        sleep(5)\n    }\n}\n";

#[test]
fn a_value_of_a_variant_that_gained_a_payload_is_a_runtime_error_where_its_fields_are_read() {
    let session = HotRun::start("enum_gains_payload", &[("main.ln", GAINS_PAYLOAD)]);
    session.wait_for_output("Calm calm\n");
    let gained = GAINS_PAYLOAD
        .replace("    Calm,\n", "    Calm(x: int = 0),\n")
        .replace(".Calm => \"calm\"", ".Calm(x) => \"calm {x}\"")
        .replace("= .Calm\n", "= .Calm()\n");
    session.write_in_place("main.ln", &gained);
    session.wait_for_error_output(
        "error: this value of variant `Calm` was made before a reload gave the variant a payload or took it away",
    );
    assert!(session.stderr().contains("  --> main.ln:10:9"), "{}", session.stderr());
    // The program waits for a fix; one that gives `mood` a new value resumes it.
    let fixed = gained.replace("fn main() {", "fn on_reload() {\n    mood = .Calm(2)\n}\n\nfn main() {");
    session.write_in_place("main.ln", &fixed);
    session.wait_for_output("Calm(2) calm 2\n");
    session.assert_alive();
}

/// `V37528` and `V265080` of `main.Mood` hash to the same variant number (758793100).
const COLLIDING: &str = "enum Mood {\n    Calm,\n    V37528,\n}\n\nvar mood: Mood = .V37528\n\nfn main() {\n    while true {\n        print(\"{mood}\")\n        sleep(5)\n    }\n}\n";

#[test]
fn a_reload_adding_a_variant_whose_number_collides_is_refused() {
    let session = HotRun::start("enum_collision", &[("main.ln", COLLIDING)]);
    session.wait_for_output("V37528\n");
    let colliding = COLLIDING.replace("    V37528,\n", "    V37528,\n    V265080,\n");
    session.write_in_place("main.ln", &colliding);
    session.wait_for_error_output(
        "error: the variants `main.Mood.V37528` and `main.Mood.V265080` have the same number under hot reload \
         (758793100",
    );
    session.wait_for_error_output("rename one of them");
    session.wait_for_error_output("[hmr] reload rejected; still running main.ln v1");
    session.wait_for_more("V37528", 2);
    // Renamed, it applies.
    session.write_in_place("main.ln", &colliding.replace("V265080", "Sleepy"));
    session.wait_for_error_output("[hmr] main.ln v2");
    session.assert_alive();
}
