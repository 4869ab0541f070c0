//! Every diagnostic code has at least one case file named after it under `tests/cases/`, and
//! the book's diagnostics chapter documents every code.

#[test]
fn every_diagnostic_code_has_a_case_and_a_book_entry() {
    let mut case_names = Vec::new();
    for stage in std::fs::read_dir(lang_tests::cases_dir())
        .expect("cases folder")
        .filter_map(Result::ok)
        // Stage folders only: `fmt-exclude.txt` lives beside them.
        .filter(|stage| stage.path().is_dir())
    {
        for entry in std::fs::read_dir(stage.path())
            .expect("stage folder")
            .filter_map(Result::ok)
        {
            case_names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    let book = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../book/src/diagnostics.md"))
        .expect("the book has a diagnostics chapter");
    for code in lang_compiler::Code::ALL {
        let prefix = format!("{}_", code.as_str().to_ascii_lowercase());
        assert!(
            case_names.iter().any(|name| name.starts_with(&prefix)),
            "no case file under tests/cases is named `{prefix}...`"
        );
        assert!(
            book.contains(code.as_str()),
            "book/src/diagnostics.md does not document {}",
            code.as_str()
        );
    }
}
