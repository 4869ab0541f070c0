//! Hot reload end to end, closures (LANGUAGE.md section 10, "Closures under hot reload"): a
//! closure made before a reload runs the newest version of its function expression with the
//! variables it captured, or is a runtime error at its call when its types or captures
//! changed; driving a real `lang run --hmr` process.

mod support;

use support::{HotRun, resident_kib};

/// A handler closure made once at start, capturing a counter of the function that made it,
/// and one capturing nothing, both kept in module variables and called in a loop. The edits
/// leave `main` alone (a changed `main` would be entered again, making new closures).
const HANDLERS: &str = "var on_tick: fn() -> str = fn() => \"\"\nvar plain: fn(int) -> int = fn(x) => x\n\nfn make() -> fn() -> str {\n    var count = 0\n    let name = \"tick\"\n    return fn() -> str {\n        count += 1\n        return \"A {name} {count}\"\n    }\n}\n\nfn make_plain() -> fn(int) -> int {\n    return fn(x) => x + 1\n}\n\nfn main() {\n    on_tick = make()\n    plain = make_plain()\n    while true {\n        print(\"{on_tick()} {plain(1)}\")\n        sleep(5)\n    }\n}\n";

fn counts(stdout: &str, tag: &str) -> Vec<i64> {
    stdout
        .lines()
        .filter(|line| line.starts_with(tag))
        .filter_map(|line| line.split_whitespace().nth(2)?.parse().ok())
        .collect()
}

#[test]
fn an_edited_closure_runs_its_new_body_with_its_captured_state() {
    let session = HotRun::start("closure_body", &[("main.ln", HANDLERS)]);
    session.wait_for_output("A tick 3 2\n");
    let edited = HANDLERS
        .replace("return \"A {name} {count}\"", "return \"B {name} {count}\"")
        .replace("return fn(x) => x + 1", "return fn(x) => x + 10");
    session.write_in_place("main.ln", &edited);
    session.wait_for_output(" 11\n");
    session.wait_for_output("B tick ");
    session.assert_alive();
    let stdout = session.stdout();
    // The closure made before the reload kept counting: its captured `count` is shared by
    // the old and the new body.
    let before = counts(&stdout, "A ");
    let after = counts(&stdout, "B ");
    let last_before = *before.last().expect("lines before the reload");
    assert!(after.first().is_some_and(|first| *first == last_before + 1), "{stdout}");
    assert!(!stdout.contains("error"), "{stdout}");
}

#[test]
fn a_closure_whose_captures_changed_is_an_error_at_its_call_until_fixed() {
    let session = HotRun::start("closure_captures", &[("main.ln", HANDLERS)]);
    session.wait_for_output("A tick 2 2\n");
    // The function expression stops capturing `name`: the closure made before is an error.
    let changed = HANDLERS.replace("return \"A {name} {count}\"", "return \"C {count}\"");
    session.write_in_place("main.ln", &changed);
    // The message names the closure by its enclosing function and line; the location is the
    // call.
    session.wait_for_error_output(
        "error: called the closure in make (line 7), whose function expression a reload removed, or changed in its parameter types, result type or captured variables",
    );
    assert!(session.stderr().contains("  --> main.ln:21:17"), "{}", session.stderr());
    // The program waits for a fix, then enters `main` again (LANGUAGE.md section 7 item 7):
    // a new closure, made by the new code, runs.
    let fixed = changed.replace("return \"C {count}\"", "return \"D {name} {count}\"");
    session.write_in_place("main.ln", &fixed);
    session.wait_for_output("D tick 2 2\n");
    session.assert_alive();
}

#[test]
fn a_closure_whose_identity_is_gone_is_an_error_at_its_call() {
    let session = HotRun::start("closure_types", &[("main.ln", HANDLERS)]);
    session.wait_for_output("A tick 2 2\n");
    // A closure is identified by its position among its function's function expressions: a
    // new one written before it in `make_plain` takes its place (with another type), so the
    // closure made before the reload no longer exists.
    let changed = HANDLERS.replace(
        "    return fn(x) => x + 1\n",
        "    let unused = fn(s: str) => s\n    return fn(x) => x + 1\n",
    );
    session.write_in_place("main.ln", &changed);
    session.wait_for_error_output("error: called the closure in make_plain (line 14), whose function expression");
}

#[test]
fn many_reloads_with_live_closures_keep_memory_bounded_and_state_intact() {
    // Live closures hold their identities' slots, not code: old versions are freed once no
    // frame can return into them, and each closure runs the newest body.
    let program = |version: usize| {
        format!(
            "var handlers: [fn() -> int] = []\n\nfn make(step: int) -> fn() -> int {{\n    var count = 0\n    return fn() -> int {{\n        count += step\n        return count\n    }}\n}}\n\nfn main() {{\n    for i in 1..4 {{\n        handlers.push(make(i))\n    }}\n    let tag = fn() => \"v{version}\"\n    while true {{\n        print(\"{{tag()}} {{handlers[0]()}} {{handlers[2]()}}\")\n        sleep(1)\n    }}\n}}\n"
        )
    };
    let session = HotRun::start("closure_soak", &[("main.ln", &program(0))]);
    session.wait_for_output("v0 2 6\n");
    let reloads = 300;
    let mut baseline = 0;
    for version in 1..=reloads {
        session.write_in_place("main.ln", &program(version));
        session.wait_for_output(&format!("v{version} "));
        if version == 20 {
            baseline = resident_kib(session.pid());
        }
    }
    let last = resident_kib(session.pid());
    eprintln!("resident memory: {baseline} KiB after 20 reloads, {last} KiB after {reloads}");
    assert!(
        last < baseline + 20 * 1024,
        "resident memory grew from {baseline} KiB to {last} KiB over {} reloads",
        reloads - 20
    );
    // The closures made at start kept their captured counters through every reload.
    let firsts: Vec<i64> = session
        .stdout()
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1)?.parse().ok())
        .collect();
    assert!(
        firsts.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "{}",
        session.stdout()
    );
    session.assert_alive();
}

/// A closure made by a module variable's initializer (its identity is the variable and its
/// ordinal there) follows the newest body too; the variable keeps its value.
const IN_INITIALIZER: &str = "var on_tick: fn(int) -> str = fn(n) => \"A {n}\"\nvar total = 0\n\nfn main() {\n    let add = fn(n: int) { total += n }\n    while true {\n        add(1)\n        print(on_tick(total))\n        sleep(5)\n    }\n}\n";

#[test]
fn a_closure_made_by_a_variable_initializer_runs_its_new_body() {
    let session = HotRun::start("closure_initializer", &[("main.ln", IN_INITIALIZER)]);
    session.wait_for_output("A 2\n");
    session.write_in_place("main.ln", &IN_INITIALIZER.replace("\"A {n}\"", "\"B {n}\""));
    session.wait_for_output("B ");
    session.assert_alive();
    let stdout = session.stdout();
    let numbers: Vec<i64> = stdout
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1)?.parse().ok())
        .collect();
    assert!(numbers.windows(2).all(|pair| pair[1] == pair[0] + 1), "{stdout}");
}
