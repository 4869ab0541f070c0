//! Every ```ln code block of the book is a complete program that `lang check` accepts, so
//! the book cannot drift from the compiler. Blocks showing rejected code are marked ```text.
//! A block whose first line is `// file: NAME.ln` is also a module that later blocks of the
//! same page may import.
//!
//! Every ```ln block that defines `fn main` is also run, through the real command line: as
//! `lang run main.ln` in a scratch folder holding the block as `main.ln` and the page's
//! `// file:` blocks so far under their names, with standard input empty (so not a terminal),
//! `LANG_MAX_HEAP=64M` and a deadline of 10 seconds. It must exit with code 0 and write
//! nothing to standard error. So a program meant to be edited while it runs must end on its
//! own when nobody plays it: give its loop a frame limit, or stop after a few frames when
//! `term.raw_mode(true)` says standard input is not a terminal (as the tutorial does).
//! Standard output is not compared: a ```text block after a program, showing
//! `$ lang run ...` and its output, is for the reader.
//!
//! A block that should end otherwise says so with a marker as its first line (or among the
//! comment lines it starts with, such as after `// file: NAME.ln`):
//!
//! - `// expect-exit: N` — the program must exit with code `N`: `// expect-exit: 101` for
//!   one that shows a runtime error (its standard error must then start with the `error:`
//!   report), `// expect-exit: 2` for one that calls `exit(2)`.
//! - `// expect-exit: never` — the program runs until it is stopped (a `--hmr` demo, a
//!   Ctrl-C demo): it must still be running, with nothing on standard error, after one
//!   second; then it is killed.
//!
//! The marker is part of the program the reader sees, so when a marker is added, the line
//! numbers that the page quotes from that program (error locations, diagnostics) move down
//! by one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lang_compiler::{LoadError, SourceLoader};

/// How long one book program may run.
const DEADLINE: Duration = Duration::from_secs(10);

/// The heap limit (`LANG_MAX_HEAP`) of a book program: plenty for an example, and a program
/// that shows running out of memory does so quickly.
const HEAP_LIMIT: &str = "64M";

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

/// One ```ln block, with the modules its page defined up to and including it.
struct Block {
    /// `page.md:LINE`, for messages.
    place: String,
    code: String,
    modules: HashMap<String, String>,
}

impl Block {
    /// The module name of a `// file: NAME.ln` block.
    fn file_name(&self) -> Option<&str> {
        self.code
            .lines()
            .next()
            .and_then(|first| first.strip_prefix("// file: "))
            .map(str::trim)
    }

    fn defines_main(&self) -> bool {
        self.code.lines().any(|line| line.starts_with("fn main("))
    }

    /// What an `// expect-exit:` marker in the block's leading comment lines asks for.
    fn expect(&self) -> Expect {
        for line in self.code.lines() {
            let Some(comment) = line.trim().strip_prefix("//") else {
                break;
            };
            if let Some(value) = comment.trim().strip_prefix("expect-exit:") {
                let value = value.trim();
                if value == "never" {
                    return Expect::Never;
                }
                return Expect::Exit(
                    value
                        .parse()
                        .unwrap_or_else(|_| panic!("{}: `// expect-exit:` takes a number or `never`", self.place)),
                );
            }
        }
        Expect::Exit(0)
    }
}

/// Every ```ln block of every page of the book, in page order.
fn book_blocks() -> Vec<Block> {
    let source_folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../book/src");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&source_folder)
        .expect("book/src exists")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    pages.sort();
    let mut blocks = Vec::new();
    for page in pages {
        let markdown = std::fs::read_to_string(&page).expect("book pages are UTF-8");
        let page_name = page
            .file_name()
            .expect("a page has a name")
            .to_string_lossy()
            .into_owned();
        let mut modules = HashMap::new();
        for (line, code) in ln_blocks(&markdown) {
            let mut block = Block {
                place: format!("{page_name}:{line}"),
                code,
                modules: HashMap::new(),
            };
            if let Some(name) = block.file_name() {
                modules.insert(name.to_string(), block.code.clone());
            }
            block.modules = modules.clone();
            blocks.push(block);
        }
    }
    blocks
}

#[test]
fn every_ln_block_in_the_book_checks() {
    let blocks = book_blocks();
    let mut failures = Vec::new();
    for block in &blocks {
        let mut files = PageFiles {
            main: block.code.clone(),
            modules: &block.modules,
        };
        let result = lang_compiler::check_program(Path::new("main.ln"), &mut files).expect("in-memory file loads");
        // A `// file:` block is a module for later blocks: it needs no `main`.
        let is_module = block.code.starts_with("// file: ");
        let errors: Vec<_> = result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.is_error())
            .filter(|diagnostic| !(is_module && diagnostic.code == lang_compiler::Code::MissingMain))
            .cloned()
            .collect();
        if !errors.is_empty() {
            let rendered = lang_compiler::diagnostics::render(&errors, &result.sources, false);
            failures.push(format!("{}:\n{rendered}", block.place));
        }
    }
    assert!(
        blocks.len() >= 10,
        "expected the book to have code examples, found {}",
        blocks.len()
    );
    assert!(
        failures.is_empty(),
        "book examples that do not check:\n{}",
        failures.join("\n")
    );
}

