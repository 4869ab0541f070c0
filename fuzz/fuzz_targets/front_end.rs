//! Fuzz target: arbitrary bytes as a `main.ln` through the whole front end (lexer, parser,
//! name resolution, type checking, diagnostics rendering). It must return diagnostics (or a
//! valid program), never panic, never overflow its stack, and never take long (libFuzzer's
//! `-timeout` bounds each input).
#![no_main]

use std::path::Path;

use lang_compiler::{LoadError, SourceLoader, check_program, diagnostics};
use libfuzzer_sys::fuzz_target;

/// Serves the input as `main.ln`; every other module is missing (stdlib modules are found by
/// the checker itself).
struct OneFile(String);

impl SourceLoader for OneFile {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        if path == Path::new("main.ln") {
            Ok(self.0.clone())
        } else {
            Err(LoadError::NotFound)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The file loader rejects text that is not UTF-8 before the compiler sees it.
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The command line runs the compiler on a thread with a large stack; so does this.
    let text = text.to_string();
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            if let Ok(checked) = check_program(Path::new("main.ln"), &mut OneFile(text)) {
                let _ = diagnostics::render(&checked.diagnostics, &checked.sources, false);
            }
        })
        .expect("thread");
    if worker.join().is_err() {
        panic!("the front end panicked");
    }
});
