//! Differential testing on generated programs (`lang_tests::generator`): each random
//! well-typed program must be accepted by `lang check`, and must give byte-identical stdout,
//! the same error report and the same exit code under `lang run`, `lang run --hmr`, the
//! release executable and the `lang build --hmr` host; and no mode may die from a signal.
//!
//! CI runs `LANG_GENERATED_PROGRAMS` programs (200 by default). A longer run:
//!
//!     LANG_GENERATED_PROGRAMS=5000 LANG_GENERATED_SEED=1000 \
//!         cargo test --release -p lang-tests --test generated
//!
//! A failure names the seed and keeps the program in the temporary folder it prints, so it
//! can be reproduced with `lang run` and turned into a case under `tests/cases/run/`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use lang_tests::generator::program;
use lang_tests::{assert_hot_matches, build_and_run_hmr_libraries, build_and_run_release, run_lang, run_lang_until};

const DEADLINE: Duration = Duration::from_secs(60);

fn lang() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_lang-for-tests"))
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Checks one generated program in every mode; panics with the seed on a difference.
/// Returns whether the program stopped with a runtime error.
fn check_seed(seed: u64, folder: &Path) -> bool {
    let id = format!("generated-{seed}");
    std::fs::create_dir_all(folder).expect("scratch folder");
    std::fs::write(folder.join("main.ln"), program(seed)).expect("write the program");
    let check = run_lang(lang(), folder, &["check", "main.ln"], DEADLINE);
    assert_eq!(
        check.exit_code,
        Some(0),
        "{id}: the generator made a program that does not check (kept in {}):\n{}",
        folder.display(),
        check.stderr
    );
    let run = run_lang(lang(), folder, &["run", "main.ln"], DEADLINE);
    assert!(!run.timed_out, "{id}: lang run did not finish");
    assert!(
        matches!(run.exit_code, Some(0) | Some(101)),
        "{id}: lang run exited with {:?} (a signal?), kept in {}:\n{}",
        run.exit_code,
        folder.display(),
        run.stderr
    );
    let release = build_and_run_release(lang(), folder, "main.ln", &[], &id);
    assert_eq!(release.stdout, run.stdout, "{id}: release stdout differs");
    assert_eq!(release.stderr, run.stderr, "{id}: release stderr differs");
    assert_eq!(release.exit_code, run.exit_code, "{id}: release exit code differs");
    assert_hot_matches(&id, "--hmr", &run, |done| {
        run_lang_until(lang(), folder, &["run", "--hmr", "main.ln"], DEADLINE, done)
    });
    assert_hot_matches(&id, "build --hmr", &run, |done| {
        build_and_run_hmr_libraries(lang(), folder, "main.ln", &[], &id, done)
    });
    run.exit_code == Some(101)
}

#[test]
fn generated_programs_behave_the_same_in_every_mode() {
    let count = setting("LANG_GENERATED_PROGRAMS", 200);
    let first = setting("LANG_GENERATED_SEED", 0);
    let root_folder = tempfile::Builder::new()
        .prefix("lang-generated-")
        .tempdir()
        .expect("scratch folder");
    let root = root_folder.path().to_path_buf();
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let endings = Mutex::new([0usize; 2]);
    let workers = std::thread::available_parallelism()
        .map_or(2, |count| count.get())
        .min(4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst) as u64;
                    if index >= count {
                        break;
                    }
                    let seed = first + index;
                    let folder: PathBuf = root.join(seed.to_string());
                    let outcome = std::panic::catch_unwind(|| check_seed(seed, &folder));
                    match outcome {
                        Ok(ended_with_error) => {
                            endings.lock().unwrap()[usize::from(ended_with_error)] += 1;
                            let _ = std::fs::remove_dir_all(&folder);
                        }
                        Err(panic) => {
                            let message = panic
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
                                .unwrap_or_default();
                            failures.lock().unwrap().push(format!("seed {seed}: {message}"));
                        }
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let [completed, errored] = endings.into_inner().unwrap();
    if !failures.is_empty() {
        // The failing programs' folders stay for inspection.
        let _ = root_folder.keep();
    }
    eprintln!("{count} generated programs: {completed} ran to the end, {errored} stopped with a runtime error");
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The generator must exercise both endings, or it is not testing what it claims.
    assert!(completed > 0, "no generated program ran to its end");
}