/// What the marker at the top of a block expects of its run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// `// expect-exit: N`, or no marker for 0.
    Exit(i32),
    /// `// expect-exit: never`: still running, silently, after [`NEVER_WINDOW`].
    Never,
}

/// How long a program marked `// expect-exit: never` is watched before it is stopped.
const NEVER_WINDOW: Duration = Duration::from_secs(1);

/// What running a block printed and how it ended.
struct Outcome {
    stdout: String,
    stderr: String,
    exit_code: Option<i32>,
    timed_out: bool,
}

/// Runs `lang run main.ln` in `folder` the way a reader would, but with standard input empty,
/// no colour and a small heap limit; stops it after `deadline`.
fn run_main(folder: &Path, deadline: Duration) -> Outcome {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_lang-for-tests"))
        .args(["run", "main.ln"])
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .env("LANG_MAX_HEAP", HEAP_LIMIT)
        .env_remove("LANG_HMR")
        .env(
            "XDG_CACHE_HOME",
            lang_tests::test_cache_home(Path::new(env!("CARGO_BIN_EXE_lang-for-tests"))),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lang binary can be started");
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = read_all(Box::new(child.stderr.take().expect("piped stderr")));
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on lang") {
            break status;
        }
        if started.elapsed() > deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("waiting on a killed lang");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Outcome {
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        exit_code: status.code(),
        timed_out,
    }
}

/// Runs one block in its own scratch folder; a description of what went wrong, if anything.
fn run_block(block: &Block, index: usize) -> Option<String> {
    let scratch_folder = tempfile::Builder::new()
        .prefix(&format!("lang-book-{index}-"))
        .tempdir()
        .expect("scratch folder");
    let folder = scratch_folder.path();
    for (name, code) in &block.modules {
        std::fs::write(folder.join(name), code).expect("module file");
    }
    std::fs::write(folder.join("main.ln"), &block.code).expect("main file");
    let expect = block.expect();
    let outcome = run_main(
        folder,
        if expect == Expect::Never {
            NEVER_WINDOW
        } else {
            DEADLINE
        },
    );
    drop(scratch_folder);
    let problem = match expect {
        Expect::Never if !outcome.timed_out => format!(
            "ended (exit code {:?}) within {} ms, but is marked `// expect-exit: never`",
            outcome.exit_code,
            NEVER_WINDOW.as_millis()
        ),
        Expect::Never if !outcome.stderr.is_empty() => "wrote to standard error".to_string(),
        Expect::Never => return None,
        Expect::Exit(_) if outcome.timed_out => format!(
            "still running after {} s (a program that runs until stopped needs a frame limit or \
             `// expect-exit: never`)",
            DEADLINE.as_secs()
        ),
        Expect::Exit(code) if outcome.exit_code != Some(code) => {
            format!("exit code {:?}, expected {code}", outcome.exit_code)
        }
        Expect::Exit(0) if !outcome.stderr.is_empty() => "wrote to standard error".to_string(),
        Expect::Exit(101) if !outcome.stderr.starts_with("error: ") => {
            "exit code 101 without an `error:` report".to_string()
        }
        Expect::Exit(_) => return None,
    };
    Some(format!(
        "{}: {problem}\n--- stderr (start):\n{}\n--- stdout (start):\n{}\n",
        block.place,
        outcome.stderr.chars().take(1000).collect::<String>(),
        outcome.stdout.chars().take(500).collect::<String>()
    ))
}

#[test]
fn every_ln_block_with_main_runs() {
    let blocks: Vec<Block> = book_blocks().into_iter().filter(Block::defines_main).collect();
    // Most book programs spend their time sleeping (frame loops, `expect-exit: never`), so
    // run a few more at once than there are cores.
    let workers = std::thread::available_parallelism().map_or(2, usize::from).clamp(4, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(block) = blocks.get(index) else {
                        break;
                    };
                    if let Some(failure) = run_block(block, index) {
                        failures.lock().unwrap().push((index, failure));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        blocks.len() >= 10,
        "expected the book to have runnable examples, found {}",
        blocks.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} book programs did not run as expected:\n{}",
        failures.len(),
        blocks.len(),
        failures
            .into_iter()
            .map(|(_, failure)| failure)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
