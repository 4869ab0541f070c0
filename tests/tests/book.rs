//! Every ```ln code block of the book is a complete program that `lang check` accepts, so
//! the book cannot drift from the compiler. Blocks showing rejected code are marked ```text.
//! A block whose first line is `// file: NAME.ln` is also a module that later blocks of the
//! same page may import.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lang_compiler::{LoadError, SourceLoader};

/// Serves the block under test as `main.ln` and the page's named blocks as its siblings.
struct PageFiles<'a> {
    main: String,
    modules: &'a HashMap<String, String>,
}

impl SourceLoader for PageFiles<'_> {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        if path == Path::new("main.ln") {
            return Ok(self.main.clone());
        }
        let name = path.to_string_lossy();
        self.modules.get(name.as_ref()).cloned().ok_or(LoadError::NotFound)
    }
}

/// The ```ln blocks of a Markdown file, with the line each starts on.
fn ln_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed.starts_with("```ln") => current = Some((index + 1, String::new())),
            Some(_) if trimmed.starts_with("```") => blocks.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn every_ln_block_in_the_book_checks() {
    let source_folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../book/src");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&source_folder)
        .expect("book/src exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    pages.sort();
    let mut checked = 0;
    let mut failures = Vec::new();
    for page in pages {
        let markdown = std::fs::read_to_string(&page).expect("book pages are UTF-8");
        let mut modules = HashMap::new();
        for (line, code) in ln_blocks(&markdown) {
            if let Some(name) = code.lines().next().and_then(|first| first.strip_prefix("// file: ")) {
                modules.insert(name.trim().to_string(), code.clone());
            }
            let mut files = PageFiles {
                main: code,
                modules: &modules,
            };
            let result = lang_compiler::check_program(Path::new("main.ln"), &mut files).expect("in-memory file loads");
            checked += 1;
            if result.has_errors() {
                let rendered = lang_compiler::diagnostics::render(&result.diagnostics, &result.sources, false);
                failures.push(format!("{}:{line}:\n{rendered}", page.display()));
            }
        }
    }
    assert!(
        checked >= 10,
        "expected the book to have code examples, found {checked}"
    );
    assert!(
        failures.is_empty(),
        "book examples that do not check:\n{}",
        failures.join("\n")
    );
}
