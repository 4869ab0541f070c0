//! The fast parser against the chumsky parser (`lang_compiler::syntax`): for every `.ln` file
//! of the repository, the book's `ln` blocks, the fuzz seeds, generated programs, a large
//! `bench/gen_check_program.py` program, and thousands of one-token mutants of those, the
//! fast parser must build exactly chumsky's tree (spans included) when chumsky reports no
//! error, and must give up when chumsky reports one. It must also be the one used for
//! nearly every error-free file, or it would be slow for nothing.

use std::path::{Path, PathBuf};

use lang_compiler::source::FileId;
use lang_compiler::syntax::token::Token;
use lang_compiler::syntax::{fast_parser, parser, tokens_for_parsers};

/// What the comparisons found.
#[derive(Default)]
struct Tally {
    /// Files chumsky parses without error.
    clean: usize,
    /// Of those, the ones the fast parser left to chumsky.
    left_to_chumsky: Vec<String>,
    /// Files with a syntax error (the fast parser gave up on each, or the test failed).
    erroneous: usize,
}

/// Compares the two parsers on `source`; panics with `name` and the first difference.
fn compare(name: &str, source: &str, tally: &mut Tally) {
    let Some((tokens, _)) = tokens_for_parsers(source, FileId(0)) else {
        return;
    };
    let (expected, diagnostics) = parser::parse(&tokens, source.len(), FileId(0));
    // An invalid token is reported by the lexer, and the chumsky parser leaves it out of its
    // own diagnostics; the tree has an error node all the same.
    let chumsky_clean = diagnostics.is_empty() && !tokens.iter().any(|(token, _)| *token == Token::Error);
    let fast = fast_parser::parse(&tokens, source.len());
    if !chumsky_clean {
        tally.erroneous += 1;
        assert!(
            fast.is_none(),
            "{name}: the chumsky parser reports {:?}, but the fast parser accepted the file:\n{source}",
            diagnostics.first().map(|diagnostic| &diagnostic.message)
        );
        return;
    }
    tally.clean += 1;
    match fast {
        None => tally.left_to_chumsky.push(name.to_string()),
        Some(module) if module == expected => {}
        Some(module) => {
            let fast_text = format!("{module:#?}");
            let expected_text = format!("{expected:#?}");
            let first_difference = fast_text
                .lines()
                .zip(expected_text.lines())
                .enumerate()
                .find(|(_, (fast_line, chumsky_line))| fast_line != chumsky_line)
                .map(|(index, (fast_line, chumsky_line))| {
                    let context: Vec<&str> = expected_text.lines().skip(index.saturating_sub(12)).take(12).collect();
                    format!(
                        "line {index} of the debug trees:\n  fast:    {fast_line}\n  chumsky: {chumsky_line}\nafter:\n{}",
                        context.join("\n")
                    )
                })
                .unwrap_or_else(|| "the trees differ in length".to_string());
            panic!("{name}: the fast parser's tree differs from chumsky's; {first_difference}\nsource:\n{source}");
        }
    }
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every file under `folder` (recursively) whose name ends with `extension`, sorted.
fn files_under(folder: &Path, extension: Option<&str>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if extension.is_none_or(|extension| path.extension().is_some_and(|found| found == extension)) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The `ln` code blocks of a Markdown page.
fn ln_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim_start().starts_with("```ln") => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_start().starts_with("```") => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// The sources of the corpus: repository files, book blocks and fuzz seeds, with their names.
fn corpus() -> Vec<(String, String)> {
    let root = repository();
    let mut sources = Vec::new();
    for folder in ["tests/cases", "examples", "bench", "stdlib"] {
        for path in files_under(&root.join(folder), Some("ln")) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                sources.push((path.display().to_string(), text));
            }
        }
    }
    for path in files_under(&root.join("book/src"), Some("md")) {
        if let Ok(text) = std::fs::read_to_string(&path) {
            for (index, block) in ln_blocks(&text).into_iter().enumerate() {
                sources.push((format!("{} block {index}", path.display()), block));
            }
        }
    }
    for path in files_under(&root.join("fuzz/seeds"), None) {
        if let Ok(bytes) = std::fs::read(&path)
            && let Ok(text) = String::from_utf8(bytes)
        {
            sources.push((path.display().to_string(), text));
        }
    }
    sources
}

