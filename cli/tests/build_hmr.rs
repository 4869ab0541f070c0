//! `lang build --hmr` end to end: a real host executable `OUT` running from `OUT.modules/`,
//! rebuilt (once, or with `--watch`) and tampered with while it runs, with every wait bounded
//! by a deadline.

use std::os::unix::fs::MetadataExt;

use std::process::Stdio;
use std::time::Duration;

mod build_hmr_support;

use build_hmr_support::*;
use lang_tests::session::Session;

#[test]
fn a_body_change_runs_the_new_code_and_keeps_state() {
    let project = Project::new("body", &[("main.ln", &counter("old"))]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("old 3\n");
    project.write_in_place("main.ln", &counter("new"));
    project.build();
    session.wait_for_output("new ");
    let stdout = session.stdout();
    let before = last_count(&stdout, "old").expect("old lines");
    let after = counts(&stdout, "new")[0];
    assert_eq!(after, before + 1, "the counter continues across the reload");
    session.wait_for_error_output("[hmr] main.ln v2 (main.so): 1 function changed (label) in ");
    let stderr = session.stderr();
    assert_eq!(stderr.lines().count(), 1, "one line per reload:\n{stderr}");
    assert!(stderr.trim_end().ends_with(" ms"), "{stderr}");
}

#[test]
fn only_the_changed_module_is_written_and_reloaded() {
    let main =
        "import helper\n\nfn main() {\n    while true {\n        print(helper.word())\n        sleep(5)\n    }\n}\n";
    let helper = "pub fn word() -> str {\n    return \"alpha\"\n}\n";
    let project = Project::new("modules", &[("main.ln", main), ("helper.ln", helper)]);
    project.build();
    let manifest = project.manifest();
    assert!(
        manifest.contains("\tmain.so\t") && manifest.contains("\thelper.so\t"),
        "{manifest}"
    );
    let main_library = std::fs::metadata(project.modules().join("main.so")).unwrap();
    let session = project.start(&[]);
    session.wait_for_output("alpha\n");
    project.write_in_place("helper.ln", &helper.replace("alpha", "beta"));
    project.build();
    session.wait_for_output("beta\n");
    session.wait_for_error_output("[hmr] helper.ln v2 (helper.so): 1 function changed (word) in ");
    // main.so has the same content, so the builder left it alone and the host kept it.
    let after = std::fs::metadata(project.modules().join("main.so")).unwrap();
    assert_eq!(
        (after.ino(), after.mtime(), after.mtime_nsec()),
        (main_library.ino(), main_library.mtime(), main_library.mtime_nsec()),
        "main.so was rewritten"
    );
    // Another change: still no line for main.ln.
    project.write_in_place("helper.ln", &helper.replace("alpha", "gamma"));
    project.build();
    session.wait_for_output("gamma\n");
    session.wait_for_error_output("[hmr] helper.ln v3 (helper.so)");
    let stderr = session.stderr();
    assert!(!stderr.contains("main.ln"), "main.so was not reloaded:\n{stderr}");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

const MIGRATE: &str = "struct P {\n    x: int = 0,\n    name: str = \"p\",\n}\n\nvar all: [P] = []\nvar ticks = 0\n\nfn make(x: int) -> P {\n    return P { x: x }\n}\n\nfn show(p: P) -> str {\n    return \"{p.name}:{p.x}\"\n}\n\nfn main() {\n    all.push(make(1))\n    all.push(P { x: 2, name: \"q\" })\n    while true {\n        ticks += 1\n        print(\"{show(all[0])} {show(all[1])} tick {ticks}\")\n        sleep(5)\n    }\n}\n";

/// MIGRATE with a new field `hp` declared as `declaration` and shown.
fn with_hp(declaration: &str) -> String {
    MIGRATE
        .replace(
            "    name: str = \"p\",\n}",
            &format!("    name: str = \"p\",\n    {declaration},\n}}"),
        )
        .replace("return \"{p.name}:{p.x}\"", "return \"{p.name}:{p.x}:{p.hp}\"")
}

#[test]
fn struct_instances_are_migrated_keeping_their_values() {
    let project = Project::new("migrate", &[("main.ln", MIGRATE)]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("p:1 q:2 tick 2\n");
    project.write_in_place("main.ln", &with_hp("hp: int = 100"));
    project.build();
    session.wait_for_output("p:1:100 q:2:100 tick ");
    session.wait_for_error_output("[hmr] main.ln v2 (main.so): ");
    // On the reload line itself (LANGUAGE.md section 7 item 8: one line per reload).
    session.wait_for_error_output(" `P`)");
    assert!(
        session
            .stderr()
            .lines()
            .any(|line| line.starts_with("[hmr] main.ln v2 (main.so): ") && line.contains("to migrate ")),
        "{}",
        session.stderr()
    );
    // The ticks went on, not from 1 again.
    let stdout = session.stdout();
    let ticks: Vec<i64> = stdout
        .lines()
        .filter_map(|line| line.split(" tick ").nth(1)?.parse().ok())
        .collect();
    assert!(
        ticks.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "the module variable kept counting:\n{stdout}"
    );
}

#[test]
fn a_new_field_without_a_default_is_rejected_by_the_host_and_a_fixed_build_migrates() {
    let project = Project::new("nodefault", &[("main.ln", MIGRATE)]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("p:1 q:2 tick 2\n");
    // The builder does not know which version runs: the build succeeds...
    project.write_in_place(
        "main.ln",
        &with_hp("hp: int")
            .replace("return P { x: x }", "return P { x: x, hp: 1 }")
            .replace("P { x: 2, name: \"q\" }", "P { x: 2, name: \"q\", hp: 2 }"),
    );
    project.build();
    // ...and the host refuses it, naming the field.
    session.wait_for_error_output("[hmr] build rejected: ");
    let stderr = session.stderr();
    let rejection = line_with(&stderr, "build rejected");
    assert!(rejection.contains("field `hp` of struct `P`"), "{stderr}");
    assert!(rejection.ends_with("; still running the previous version"), "{stderr}");
    // The old version goes on.
    session.wait_for_more("p:1 q:2 tick ", 3);
    session.assert_alive();
    assert!(!session.stdout().contains(":100"), "{}", session.stdout());
    // A fixed build migrates.
    project.write_in_place("main.ln", &with_hp("hp: int = 100"));
    project.build();
    session.wait_for_output("p:1:100 q:2:100 tick ");
    session.wait_for_error_output("[hmr] main.ln v2 (main.so): ");
}

#[test]
fn a_truncated_library_is_not_loaded_and_a_good_build_then_is() {
    let project = Project::new("truncated", &[("main.ln", &counter("good"))]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("good 2\n");
    // A library cut in half (as by a copy that stopped half-way), and a new manifest event
    // that still names the complete library's hash.
    let library = project.modules().join("main.so");
    let bytes = std::fs::read(&library).unwrap();
    std::fs::write(&library, &bytes[..bytes.len() / 2]).unwrap();
    project.publish_manifest(&project.manifest());
    session.wait_for_error_output("[hmr] library of module `main` not loaded: ");
    let stderr = session.stderr();
    let line = line_with(&stderr, "not loaded");
    assert!(
        line.contains("main.so changed without a new manifest")
            && line.ends_with("; the running version of `main` is kept"),
        "{stderr}"
    );
    session.wait_for_more("good ", 3);
    session.assert_alive();
    // A good build replaces the truncated file and applies.
    project.write_in_place("main.ln", &counter("fixed"));
    project.build();
    session.wait_for_output("fixed ");
    session.wait_for_error_output("[hmr] main.ln v2 (main.so)");
    let stdout = session.stdout();
    assert_eq!(
        counts(&stdout, "fixed")[0],
        last_count(&stdout, "good").unwrap() + 1,
        "the counter continues"
    );
}

/// A counter whose label comes from module `helper`.
const TWO_MODULES: &str = "import helper\n\nvar count = 0\n\nfn main() {\n    while true {\n        count += 1\n        print(\"{helper.label()} {count}\")\n        sleep(5)\n    }\n}\n";

/// Rewrites `out.modules/main.so` with `bytes` and publishes a manifest naming their hash.
fn replace_main_library(project: &Project, manifest: &str, bytes: &[u8]) {
    std::fs::write(project.modules().join("main.so"), bytes).unwrap();
    project.publish_manifest(&with_hash(manifest, "main", lang_abi::fnv1a(bytes)));
}

/// The line of `stderr` that contains `what`, which must be there.
fn line_with<'a>(stderr: &'a str, what: &str) -> &'a str {
    stderr
        .lines()
        .find(|line| line.contains(what))
        .unwrap_or_else(|| panic!("no `{what}` line:\n{stderr}"))
}

#[test]
fn a_corrupted_library_matching_its_hash_is_rejected_and_the_old_version_goes_on() {
    let project = Project::new("corrupted", &[("main.ln", TWO_MODULES), ("helper.ln", &helper("good"))]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("good 2\n");
    let original = std::fs::read(project.modules().join("main.so")).unwrap();
    let good_manifest = project.manifest();
    // Garbage, with a manifest naming exactly its hash: the host's own checks of the file
    // refuse it before the dynamic loader sees it.
    let garbage: Vec<u8> = (0..4096u32)
        .map(|index| (index.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    replace_main_library(&project, &good_manifest, &garbage);
    session.wait_for_error_output("[hmr] build rejected: ");
    let line = line_with(&session.stderr(), "build rejected").to_string();
    assert!(
        line.contains("main.so: not a valid shared library") && line.ends_with("; still running the previous version"),
        "{line}"
    );
    session.wait_for_more("good ", 3);
    session.assert_alive();
    // A real lang library, but of the other module.
    let helper_library = std::fs::read(project.modules().join("helper.so")).unwrap();
    replace_main_library(&project, &good_manifest, &helper_library);
    session.wait_for("a second rejection", |_, stderr| {
        stderr.matches("[hmr] build rejected: ").count() == 2
    });
    let stderr = session.stderr();
    let line = stderr
        .lines()
        .filter(|line| line.contains("build rejected"))
        .nth(1)
        .unwrap();
    assert!(line.contains("main.so: holds module `helper`, not `main`"), "{line}");
    session.wait_for_more("good ", 3);
    session.assert_alive();
    // The running build back in place: nothing to load.
    replace_main_library(&project, &good_manifest, &original);
    session.wait_for_more("good ", 3);
    session.assert_alive();
    assert!(
        !session.stderr().contains("[hmr] main.ln v"),
        "nothing was swapped:\n{}",
        session.stderr()
    );
    // And a good build still applies, the counter going on.
    project.write_in_place("helper.ln", &helper("fixed"));
    project.build();
    session.wait_for_output("fixed ");
    session.wait_for_error_output("[hmr] helper.ln v2 (helper.so)");
    let stdout = session.stdout();
    assert_eq!(counts(&stdout, "fixed")[0], last_count(&stdout, "good").unwrap() + 1);
}

/// glibc maps a library's segments without checking that the file holds them, then touches
/// the part past its end: unless the host checks the program headers first, a cut ELF file
/// kills it with SIGBUS inside `dlopen`.
#[test]
fn a_truncated_library_matching_its_hash_is_rejected_without_a_crash() {
    let project = Project::new("cutelf", &[("main.ln", &counter("good"))]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("good 2\n");
    let original = std::fs::read(project.modules().join("main.so")).unwrap();
    replace_main_library(&project, &project.manifest(), &original[..original.len() / 2]);
    session.wait_for_error_output("[hmr] build rejected: ");
    let line = line_with(&session.stderr(), "build rejected").to_string();
    assert!(line.ends_with("; still running the previous version"), "{line}");
    session.wait_for_more("good ", 3);
    session.assert_alive();
}

#[test]
fn starting_without_a_build_fails_with_exit_code_1() {
    let project = Project::new("nobuild", &[("main.ln", &counter("never"))]);
    project.build();
    let run = || {
        project
            .command(project.path("out"))
            .stdin(Stdio::null())
            .output()
            .expect("out runs")
    };
    // No manifest.
    std::fs::remove_file(project.modules().join("manifest")).unwrap();
    let output = run();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "error: cannot load the program from {0}: {0}/manifest does not exist (was the program built?)\n",
        project.modules().display()
    );
    assert_eq!(stderr, expected);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "", "nothing ran");
    // No modules folder at all.
    std::fs::remove_dir_all(project.modules()).unwrap();
    let output = run();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "", "nothing ran");
}

#[test]
fn starting_without_a_modules_folder_prints_only_the_error() {
    let project = Project::new("nofolder", &[("main.ln", &counter("never"))]);
    project.build();
    std::fs::remove_dir_all(project.modules()).unwrap();
    let output = project
        .command(project.path("out"))
        .stdin(Stdio::null())
        .output()
        .expect("out runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, the error:\n{stderr}");
    assert!(stderr.starts_with("error: cannot load the program from "), "{stderr}");
}

#[test]
fn watch_rebuilds_on_every_save_and_a_compile_error_keeps_the_running_version() {
    let project = Project::new("watch", &[("main.ln", &counter("w1"))]);
    let mut watch_command = project.command(env!("CARGO_BIN_EXE_lang"));
    watch_command.args(["build", "--hmr", "main.ln", "-o", "out", "--watch"]);
    let watcher = Session::spawn(watch_command);
    watcher.wait_for_error_output("[build] watching for changes; Ctrl-C to stop\n");
    assert!(
        watcher
            .stderr()
            .starts_with("[build] built out (1 module; rebuilt: main; changed: main.so)\n"),
        "{}",
        watcher.stderr()
    );
    assert!(project.path("out").is_file());
    let host = project.start(&[]);
    host.wait_for_output("w1 2\n");
    // A save in place.
    project.write_in_place("main.ln", &counter("w2"));
    host.wait_for_output("w2 ");
    watcher.wait_for_error_output("[build] built out (1 module; rebuilt: main; changed: main.so) in ");
    // A save by rename.
    project.write_by_rename("main.ln", counter("w3").as_bytes());
    host.wait_for_output("w3 ");
    host.wait_for_error_output("[hmr] main.ln v3 (main.so)");
    // A save with a compile error: diagnostics, no build, the host goes on.
    let failed = "[build] build failed; a running out keeps its version\n";
    let seen = watcher.stderr().len();
    let before = project.manifest();
    project.write_in_place("main.ln", &counter("w3").replace("return \"w3\"", "return 42"));
    watcher.wait_for("the failed build", |_, stderr| stderr[seen..].contains(failed));
    let report = watcher.stderr()[seen..].to_string();
    assert!(
        report.contains("E0") && report.contains("main.ln:4:"),
        "diagnostics:\n{report}"
    );
    assert_eq!(project.manifest(), before, "nothing was written");
    // The running host reports the failed build with its diagnostics, as a rejected reload.
    host.wait_for_error_output("[hmr] the build failed (lang build --hmr); still running the previous version\n");
    let host_report = host.stderr();
    assert!(
        host_report.contains("E0") && host_report.contains("main.ln:4:"),
        "the host shows the diagnostics:\n{host_report}"
    );
    host.wait_for_more("w3 ", 3);
    host.assert_alive();
    watcher.assert_alive();
    // Undone: the build gives the libraries that run, and the host says the failure is over.
    project.write_in_place("main.ln", &counter("w3"));
    host.wait_for_error_output("[hmr] the build succeeded again, with nothing new to load");
    // The fix is built and picked up.
    project.write_in_place("main.ln", &counter("w4"));
    host.wait_for_output("w4 ");
    host.wait_for_error_output("[hmr] main.ln v4 (main.so)");
    let stdout = host.stdout();
    let all: Vec<i64> = stdout
        .lines()
        .filter_map(|line| line.split(' ').nth(1)?.parse().ok())
        .collect();
    assert!(
        all.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "the counter kept counting:\n{stdout}"
    );
    assert_eq!(host.stderr().matches("[hmr] main.ln v").count(), 3, "{}", host.stderr());
    assert!(
        !host.stderr().contains("not loaded"),
        "a build's libraries are never taken for stale ones:\n{}",
        host.stderr()
    );
}

#[test]
fn a_runtime_error_waits_for_a_fixed_build_and_main_runs_again_with_state() {
    let program = "var count = 0\n\nfn divide(a: int) -> int {\n    return a / 1\n}\n\nfn main() {\n    while true {\n        count += 1\n        print(\"value {divide(count)}\")\n        sleep(5)\n    }\n}\n";
    let project = Project::new("error", &[("main.ln", program)]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("value 3\n");
    project.write_in_place("main.ln", &program.replace("a / 1", "a / (a - a)"));
    project.build();
    session.wait_for_error_output("error: division by zero\n  --> main.ln:4:12\n");
    let lines_at_error = session.stdout().lines().count();
    let last = session
        .stdout()
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("value ")?.parse::<i64>().ok())
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    session.assert_alive();
    assert_eq!(
        session.stdout().lines().count(),
        lines_at_error,
        "nothing runs while waiting for a fix"
    );
    project.write_in_place("main.ln", &program.replace("a / 1", "a * 10"));
    project.build();
    session.wait_for("the fixed code", |stdout, _| stdout.lines().count() > lines_at_error);
    let stdout = session.stdout();
    let first = stdout.lines().nth(lines_at_error).unwrap();
    // `count` kept its value (the failed iteration had counted too); `main` started again.
    assert_eq!(first, format!("value {}", (last + 2) * 10), "{stdout}");
}

#[test]
fn the_host_prints_what_lang_run_prints() {
    let program = "struct P {\n    x: int = 1,\n}\n\nvar names = [\"a\", \"b\"]\n\nfn main() {\n    let p = P { x: 5 }\n    for name in names {\n        print(\"hello {name} {p.x}\")\n    }\n    for a in args() {\n        print(\"arg {a}\")\n    }\n    print(\"{1.5 * 2.0} {len(names)}\")\n}\n";
    let project = Project::new("parity", &[("main.ln", program)]);
    project.build();
    let run = project.lang(&["run", "main.ln", "one", "--two"]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let host = project.start(&["one", "--two"]);
    let status = host.wait_exit();
    assert_eq!(status.code(), Some(0), "{}", host.stderr());
    assert_eq!(host.stdout(), String::from_utf8_lossy(&run.stdout));
    assert!(host.stdout().contains("arg --two\n"), "{}", host.stdout());
    assert_eq!(host.stderr(), "");
}

#[test]
fn a_rebuild_leaves_the_host_executable_alone_unless_lang_changed() {
    let project = Project::new("host", &[("main.ln", &counter("h1"))]);
    project.build();
    let out = project.path("out");
    let stamp = project.modules().join("host.stamp");
    let before = std::fs::metadata(&out).unwrap();
    let stamp_before = std::fs::read_to_string(&stamp).unwrap();
    let session = project.start(&[]);
    session.wait_for_output("h1 2\n");
    project.write_in_place("main.ln", &counter("h2"));
    project.build();
    session.wait_for_output("h2 ");
    let after = std::fs::metadata(&out).unwrap();
    assert_eq!(
        (after.ino(), after.mtime(), after.mtime_nsec()),
        (before.ino(), before.mtime(), before.mtime_nsec()),
        "`out` was not rewritten"
    );
    assert_eq!(std::fs::read_to_string(&stamp).unwrap(), stamp_before);
    // Without the stamp the host is linked again, by rename: the running one goes on and
    // still loads the next build.
    std::fs::remove_file(&stamp).unwrap();
    project.write_in_place("main.ln", &counter("h3"));
    project.build();
    let relinked = std::fs::metadata(&out).unwrap();
    assert_ne!(relinked.ino(), before.ino(), "`out` was linked again");
    assert_eq!(std::fs::read_to_string(&stamp).unwrap(), stamp_before);
    session.wait_for_output("h3 ");
    project.write_in_place("main.ln", &counter("h4"));
    project.build();
    session.wait_for_output("h4 ");
    session.assert_alive();
}

#[test]
fn old_libraries_are_unloaded() {
    let project = Project::new("unload", &[("main.ln", &counter("v0"))]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("v0 2\n");
    let pid = session.pid();
    assert_eq!(mapped_private_copies(pid).len(), 1, "{:?}", mapped_private_copies(pid));
    for version in 1..=20 {
        project.write_in_place("main.ln", &counter(&format!("v{version}")));
        project.build();
        session.wait_for_output(&format!("\nv{version} "));
    }
    session.wait_for_error_output("[hmr] main.ln v21 (main.so)");
    // The first version (where the running `main` frame is), the running one, and perhaps
    // the one before it, not yet freed.
    let mapped = mapped_private_copies(pid);
    assert!(
        (1..=3).contains(&mapped.len()),
        "{} versions mapped: {mapped:?}",
        mapped.len()
    );
    // The private copies themselves were deleted once opened.
    let left: Vec<_> = std::fs::read_dir(project.path("tmp")).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    let stdout = session.stdout();
    let all: Vec<i64> = stdout
        .lines()
        .filter_map(|line| line.split(' ').nth(1)?.parse().ok())
        .collect();
    assert!(
        all.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "the counter kept counting"
    );
}

#[test]
fn a_library_changed_without_a_new_manifest_is_reported_and_not_loaded() {
    let project = Project::new("stale", &[("main.ln", TWO_MODULES), ("helper.ln", &helper("good"))]);
    project.build();
    let session = project.start(&[]);
    session.wait_for_output("good 2\n");
    // Garbage over a library, the manifest left alone: reported, never loaded.
    let garbage: Vec<u8> = (0..4096u32)
        .map(|index| (index.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(project.modules().join("helper.so"), &garbage).unwrap();
    session.wait_for_error_output("[hmr] library of module `helper` not loaded: ");
    let line = line_with(&session.stderr(), "not loaded").to_string();
    assert!(line.contains("helper.so changed without a new manifest"), "{line}");
    session.wait_for_more("good ", 3);
    session.assert_alive();
    // Another module's library, truncated: reported too.
    let main_library = project.modules().join("main.so");
    let bytes = std::fs::read(&main_library).unwrap();
    std::fs::write(&main_library, &bytes[..bytes.len() / 3]).unwrap();
    session.wait_for_error_output("[hmr] library of module `main` not loaded: ");
    session.wait_for_more("good ", 3);
    session.assert_alive();
    assert_eq!(
        session.stderr().matches("not loaded").count(),
        2,
        "each is reported once:\n{}",
        session.stderr()
    );
    // A good build replaces both and applies, the counter going on.
    project.write_in_place("helper.ln", &helper("fixed"));
    project.build();
    session.wait_for_output("fixed ");
    let stdout = session.stdout();
    assert_eq!(counts(&stdout, "fixed")[0], last_count(&stdout, "good").unwrap() + 1);
}
