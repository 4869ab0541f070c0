//! How `lang` writes to the terminal: colour decisions, diagnostics and fatal messages.

use std::io::{IsTerminal, Write};

use lang_compiler::{Diagnostic, SourceMap, diagnostics};

/// Whether diagnostics on stderr should be coloured: only on a terminal, and never when
/// `NO_COLOR` is set (to anything non-empty, as no-color.org says).
pub fn stderr_color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    !no_color && std::io::stderr().is_terminal()
}

/// Writes rendered diagnostics to stderr.
pub fn print_diagnostics(diagnostics: &[Diagnostic], sources: &SourceMap) {
    let text = diagnostics::render(diagnostics, sources, stderr_color());
    let mut stderr = std::io::stderr().lock();
    // If stderr is closed there is nobody to tell; the exit code still says what happened.
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Writes `text` to stdout and flushes it; when stdout cannot take it (a pipe closed early, as
/// in `lang fmt --check . | head -1`, or a full disk) says so on stderr and returns false, so
/// that the command exits 1 instead of losing its output silently (or panicking, as
/// `println!` does).
pub fn write_stdout(text: &str) -> bool {
    use std::io::Write;
    if stdout_failed() {
        return false;
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => true,
        Err(error) => {
            STDOUT_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
            print_error(&format!("cannot write to standard output: {error}"));
            false
        }
    }
}

static STDOUT_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a write to stdout failed (said once): a command stops writing there.
pub fn stdout_failed() -> bool {
    STDOUT_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Writes a one-line error, for problems that have no source location.
pub fn print_error(message: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {message}");
}

/// Reports a failure of `lang` itself (not of the user's program).
pub fn print_internal_error(message: &str) {
    print_error(&format!(
        "internal compiler error: {message}\nthis is a bug in lang; please report it with the program that caused it"
    ));
}

/// A bug in `lang` itself must not look like a crash of the user's program: replace Rust's
/// panic message with an explanation and a request for a report.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|location| format!(" at {}:{}", location.file(), location.line()))
            .unwrap_or_default();
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        print_error(&format!(
            "internal compiler error{location}: {payload}\nthis is a bug in lang; please report it with the program that caused it"
        ));
    }));
}
