//! The editor grammars under `editors/` and the book's highlight.js language stay in step
//! with the lexer: the TextMate grammar is valid JSON, and each grammar's keywords are
//! exactly the lexer's (LANGUAGE.md section 1); and the tree-sitter grammar passes the
//! tree-sitter CLI's own tests (`editors/tree-sitter-lang/test.sh`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_path_buf()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repository().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The keywords of the lexer: its `#[token("word")]` attributes.
fn lexer_keywords() -> BTreeSet<String> {
    let source = read("compiler/src/syntax/lexer.rs");
    let keywords: BTreeSet<String> = source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("#[token(\"")?.strip_suffix("\")]"))
        .filter(|text| text.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_string)
        .collect();
    assert!(
        keywords.len() >= 20,
        "the lexer's keywords were not found: {keywords:?}"
    );
    keywords
}

/// The words of every `\b(a|b|c)\b` alternative in `text`.
fn alternatives(text: &str) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for part in text.split("\\\\b(").skip(1) {
        let Some(group) = part.split(")\\\\b").next() else {
            continue;
        };
        words.extend(group.split('|').map(str::to_string));
    }
    words
}

#[test]
fn the_textmate_grammar_is_json_with_the_lexers_keywords() {
    let text = read("editors/vscode/syntaxes/lang.tmLanguage.json");
    json::validate(&text).unwrap_or_else(|error| panic!("lang.tmLanguage.json is not JSON: {error}"));
    let keyword_section = text
        .split("\"keyword\": {")
        .nth(1)
        .and_then(|rest| rest.split("\"type\": {").next())
        .expect("the grammar has a keyword section before its type section");
    assert_eq!(alternatives(keyword_section), lexer_keywords());
    json::validate(&read("editors/vscode/package.json")).expect("package.json is JSON");
    json::validate(&read("editors/vscode/language-configuration.json")).expect("language-configuration.json is JSON");
}

#[test]
fn the_vim_syntax_has_the_lexers_keywords() {
    let text = read("editors/vim/syntax/lang.vim");
    let words: BTreeSet<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("syn keyword "))
        .filter(|line| !line.starts_with("langType") && !line.starts_with("langTodo"))
        .flat_map(|line| line.split_whitespace().skip(1).map(str::to_string))
        .collect();
    assert_eq!(words, lexer_keywords());
}

#[test]
fn the_books_highlighter_has_the_lexers_keywords() {
    let text = read("book/theme/lang-highlight.js");
    let mut words = BTreeSet::new();
    for key in ["keyword:", "literal:"] {
        let rest = text.split(key).nth(1).expect("a keyword list");
        let list = rest.split('"').nth(1).expect("a quoted list");
        words.extend(list.split_whitespace().map(str::to_string));
    }
    assert_eq!(words, lexer_keywords());
    assert!(
        read("book/book.toml").contains("theme/lang-highlight.js"),
        "book.toml loads the highlighter"
    );
}

#[test]
fn the_tree_sitter_grammar_has_the_lexers_keywords() {
    let grammar = read("editors/tree-sitter-lang/grammar.js");
    let highlights = read("editors/tree-sitter-lang/queries/highlights.scm");
    for keyword in lexer_keywords() {
        assert!(
            grammar.contains(&format!("'{keyword}'")),
            "grammar.js lacks `{keyword}`"
        );
        let highlighted = highlights.contains(&format!("\"{keyword}\""))
            || highlights.contains(&format!("({keyword}_statement)"))
            || matches!(keyword.as_str(), "true" | "false" | "nil");
        assert!(highlighted, "highlights.scm does not highlight `{keyword}`");
    }
    assert!(repository().join("editors/tree-sitter-lang/test/corpus").is_dir());
}

