//! One generated test per case file under `tests/cases/` (see `build.rs`).
//!
//! Each test checks the case with the front end and compares an insta snapshot holding the
//! source and the rendered diagnostics. On top of the snapshot it asserts what a user would:
//! cases under `ok/` have no diagnostics at all, and an error case named after a code (like
//! `e0300_...`) reports an error with that code.

mod harness {
    use lang_tests::{Case, check_case};

    pub fn run_case(stage: &str, name: &str) {
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
