//! Tests of incremental checking (`incremental.rs`): which modules a check after an edit
//! checks again, and that its results are always those of a full check.

use std::collections::HashMap;
use std::path::Path;

use crate::sema::{CheckedProgram, ParseCache, check_program, check_program_with_cache};
use crate::source::{LoadError, SourceLoader};

struct Files(HashMap<&'static str, String>);

impl SourceLoader for Files {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        self.0
            .get(path.to_string_lossy().as_ref())
            .cloned()
            .ok_or(LoadError::NotFound)
    }
}

fn variable_types(checked: &CheckedProgram) -> Vec<String> {
    checked
        .items
        .variables
        .iter()
        .map(|variable| format!("{} {:?} {:?}", variable.name, variable.ty, variable.state))
        .collect()
}

/// Checks the program with the cache and from scratch, asserts both give the same
/// results, and returns the modules the cached check checked again.
fn check_both(cache: &mut ParseCache, files: &[(&'static str, &str)]) -> Vec<String> {
    let files = || Files(files.iter().map(|(name, text)| (*name, text.to_string())).collect());
    let incremental = check_program_with_cache(Path::new("main.ln"), &mut files(), cache).unwrap();
    let full = check_program(Path::new("main.ln"), &mut files()).unwrap();
    assert_eq!(incremental.diagnostics, full.diagnostics);
    assert!(
        incremental.results.merged() == full.results.merged(),
        "side tables differ"
    );
    assert_eq!(variable_types(&incremental), variable_types(&full));
    let interfaces = |checked: &CheckedProgram| -> Vec<u64> {
        checked
            .interfaces
            .iter()
            .map(|interface| interface.hash_value())
            .collect()
    };
    assert_eq!(interfaces(&incremental), interfaces(&full));
    cache.last_checked().to_vec()
}

const MAIN: &str =
    "import lib\nimport util\nfn main() {\n    print(lib.f(1))\n    print(util.g())\n    print(lib.LIMIT)\n}\n";
const LIB: &str = "pub let LIMIT = 10\npub fn f(x: int) -> int { return x + LIMIT }\n";
const UTIL: &str = "pub fn g() -> int { return 2 }\n";

#[test]
fn a_body_edit_checks_only_its_module_and_an_interface_edit_its_importers() {
    let mut cache = ParseCache::default();
    let all = ["main.ln", "lib.ln", "util.ln"];
    assert_eq!(
        check_both(&mut cache, &[("main.ln", MAIN), ("lib.ln", LIB), ("util.ln", UTIL)]),
        all
    );
    // Nothing changed: nothing is checked again.
    assert!(check_both(&mut cache, &[("main.ln", MAIN), ("lib.ln", LIB), ("util.ln", UTIL)]).is_empty());
    // A body edit.
    let lib_body = LIB.replace("x + LIMIT", "x * 2 + LIMIT");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_body), ("util.ln", UTIL)]
        ),
        ["lib.ln"]
    );
    // A comment above a function shifts every span after it: still only that module.
    let lib_comment = lib_body.replace("pub fn f", "// a comment\npub fn f");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_comment), ("util.ln", UTIL)]
        ),
        ["lib.ln"]
    );
    // Above the variable that `main` typed (`LIMIT`, untyped), it moves nodes that main's
    // check recorded: main is checked again.
    let lib_moved = format!("// a comment\n{lib_comment}");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_moved), ("util.ln", UTIL)]
        ),
        ["main.ln", "lib.ln"]
    );
    let lib_comment = lib_moved;
    // A signature edit: the importer is checked again, the unrelated module is not.
    let lib_signature = lib_comment.replace("-> int { return x * 2 + LIMIT }", "-> float { return 1.5 }");
    assert_ne!(lib_signature, lib_comment);
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_signature), ("util.ln", UTIL)]
        ),
        ["main.ln", "lib.ln"]
    );
    // A function added: the ids of every item after it move, so every module is checked.
    let util_more = format!("{UTIL}fn helper() {{}}\n");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_signature), ("util.ln", &util_more)]
        ),
        all
    );
}

#[test]
fn results_stay_those_of_a_full_check_over_a_sequence_of_edits() {
    let mut cache = ParseCache::default();
    let steps: Vec<[(&'static str, String); 3]> = vec![
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
        // The inferred type of an imported variable changes.
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.replace("LIMIT = 10", "LIMIT = 10.5")),
            ("util.ln", UTIL.into()),
        ],
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
        // A type error in a body, then fixed.
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.replace("return 2", "return \"2\"")),
        ],
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
        // A function added to one module moves the ids of the others.
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", format!("fn first() {{}}\n{LIB}")),
            ("util.ln", UTIL.into()),
        ],
        // The importer's variable is typed by the imported module's use of it.
        [
            ("main.ln", format!("{MAIN}pub let SHARED = [1, 2]\n")),
            (
                "lib.ln",
                format!("import main\n{LIB}fn k() -> int {{ return main.SHARED[0] }}\n"),
            ),
            ("util.ln", UTIL.into()),
        ],
        [
            ("main.ln", format!("{MAIN}pub let SHARED = [1, 2]\n")),
            (
                "lib.ln",
                format!("import main\n{LIB}fn k() -> int {{ return main.SHARED[1] }}\n"),
            ),
            ("util.ln", UTIL.into()),
        ],
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
    ];
    for step in &steps {
        let files: Vec<(&'static str, &str)> = step.iter().map(|(name, text)| (*name, text.as_str())).collect();
        check_both(&mut cache, &files);
    }
}
