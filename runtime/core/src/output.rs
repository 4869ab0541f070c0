//! Standard output as compiled code writes it: one buffer shared by the script thread and the
//! Ctrl-C thread (which flushes it before exiting), flushed when full, at every newline when
//! standard output is a terminal, and when the program ends. A leaf: it uses no other file of
//! the runtime.

use std::io::Write;
use std::sync::Mutex;

/// Buffered standard output, shared with the Ctrl-C thread so it can flush before exiting.
pub static OUTPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

const OUTPUT_BUFFER_LIMIT: usize = 1 << 16;

/// Whether standard output is flushed at every newline: when it is a terminal, so a person
/// watching sees each line as it is printed (pipes and files get the fast, buffered path).
static LINE_BUFFERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Sets line buffering explicitly (hot reload flushes after every line, LANGUAGE.md 5).
pub fn set_line_buffered(on: bool) {
    let _ = LINE_BUFFERED.set(on);
}

fn line_buffered() -> bool {
    *LINE_BUFFERED.get_or_init(|| {
        use std::io::IsTerminal;
        std::io::stdout().is_terminal()
    })
}

pub fn write_output(bytes: &[u8]) {
    let mut buffer = OUTPUT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    buffer.extend_from_slice(bytes);
    if buffer.len() >= OUTPUT_BUFFER_LIMIT || (line_buffered() && bytes.contains(&b'\n')) {
        flush_buffer(&mut buffer);
    }
}

pub fn flush_output() {
    let mut buffer = OUTPUT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    flush_buffer(&mut buffer);
}

fn flush_buffer(buffer: &mut Vec<u8>) {
    if buffer.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let result = stdout.write_all(buffer).and_then(|()| stdout.flush());
    buffer.clear();
    if let Err(error) = result {
        // The reader went away (a closed pipe): nothing more can be shown, so end the program
        // the way a runtime error does rather than looping on failed writes.
        let _ = writeln!(std::io::stderr(), "error: cannot write to standard output: {error}");
        std::process::exit(crate::RUNTIME_ERROR_EXIT_CODE);
    }
}
