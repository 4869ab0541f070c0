//! The front end parses a program's modules on several threads (`LANG_COMPILE_THREADS`): what
//! `lang check` and `lang run` print must not depend on how many, nor on which thread finished
//! first.

use lang_tests::session::Project;
use std::process::Output;

/// A program of `modules` modules imported by `main` (and some by each other), each with a
/// few functions; `broken` lists the modules given a syntax error, `mistyped` those given a
/// type error, and `missing` imports a module that does not exist from module 1.
fn program(modules: usize, broken: &[usize], mistyped: &[usize], missing: bool) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut main = String::new();
    for index in 0..modules {
        main.push_str(&format!("import m{index}\n"));
    }
    main.push_str("fn main() {\n    var total = 0\n");
    for index in 0..modules {
        main.push_str(&format!("    total += m{index}.f0(2)\n"));
    }
    main.push_str("    print(total)\n}\n");
    files.push(("main.ln".to_string(), main));
    for index in 0..modules {
        let mut text = String::new();
        if index > 0 {
            text.push_str(&format!("import m{}\n", index - 1));
        }
        if missing && index == 1 {
            text.push_str("import no_such_module\n");
        }
        for function in 0..40 {
            let rest = if function < 39 {
                format!(" + f{}(x) * 0", function + 1)
            } else {
                String::new()
            };
            let visibility = if function == 0 { "pub " } else { "" };
            text.push_str(&format!(
                "{visibility}fn f{function}(x: int) -> int {{\n    let y = x * {function} + 1\n    if y > 10 {{\n        return y - {index}\n    }}\n    return y{rest}\n}}\n\n"
            ));
        }
        if broken.contains(&index) {
            text.push_str("fn broken( {\n    let = 1\n}\n");
        }
        if mistyped.contains(&index) {
            text.push_str("fn mistyped() -> int {\n    return \"text\"\n}\n");
        }
        files.push((format!("m{index}.ln"), text));
    }
    files
}

fn lang_with_threads(project: &Project, threads: &str, args: &[&str]) -> Output {
    let mut command = project.command(env!("CARGO_BIN_EXE_lang"));
    command
        .env("LANG_COMPILE_THREADS", threads)
        .env("LANG_CACHE", "0")
        .args(args);
    command.output().expect("lang starts")
}

fn same_output_with_any_thread_count(name: &str, files: &[(String, String)], args: &[&str]) -> Output {
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let project = Project::new(name, &borrowed);
    let single = lang_with_threads(&project, "1", args);
    for threads in ["2", "4", "2", "3"] {
        let output = lang_with_threads(&project, threads, args);
        assert_eq!(
            String::from_utf8_lossy(&single.stdout),
            String::from_utf8_lossy(&output.stdout),
            "stdout with {threads} threads"
        );
        assert_eq!(
            String::from_utf8_lossy(&single.stderr),
            String::from_utf8_lossy(&output.stderr),
            "stderr with {threads} threads"
        );
        assert_eq!(
            single.status.code(),
            output.status.code(),
            "exit code with {threads} threads"
        );
    }
    single
}

