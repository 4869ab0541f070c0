//! Hot reload end to end, after the first version's start (issue 20, `lang run --hmr`'s first
//! output): the modules of the first version are compiled on several threads, each with the
//! list of its functions and function expressions whose slots a reload patches; the first
//! version's snapshot is made once the script thread took that version. A second start of the
//! same program (warm: `lang run`'s compile cache filled) must reload as the first does: an
//! edited small function that callers inlined takes effect at its next call, an edited
//! function expression too, and a removed function's slot gets the stub.

use lang_tests::session::{Project, Session};

/// `main` calls into several modules each time round; `shapes.scale` is small enough to be
/// inlined into `area`, and `labels.make` returns a function expression.
const MAIN: &str = "import shapes\nimport labels\nimport counts\n\nfn show(round: int) {\n    let label = labels.make()\n    print(\"{round}: {shapes.area(3)} {label(round)} {counts.total()}\")\n}\n\nfn main() {\n    var round = 0\n    while true {\n        show(round)\n        round += 1\n        sleep(5)\n    }\n}\n";
const SHAPES: &str = "fn scale(x: int) -> int {\n    return x * 2\n}\n\npub fn area(side: int) -> int {\n    return scale(side) * side\n}\n";
const LABELS: &str =
    "pub fn make() -> fn(int) -> str {\n    return fn(n: int) -> str {\n        return \"n{n}\"\n    }\n}\n";
const COUNTS: &str = "var calls = 0\n\npub fn total() -> int {\n    calls += 1\n    return helper()\n}\n\nfn helper() -> int {\n    return 7\n}\n";

/// Starts `lang run --hmr main.ln` in `project`, its first version's modules compiled on three
/// threads (as on a machine with three cores or more).
fn start(project: &Project) -> Session {
    let mut command = project.command(env!("CARGO_BIN_EXE_lang"));
    command
        .args(["run", "--hmr", "main.ln"])
        .env("LANG_COMPILE_THREADS", "3");
    Session::spawn(command)
}

/// The number of the last complete line of `stdout` (`N: ...`), if any.
fn last_round(stdout: &str) -> Option<u64> {
    let complete = &stdout[..stdout.rfind('\n')? + 1];
    complete.lines().last()?.split(':').next()?.parse().ok()
}

#[test]
fn a_second_start_reloads_inlined_functions_closures_and_removals() {
    let project = Project::new(
        "hmr_start",
        &[
            ("main.ln", MAIN),
            ("shapes.ln", SHAPES),
            ("labels.ln", LABELS),
            ("counts.ln", COUNTS),
        ],
    );
    // The first start fills `lang run`'s caches; hot code itself is compiled on every start.
    let first = start(&project);
    first.wait_for("the first start's output", |stdout, _| stdout.contains(": 18 n0 7\n"));
    first.kill();

    let session = start(&project);
    session.wait_for("the second start's output", |stdout, _| stdout.contains(": 18 n"));

    // A small function inlined into its caller: the caller's next call runs the new code.
    project.write_in_place("shapes.ln", SHAPES.replace("x * 2", "x * 3"));
    session.wait_for("the inlined function's new code", |stdout, _| stdout.contains(": 27 n"));

    // A function expression's body.
    project.write_in_place("labels.ln", LABELS.replace("\"n{n}\"", "\"m{n}\""));
    session.wait_for("the function expression's new body", |stdout, _| {
        stdout.contains(": 27 m")
    });

    // A function removed (its only call replaced): its slot gets the stub, and the module's
    // variable keeps its value across the reload.
    let counts = COUNTS
        .replace("return helper()", "return 8")
        .replace("fn helper() -> int {\n    return 7\n}\n", "");
    let before = last_round(&session.stdout()).expect("a round was printed");
    project.write_in_place("counts.ln", &counts);
    session.wait_for("the edited module's new code", |stdout, _| {
        stdout.contains(" 27 m") && stdout.trim_end().ends_with(" 8")
    });
    let after = last_round(&session.stdout()).expect("a round was printed");
    assert!(after > before, "the loop went on: {}", session.stdout());
    session.assert_alive();
    assert!(
        !session.stderr().contains("error"),
        "no reload was refused: {}",
        session.stderr()
    );
}
