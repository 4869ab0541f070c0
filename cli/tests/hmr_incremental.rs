//! Hot reload end to end, incremental checking (LANGUAGE.md section 7 item 14): a body edit
//! checks only the edited module again, an interface edit also the modules that import it.
//! Observed through the `[hmr] checked: FILE` lines of `LANG_HMR_DEBUG=1`, never timing; and
//! so are the other parts of a reload that must not grow with the program: the interfaces
//! computed again (`[hmr] interface computed: FILE`) and the modules whose signatures the
//! snapshot made again (`[hmr] signatures recomputed: N of M modules`), and the modules whose
//! items were collected again (`[hmr] items collected: N of M modules`).

mod support;

use support::HotRun;

/// `show` is called afresh at each step: after an interface edit its new code (compiled
/// against the new signature) runs, while the running loop of `main` would still hold a call
/// compiled for the old one.
const MAIN: &str = "import lib\nimport util\n\nfn show() {\n    print(\"v {lib.value()} {util.other()}\")\n}\n\nfn main() {\n    while true {\n        show()\n        sleep(5)\n    }\n}\n";
const LIB: &str = "pub fn value() -> int {\n    return 1\n}\n";
/// `util` imports `lib` and formats its value: after an interface edit of `lib` it is checked
/// and compiled again though its own text did not change, and its next call prints the new value.
const UTIL: &str = "import lib\n\npub fn other() -> str {\n    return \"<{lib.value()}>\"\n}\n";

/// The files that the reload after `from` (a length of stderr) checked again, sorted.
fn checked_since(session: &HotRun, from: usize) -> Vec<String> {
    files_since(session, from, "[hmr] checked: ")
}

/// The files named by the debug lines starting with `prefix` after `from`, sorted.
fn files_since(session: &HotRun, from: usize, prefix: &str) -> Vec<String> {
    let stderr = session.stderr();
    let mut checked: Vec<String> = stderr[from..]
        .lines()
        .filter_map(|line| line.strip_prefix(prefix))
        .map(|path| {
            std::path::Path::new(path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    checked.sort();
    checked
}

/// How many modules' signatures the snapshot of the reload after `from` made again.
fn signatures_recomputed_since(session: &HotRun, from: usize) -> Option<usize> {
    count_since(session, from, "[hmr] signatures recomputed: ")
}

/// The count `N` of the first debug line `PREFIX N of M modules` after `from`.
fn count_since(session: &HotRun, from: usize, prefix: &str) -> Option<usize> {
    let stderr = session.stderr();
    let line = stderr[from..].lines().find_map(|line| line.strip_prefix(prefix))?;
    line.split(' ').next()?.parse().ok()
}

#[test]
fn a_body_edit_checks_its_module_and_an_interface_edit_its_importers_too() {
    let session = HotRun::start_with(
        "incremental",
        &[("main.ln", MAIN), ("lib.ln", LIB), ("util.ln", UTIL)],
        |command| {
            command.arg("--hmr").env("LANG_HMR_DEBUG", "1");
        },
    );
    session.wait_for_output("v 1 <1>\n");
    assert_eq!(checked_since(&session, 0), ["lib.ln", "main.ln", "util.ln"]);

    let before = session.stderr().len();
    session.write_in_place("lib.ln", &LIB.replace("return 1", "return 2"));
    session.wait_for_output("v 2 <2>\n");
    assert_eq!(checked_since(&session, before), ["lib.ln"], "{}", session.stderr());
    // Only the edited module's interface and signatures are made again; the others' are kept.
    assert_eq!(
        files_since(&session, before, "[hmr] interface computed: "),
        ["lib.ln"],
        "{}",
        session.stderr()
    );
    assert_eq!(
        signatures_recomputed_since(&session, before),
        Some(1),
        "{}",
        session.stderr()
    );
    // The other modules' items and signatures are the last check's.
    assert_eq!(
        count_since(&session, before, "[hmr] items collected: "),
        Some(1),
        "{}",
        session.stderr()
    );

    let before = session.stderr().len();
    session.write_in_place(
        "lib.ln",
        &LIB.replace("-> int", "-> float").replace("return 1", "return 3.5"),
    );
    session.wait_for_output("v 3.5 <3.5>\n");
    assert_eq!(
        checked_since(&session, before),
        ["lib.ln", "main.ln", "util.ln"],
        "{}",
        session.stderr()
    );
    // The importers' fingerprints changed with `lib`'s signatures: their interfaces and
    // signatures are made again too.
    assert_eq!(
        files_since(&session, before, "[hmr] interface computed: "),
        ["lib.ln", "main.ln", "util.ln"],
        "{}",
        session.stderr()
    );
    assert_eq!(
        signatures_recomputed_since(&session, before),
        Some(3),
        "{}",
        session.stderr()
    );
    // Still the same declarations: only `lib`'s items are taken again from its new text.
    assert_eq!(
        count_since(&session, before, "[hmr] items collected: "),
        Some(1),
        "{}",
        session.stderr()
    );
    session.assert_alive();
}

/// The first version's snapshot (what reloads are diffed against) is made after that version
/// was handed over, off the way to the first output (issue 20): it is made once, for every
/// module, and the first reload is diffed against it like any other.
#[test]
fn the_first_snapshot_is_made_after_the_start_and_the_first_reload_uses_it() {
    let session = HotRun::start_with(
        "first_snapshot",
        &[("main.ln", MAIN), ("lib.ln", LIB), ("util.ln", UTIL)],
        |command| {
            command.arg("--hmr").env("LANG_HMR_DEBUG", "1");
        },
    );
    session.wait_for_output("v 1 <1>\n");
    session.wait_for_error_output("[hmr] first snapshot (made after the start)");
    let first: Vec<String> = session
        .stderr()
        .lines()
        .filter(|line| line.starts_with("[hmr] first snapshot"))
        .map(|line| line.rsplit_once(", ").map_or("", |(_, end)| end).to_string())
        .collect();
    assert_eq!(first, ["signatures of 3 of 3 modules"], "{}", session.stderr());
    // The first version plans without a snapshot: none is made before it.
    assert_eq!(signatures_recomputed_since(&session, 0), None, "{}", session.stderr());

    let before = session.stderr().len();
    session.write_in_place("lib.ln", &LIB.replace("return 1", "return 2"));
    session.wait_for_output("v 2 <2>\n");
    assert_eq!(checked_since(&session, before), ["lib.ln"], "{}", session.stderr());
    assert_eq!(
        signatures_recomputed_since(&session, before),
        Some(1),
        "{}",
        session.stderr()
    );
    // Only the edited function was compiled again: its module's other parts and the other
    // modules kept their code, as they do after any version.
    let stderr = session.stderr();
    let timings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("[hmr] timing:"))
        .filter_map(|line| line.rsplit_once('(').map(|(_, counts)| counts))
        .collect();
    assert_eq!(
        timings,
        ["3 modules, 4 functions)", "1 modules, 1 functions)"],
        "{}",
        session.stderr()
    );
    session.assert_alive();
}
