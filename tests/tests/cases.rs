//! One generated test per case file under `tests/cases/` (see `build.rs`).
//!
//! Each test checks the case with the front end and compares an insta snapshot holding the
//! source and the rendered diagnostics. On top of the snapshot it asserts what a user would:
//! cases under `ok/` have no diagnostics at all, and an error case named after a code (like
//! `e0300_...`) reports an error with that code.

mod harness {
    use std::path::Path;

    use lang_tests::{
        Case, Directives, RunOutcome, assert_hot_matches, build_and_run_hmr_libraries, build_and_run_release,
        check_case, run_lang, run_lang_until,
    };

    const DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

    fn lang() -> &'static Path {
        Path::new(env!("CARGO_BIN_EXE_lang-for-tests"))
    }

    /// The expected stdout of a runnable case: `NAME.out`, or `main.out` in a folder case.
    fn expected_stdout(case: &Case, name: &str) -> String {
        let path = if case.entry == Path::new("main.ln") && case.folder.ends_with(name) {
            case.folder.join("main.out")
        } else {
            case.folder.join(name.replace(".ln", ".out"))
        };
        std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()))
    }

    /// The release executable of a case behaves exactly like `lang run` (LANGUAGE.md: every
    /// mode gives the same output): same stdout, stderr and exit code.
    fn assert_release_matches(case: &Case, id: &str, program_args: &[&str], run: &RunOutcome) {
        let entry = case.entry.to_string_lossy().into_owned();
        let release = build_and_run_release(lang(), &case.folder, &entry, program_args, id);
        assert!(
            !release.timed_out,
            "{id}: the release executable did not finish in time"
        );
        assert_eq!(release.stdout, run.stdout, "{id}: release stdout differs from lang run");
        assert_eq!(release.stderr, run.stderr, "{id}: release stderr differs from lang run");
        assert_eq!(
            release.exit_code, run.exit_code,
            "{id}: release exit code differs from lang run"
        );
    }

    /// Without a file change, `lang run --hmr` behaves like `lang run`: same stdout, stderr and
    /// exit code — except that after a runtime error it keeps running, waiting for a fix
    /// (LANGUAGE.md section 7 item 7), so then the test stops it once the report is out.
    fn assert_hmr_matches(case: &Case, id: &str, program_args: &[&str], run: &RunOutcome) {
        let entry = case.entry.to_string_lossy().into_owned();
        let mut args = vec!["run", "--hmr", entry.as_str()];
        args.extend(program_args);
        assert_hot_matches(id, "--hmr", run, |done| {
            run_lang_until(lang(), &case.folder, &args, DEADLINE, done)
        });
    }

    /// The host of `lang build --hmr`, loading the program's modules as shared libraries,
    /// behaves like `lang run --hmr`.
    fn assert_libraries_match(case: &Case, id: &str, program_args: &[&str], run: &RunOutcome) {
        let entry = case.entry.to_string_lossy().into_owned();
        assert_hot_matches(id, "build --hmr", run, |done| {
            build_and_run_hmr_libraries(lang(), &case.folder, &entry, program_args, id, done)
        });
    }

    /// Runs a case with `lang run`, compares stdout with its `.out` file and the directives,
    /// and snapshots the source with stdout, stderr and the exit code.
    fn run_program_case(name: &str) {
        let case = Case::load("run", name);
        let entry_source = std::fs::read_to_string(case.folder.join(&case.entry)).expect("case file is readable");
        let directives = Directives::parse(&entry_source);
        let entry = case.entry.to_string_lossy().into_owned();
        let mut args = vec!["run", entry.as_str()];
        args.extend(directives.args.iter().map(String::as_str));
        let outcome = run_lang(lang(), &case.folder, &args, DEADLINE);
        assert!(!outcome.timed_out, "run/{name} did not finish in time");

        let mut snapshot = String::new();
        for file in &case.files {
            let source = std::fs::read_to_string(case.folder.join(file)).expect("case file is readable");
            snapshot.push_str(&format!("--- {}\n{source}", file.display()));
            if !source.ends_with('\n') {
                snapshot.push('\n');
            }
        }
        let code = outcome
            .exit_code
            .map_or("a signal".to_string(), |code| code.to_string());
        snapshot.push_str(&format!("--- lang {} (exit {code})\n", args.join(" ")));
        snapshot.push_str("--- stdout\n");
        snapshot.push_str(&outcome.stdout);
        snapshot.push_str("--- stderr\n");
        snapshot.push_str(&outcome.stderr);
        let case_name = name.trim_end_matches(".ln");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(format!("run__{case_name}"), snapshot));

        assert_eq!(
            outcome.stdout,
            expected_stdout(&case, name),
            "run/{name}: stdout differs from the expected output\nstderr:\n{}",
            outcome.stderr
        );
        assert_eq!(
            outcome.exit_code,
            Some(directives.exit),
            "run/{name}: wrong exit code\nstderr:\n{}",
            outcome.stderr
        );
        if let Some(error) = &directives.error {
            let line = format!("error: {error}");
            assert!(
                outcome.stderr.lines().any(|text| text == line),
                "run/{name}: stderr lacks `{line}`:\n{}",
                outcome.stderr
            );
        }
        if let Some(at) = &directives.at {
            let line = format!("  --> {at}");
            assert!(
                outcome.stderr.lines().any(|text| text == line),
                "run/{name}: stderr lacks `{line}`:\n{}",
                outcome.stderr
            );
        }
        if directives.exit == 0 {
            assert_eq!(outcome.stderr, "", "run/{name}: unexpected output on stderr");
        }
        let program_args: Vec<&str> = directives.args.iter().map(String::as_str).collect();
        assert_release_matches(&case, &format!("run/{case_name}"), &program_args, &outcome);
        assert_hmr_matches(&case, &format!("run/{case_name}"), &program_args, &outcome);
        assert_libraries_match(&case, &format!("run/{case_name}"), &program_args, &outcome);
    }

    /// Every accepted program of the front-end corpus also runs and prints its `.out`.
    fn run_accepted_program(case: &Case, name: &str) {
        let entry = case.entry.to_string_lossy().into_owned();
        let outcome = run_lang(lang(), &case.folder, &["run", entry.as_str()], DEADLINE);
        assert!(!outcome.timed_out, "ok/{name} did not finish in time");
        assert_eq!(
            outcome.stdout,
            expected_stdout(case, name),
            "ok/{name}: stdout differs from the expected output\nstderr:\n{}",
            outcome.stderr
        );
        assert_eq!(
            outcome.exit_code,
            Some(0),
            "ok/{name}: non-zero exit\nstderr:\n{}",
            outcome.stderr
        );
        let id = format!("ok/{}", name.trim_end_matches(".ln"));
        assert_release_matches(case, &id, &[], &outcome);
        assert_hmr_matches(case, &id, &[], &outcome);
        assert_libraries_match(case, &id, &[], &outcome);
    }

    pub fn run_case(stage: &str, name: &str) {
        if stage == "run" {
            return run_program_case(name);
        }
        let case = Case::load(stage, name);
        let checked = check_case(&case);
        let mut snapshot = String::new();
        for file in &case.files {
            let source = std::fs::read_to_string(case.folder.join(file)).expect("case file is readable");
            snapshot.push_str(&format!("--- {}\n{source}", file.display()));
            if !source.ends_with('\n') {
                snapshot.push('\n');
            }
        }
        let outcome = if checked.has_errors { "exit 1" } else { "exit 0" };
        snapshot.push_str(&format!("--- lang check {} ({outcome})\n", case.entry.display()));
        snapshot.push_str(&checked.rendered);

        let case_name = name.trim_end_matches(".ln");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(format!("{stage}__{case_name}"), snapshot));

        if stage == "ok" {
            assert!(
                checked.codes.is_empty(),
                "valid program {stage}/{name} was rejected:\n{}",
                checked.rendered
            );
            run_accepted_program(&case, name);
        } else {
            assert!(checked.has_errors, "{stage}/{name} should have been rejected");
            let expected_code = case_name.split('_').next().unwrap_or_default().to_ascii_uppercase();
            if expected_code.starts_with('E') && expected_code.len() == 5 {
                assert!(
                    checked.codes.contains(&expected_code.as_str()),
                    "{stage}/{name} should report {expected_code}, got {:?}:\n{}",
                    checked.codes,
                    checked.rendered
                );
            }
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));
