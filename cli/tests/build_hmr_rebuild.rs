//! `lang build --hmr` rebuilding only what changed: a struct edit rebuilds its module, a
//! `--watch` build only the modules that changed, a fresh host from a partly rebuilt folder,
//! and `on_reload` only for a library whose own source changed. Every wait is bounded by a
//! deadline.

mod build_hmr_support;

use build_hmr_support::*;
use std::os::unix::fs::MetadataExt;
use std::process::Stdio;

use lang_tests::session::Session;

/// A counter kept in a struct, labelled by module `helper`.
const TALLY: &str = "import helper\n\nstruct Tally {\n    count: int = 0,\n}\n\nvar tally = Tally {}\n\nfn main() {\n    while true {\n        tally.count += 1\n        print(\"{helper.label()} {tally.count}\")\n        sleep(5)\n    }\n}\n";

/// TALLY with a new field, shown.
fn tally_with_extra() -> String {
    TALLY
        .replace("count: int = 0,", "count: int = 0,\n    extra: int = 7,")
        .replace("{tally.count}", "{tally.count} {tally.extra}")
}

#[test]
fn a_struct_edit_rebuilds_only_its_module_in_a_plain_build_too() {
    let project = Project::new("plainstruct", &[("main.ln", TALLY), ("helper.ln", &helper("h"))]);
    project.build();
    let helper_library = std::fs::metadata(project.modules().join("helper.so")).unwrap();
    let session = project.start(&[]);
    session.wait_for_output("h 2\n");
    project.write_in_place("main.ln", &tally_with_extra());
    project.build();
    session.wait_for("the migrated struct", |stdout, _| {
        stdout
            .lines()
            .any(|line| line.starts_with("h ") && line.ends_with(" 7"))
    });
    session.wait_for_error_output("[hmr] main.ln v2 (main.so)");
    // helper.so was not compiled again, nor written, nor reloaded.
    let after = std::fs::metadata(project.modules().join("helper.so")).unwrap();
    assert_eq!(
        (after.ino(), after.mtime(), after.mtime_nsec()),
        (
            helper_library.ino(),
            helper_library.mtime(),
            helper_library.mtime_nsec()
        ),
        "helper.so was rewritten"
    );
    assert!(!session.stderr().contains("helper.ln v"), "{}", session.stderr());
}

#[test]
fn watch_rebuilds_only_the_modules_that_changed() {
    let main = TALLY;
    let project = Project::new("rebuildone", &[("main.ln", main), ("helper.ln", &helper("h1"))]);
    let mut watch_command = project.command(env!("CARGO_BIN_EXE_lang"));
    watch_command.args(["build", "--hmr", "main.ln", "-o", "out", "--watch"]);
    let watcher = Session::spawn(watch_command);
    watcher.wait_for_error_output("[build] watching for changes; Ctrl-C to stop\n");
    assert!(
        watcher
            .stderr()
            .starts_with("[build] built out (2 modules; rebuilt: main, helper; changed: main.so, helper.so)\n"),
        "{}",
        watcher.stderr()
    );
    let host = project.start(&[]);
    host.wait_for_output("h1 2\n");
    // A body edit of helper rebuilds helper alone.
    project.write_in_place("helper.ln", &helper("h2"));
    host.wait_for_output("h2 ");
    watcher.wait_for_error_output("[build] built out (2 modules; rebuilt: helper; changed: helper.so) in ");
    // A struct edit in main rebuilds main alone: nothing imports it.
    project.write_in_place("main.ln", &tally_with_extra());
    host.wait_for("the migrated struct", |stdout, _| {
        stdout
            .lines()
            .any(|line| line.starts_with("h2 ") && line.ends_with(" 7"))
    });
    watcher.wait_for_error_output("[build] built out (2 modules; rebuilt: main; changed: main.so) in ");
    // A changed interface of helper rebuilds its importer too.
    project.write_in_place(
        "helper.ln",
        &(helper("h3") + "\npub fn more() -> int {\n    return 1\n}\n"),
    );
    host.wait_for_output("h3 ");
    watcher.wait_for_error_output("[build] built out (2 modules; rebuilt: main, helper; ");
    let reloads = host.stderr();
    assert_eq!(reloads.matches("[hmr] helper.ln v").count(), 2, "{reloads}");
    assert!(!reloads.contains("not loaded"), "{reloads}");
    host.assert_alive();
    watcher.assert_alive();
}

#[test]
fn a_fresh_host_from_a_partly_rebuilt_folder_uses_the_new_struct_layout() {
    // main imports a (unrelated) and c; c uses struct S of b. A struct edit in b rebuilds b
    // and c, not main: main's library still holds S's old descriptor, and its setup runs
    // first when a host starts. The host must use b's layout all the same.
    let main = "import a\nimport c\n\nfn main() {\n    print(a.name())\n    print(c.show())\n}\n";
    let a = "pub fn name() -> str {\n    return \"a\"\n}\n";
    let b = "pub struct S {\n    x: int = 1,\n}\n\npub fn make() -> S {\n    return S {}\n}\n";
    let c = "import b\n\npub fn show() -> str {\n    let s = b.make()\n    return \"x {s.x}\"\n}\n";
    let project = Project::new(
        "freshlayout",
        &[("main.ln", main), ("a.ln", a), ("b.ln", b), ("c.ln", c)],
    );
    project.build();
    let main_library = std::fs::read(project.modules().join("main.so")).unwrap();
    project.write_in_place("b.ln", &b.replace("x: int = 1,", "x: int = 1,\n    y: int = 2,"));
    project.write_in_place("c.ln", &c.replace("\"x {s.x}\"", "\"x {s.x} y {s.y}\""));
    project.build();
    assert_eq!(
        std::fs::read(project.modules().join("main.so")).unwrap(),
        main_library,
        "main was not rebuilt"
    );
    let output = project
        .command(project.path("out"))
        .stdin(Stdio::null())
        .output()
        .expect("out runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "a\nx 1 y 2\n",
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn on_reload_of_a_library_runs_only_when_its_own_source_changed() {
    // main builds helper's struct with helper's field defaults: a changed default compiles
    // main again and gives it a new library, but main's own file did not change.
    let main = "import helper\n\nfn on_reload() {\n    print(\"main on_reload\")\n}\n\nfn make() -> helper.Box {\n    return helper.Box {}\n}\n\nfn main() {\n    while true {\n        print(\"size {make().size}\")\n        sleep(5)\n    }\n}\n";
    let helper = "pub struct Box {\n    size: int = 1,\n}\n";
    let project = Project::new("ownsource", &[("main.ln", main), ("helper.ln", helper)]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("size 1\n");
    project.write_in_place("helper.ln", &helper.replace("= 1", "= 5"));
    project.build();
    session.wait_for_output("size 5\n");
    session.wait_for_error_output("[hmr] main.ln v2 (main.so)");
    session.wait_for_more("size 5", 3);
    assert!(
        !session.stdout().contains("main on_reload"),
        "main's on_reload ran for an edit of helper:\n{}",
        session.stdout()
    );
    // An edit of main's own file runs it.
    project.write_in_place("main.ln", &main.replace("\"size {", "\"size: {"));
    project.build();
    session.wait_for_output("main on_reload\n");
    session.wait_for_error_output("[hmr] main.ln v3 (main.so)");
}