/// `editors/tree-sitter-lang/test.sh` with the tree-sitter CLI: the committed parser is what
/// `grammar.js` generates, the corpus and highlight tests pass, and every program of the
/// repository parses without an error node. Without the CLI (which `.ci/run` installs) the
/// test is skipped with a printed reason, unless `LANG_REQUIRE_EDITOR_TOOLS=1`, where that is
/// a failure.
#[test]
fn the_tree_sitter_grammar_passes_the_tree_sitter_cli_tests() {
    /// The script's exit code when the CLI is not installed and `--no-install` was given.
    const NOT_INSTALLED: i32 = 77;
    let script = repository().join("editors/tree-sitter-lang/test.sh");
    let output = std::process::Command::new("bash")
        .arg(&script)
        .arg("--no-install")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash runs the script");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    match output.status.code() {
        Some(0) => {}
        Some(NOT_INSTALLED) => {
            assert!(
                std::env::var("LANG_REQUIRE_EDITOR_TOOLS").as_deref() != Ok("1"),
                "LANG_REQUIRE_EDITOR_TOOLS=1 requires the tree-sitter CLI: {printed}"
            );
            eprintln!("skipped: {printed}");
        }
        code => panic!("editors/tree-sitter-lang/test.sh failed ({code:?}):\n{printed}"),
    }
}

/// A small JSON validator: enough to tell that a grammar file is well-formed JSON.
mod json {
    pub fn validate(text: &str) -> Result<(), String> {
        let mut parser = Parser {
            bytes: text.as_bytes(),
            position: 0,
        };
        parser.value()?;
        parser.whitespace();
        if parser.position != parser.bytes.len() {
            return Err(format!("text after the value at byte {}", parser.position));
        }
        Ok(())
    }

    struct Parser<'a> {
        bytes: &'a [u8],
        position: usize,
    }

    impl Parser<'_> {
        fn whitespace(&mut self) {
            while self.bytes.get(self.position).is_some_and(u8::is_ascii_whitespace) {
                self.position += 1;
            }
        }

        fn expect(&mut self, byte: u8) -> Result<(), String> {
            self.whitespace();
            if self.bytes.get(self.position) == Some(&byte) {
                self.position += 1;
                Ok(())
            } else {
                Err(format!("expected `{}` at byte {}", byte as char, self.position))
            }
        }

        fn value(&mut self) -> Result<(), String> {
            self.whitespace();
            match self.bytes.get(self.position) {
                Some(b'{') => self.sequence(b'}', true),
                Some(b'[') => self.sequence(b']', false),
                Some(b'"') => self.string(),
                Some(b't') => self.word("true"),
                Some(b'f') => self.word("false"),
                Some(b'n') => self.word("null"),
                Some(byte) if byte.is_ascii_digit() || *byte == b'-' => {
                    while self
                        .bytes
                        .get(self.position)
                        .is_some_and(|byte| byte.is_ascii_digit() || b"+-.eE".contains(byte))
                    {
                        self.position += 1;
                    }
                    Ok(())
                }
                _ => Err(format!("expected a value at byte {}", self.position)),
            }
        }

        fn word(&mut self, word: &str) -> Result<(), String> {
            if self.bytes[self.position..].starts_with(word.as_bytes()) {
                self.position += word.len();
                Ok(())
            } else {
                Err(format!("expected `{word}` at byte {}", self.position))
            }
        }

        fn string(&mut self) -> Result<(), String> {
            self.expect(b'"')?;
            loop {
                match self.bytes.get(self.position) {
                    None => return Err("unterminated string".into()),
                    Some(b'"') => {
                        self.position += 1;
                        return Ok(());
                    }
                    Some(b'\\') => {
                        let escape = self.bytes.get(self.position + 1).copied();
                        if !escape.is_some_and(|byte| b"\"\\/bfnrtu".contains(&byte)) {
                            return Err(format!("bad escape at byte {}", self.position));
                        }
                        self.position += 2;
                    }
                    Some(byte) if *byte < 0x20 => return Err(format!("control character at byte {}", self.position)),
                    Some(_) => self.position += 1,
                }
            }
        }

        fn sequence(&mut self, close: u8, keyed: bool) -> Result<(), String> {
            self.position += 1;
            self.whitespace();
            if self.bytes.get(self.position) == Some(&close) {
                self.position += 1;
                return Ok(());
            }
            loop {
                if keyed {
                    self.whitespace();
                    self.string()?;
                    self.expect(b':')?;
                }
                self.value()?;
                self.whitespace();
                match self.bytes.get(self.position) {
                    Some(b',') => self.position += 1,
                    Some(byte) if *byte == close => {
                        self.position += 1;
                        return Ok(());
                    }
                    _ => return Err(format!("expected `,` or `{}` at byte {}", close as char, self.position)),
                }
            }
        }
    }
}