/// A small seeded generator (xorshift64*), so that the mutants are the same on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// Runs `body` on a thread with a large stack: the chumsky parser of a deeply nested fuzz seed
/// needs more than a test thread's default.
fn with_large_stack(body: impl FnOnce() + Send) {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(scope, body)
            .expect("spawn the test thread")
            .join()
            .expect("the comparison panicked");
    });
}

#[test]
fn the_corpus_parses_the_same() {
    with_large_stack(|| {
        let mut tally = Tally::default();
        for (name, source) in corpus() {
            compare(&name, &source, &mut tally);
        }
        report_and_check_use(&tally, "corpus");
    });
}

#[test]
fn generated_programs_parse_the_same() {
    with_large_stack(|| {
        let mut tally = Tally::default();
        for seed in 0..300 {
            compare(
                &format!("generated seed {seed}"),
                &lang_tests::generator::program(seed),
                &mut tally,
            );
        }
        report_and_check_use(&tally, "generated");
        assert!(
            tally.left_to_chumsky.is_empty(),
            "left to chumsky: {:?}",
            tally.left_to_chumsky
        );
    });
}

/// A 20,000-line program of `bench/gen_check_program.py` (when Python is there to make it).
#[test]
fn a_large_benchmark_program_parses_the_same() {
    let folder = tempfile::tempdir().expect("scratch folder");
    let made = std::process::Command::new("python3")
        .arg(repository().join("bench/gen_check_program.py"))
        .arg(folder.path())
        .args(["--lines", "20000", "--modules", "10"])
        .output();
    match made {
        Ok(output) if output.status.success() => {}
        _ => {
            eprintln!("python3 could not run bench/gen_check_program.py: skipped");
            return;
        }
    }
    with_large_stack(|| {
        let mut tally = Tally::default();
        for path in files_under(folder.path(), Some("ln")) {
            let text = std::fs::read_to_string(&path).expect("read a generated module");
            compare(&path.display().to_string(), &text, &mut tally);
        }
        assert!(tally.clean >= 10, "the generated modules are error-free");
        assert!(
            tally.left_to_chumsky.is_empty(),
            "left to chumsky: {:?}",
            tally.left_to_chumsky
        );
    });
}

/// One-token mutants of the error-free corpus files: a token deleted or doubled. Most have a
/// syntax error, which the fast parser must not accept.
#[test]
fn mutants_parse_the_same_or_are_left_to_chumsky() {
    with_large_stack(|| {
        let sources: Vec<(String, String)> = corpus()
            .into_iter()
            .filter(|(_, source)| source.len() < 4000)
            .filter(|(_, source)| {
                tokens_for_parsers(source, FileId(0)).is_some_and(|(tokens, _)| {
                    !tokens.is_empty() && parser::parse(&tokens, source.len(), FileId(0)).1.is_empty()
                })
            })
            .collect();
        assert!(!sources.is_empty());
        let mut random = Random(0x5eed_1234_abcd_0001);
        let mut tally = Tally::default();
        for index in 0..4000 {
            let (name, source) = &sources[random.below(sources.len())];
            let Some((tokens, _)) = tokens_for_parsers(source, FileId(0)) else {
                continue;
            };
            let span = tokens[random.below(tokens.len())].1.range();
            let doubled = random.below(2) == 0;
            let mutant = if doubled {
                format!("{}{}", &source[..span.end], &source[span.start..])
            } else {
                format!("{}{}", &source[..span.start], &source[span.end..])
            };
            let what = if doubled { "doubled" } else { "deleted" };
            compare(
                &format!("mutant {index} of {name} ({what} bytes {span:?})"),
                &mutant,
                &mut tally,
            );
        }
        eprintln!(
            "mutants: {} error-free, {} with errors, {} error-free ones left to chumsky",
            tally.clean,
            tally.erroneous,
            tally.left_to_chumsky.len()
        );
    });
}

/// Prints the tally and checks that the fast parser took at least 99% of the error-free files.
fn report_and_check_use(tally: &Tally, what: &str) {
    eprintln!(
        "{what}: {} error-free files, {} with errors; left to chumsky: {:?}",
        tally.clean, tally.erroneous, tally.left_to_chumsky
    );
    assert!(
        tally.left_to_chumsky.len() * 100 <= tally.clean,
        "{what}: the fast parser left {} of {} error-free files to chumsky: {:?}",
        tally.left_to_chumsky.len(),
        tally.clean,
        tally.left_to_chumsky
    );
}