#[test]
fn syntax_errors_of_many_modules_are_reported_in_the_same_order_with_any_number_of_threads() {
    let files = program(12, &[2, 5, 6, 11], &[], true);
    let output = same_output_with_any_thread_count("check_threads_syntax", &files, &["check", "main.ln"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    // Every broken module is reported, in the order the modules were loaded.
    let positions: Vec<usize> = [2, 5, 6, 11]
        .iter()
        .map(|index| {
            stderr
                .find(&format!("m{index}.ln"))
                .unwrap_or_else(|| panic!("m{index}.ln is reported: {stderr}"))
        })
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{stderr}");
    assert!(stderr.contains("no_such_module"), "{stderr}");
}

#[test]
fn type_errors_of_many_modules_are_reported_in_the_same_order_with_any_number_of_threads() {
    let files = program(12, &[], &[1, 4, 9], false);
    let output = same_output_with_any_thread_count("check_threads_types", &files, &["check", "main.ln"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for index in [1, 4, 9] {
        assert!(
            stderr.contains(&format!("m{index}.ln")),
            "m{index}.ln is reported: {stderr}"
        );
    }
}

#[test]
fn a_valid_program_runs_the_same_with_any_number_of_threads() {
    let files = program(12, &[], &[], false);
    let checked = same_output_with_any_thread_count("check_threads_valid_check", &files, &["check", "main.ln"]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let ran = same_output_with_any_thread_count("check_threads_valid_run", &files, &["run", "main.ln"]);
    assert_eq!(ran.status.code(), Some(0), "{}", String::from_utf8_lossy(&ran.stderr));
    assert!(!ran.stdout.is_empty());
}

/// Modules whose variables are typed from other modules' variables (inferred types, a
/// closure in an initializer, a use in bodies of other modules), with `bad` modules given
/// an initializer with a type error and a cycle of initializers across two modules: module
/// bodies are checked on several threads once every variable is typed (`sema/body_threads.rs`).
fn program_with_variables(modules: usize, bad: &[usize], cycle: bool) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut main = String::new();
    for index in 0..modules {
        main.push_str(&format!("import m{index}\n"));
    }
    main.push_str("fn main() {\n    var total = 0\n");
    for index in 0..modules {
        main.push_str(&format!(
            "    total += m{index}.count + m{index}.twice(1) + m{index}.adders[0](1)\n"
        ));
    }
    main.push_str("    print(total)\n}\n");
    files.push(("main.ln".to_string(), main));
    for index in 0..modules {
        let mut text = String::new();
        // Each module but the first imports the one before it (no import cycle: the program
        // runs, in initialization order).
        let previous = if index == 0 {
            text.push_str("pub var count = 1\n");
            String::new()
        } else {
            text.push_str(&format!("import m{}\n", index - 1));
            text.push_str(&format!("pub var count = m{}.count + {index}\n", index - 1));
            format!("m{}.", index - 1)
        };
        text.push_str(&format!(
            "pub let adders = [fn(x: int) => x + {index}, fn(x: int) => x * count]\n"
        ));
        text.push_str(&format!(
            "pub fn twice(x: int) -> int {{\n    let f = {previous}adders[1]\n    return f(x) + count * 2\n}}\n"
        ));
        if bad.contains(&index) {
            text.push_str("pub let broken = count + \"text\"\nfn uses() -> int {\n    return broken\n}\n");
        }
        if cycle && index == 3 {
            text.push_str("pub let left = m2.right + 1\n");
        }
        if cycle && index == 2 {
            text.push_str("import m3\npub let right = m3.left + 1\n");
        }
        files.push((format!("m{index}.ln"), text));
    }
    files
}

#[test]
fn module_variables_typed_across_modules_check_the_same_with_any_number_of_threads() {
    let valid = program_with_variables(16, &[], false);
    let checked = same_output_with_any_thread_count("check_threads_variables_check", &valid, &["check", "main.ln"]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let ran = same_output_with_any_thread_count("check_threads_variables_run", &valid, &["run", "main.ln"]);
    assert_eq!(ran.status.code(), Some(0), "{}", String::from_utf8_lossy(&ran.stderr));
    assert!(!ran.stdout.is_empty());

    let broken = program_with_variables(16, &[3, 9, 14], true);
    let output = same_output_with_any_thread_count("check_threads_variables_errors", &broken, &["check", "main.ln"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for index in [3, 9, 14] {
        assert!(
            stderr.contains(&format!("m{index}.ln")),
            "m{index}.ln is reported: {stderr}"
        );
    }
    assert!(stderr.contains("depends on its own initializer"), "{stderr}");
}

#[test]
fn deeply_nested_code_is_checked_on_any_thread() {
    // Checking and the compile set's walk recurse as deeply as the code nests (up to the
    // lexer's limit of 256): their threads have the compiler thread's stack.
    let mut files = program(12, &[], &[], false);
    let depth = 200;
    let nested = format!("{}x{}", "(".repeat(depth), " + 1)".repeat(depth));
    for (name, text) in files.iter_mut().skip(1) {
        text.push_str(&format!("pub fn deep(x: int) -> int {{\n    return {nested}\n}}\n"));
        assert!(name.starts_with('m'));
    }
    let main = &mut files[0].1;
    *main = main.replace("    print(total)\n", "    print(total + m3.deep(1))\n");
    let ran = same_output_with_any_thread_count("check_threads_deep", &files, &["run", "main.ln"]);
    assert_eq!(ran.status.code(), Some(0), "{}", String::from_utf8_lossy(&ran.stderr));
    assert!(!ran.stdout.is_empty());
}
