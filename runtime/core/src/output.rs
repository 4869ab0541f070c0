//! Standard output as compiled code writes it: one buffer shared by the script thread and the
//! Ctrl-C thread (which flushes it before exiting), flushed when full, at every newline when
//! standard output is a terminal, and when the program ends. A leaf: it uses no other file of
//! the runtime.
//!
//! Hot reload knowledge: the overlay (`set_overlay_painter`, `redraw_overlay`,
//! `erase_overlay`). While a full-screen program runs under hot reload, the status bar and
//! the error box are painted again after every flush of the program's output, so its frames
//! do not hide them (LANGUAGE.md section 7 item 11); painting happens under the output lock,
//! never in the middle of the program's own bytes. Without hot reload no painter is set and
//! a flush costs one relaxed load more.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// What the overlay painter is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverlayPaint {
    /// Draw the status bar and box again (the program's output may have covered them).
    Redraw,
    /// Blank every cell the overlay covers and forget it (the program leaves the screen).
    Erase,
}

/// Paints the overlay into standard output (already locked); set by hot reload.
pub type OverlayPainter = fn(OverlayPaint, &mut dyn Write);

static OVERLAY_PAINTER: std::sync::OnceLock<OverlayPainter> = std::sync::OnceLock::new();
/// Whether there is an overlay to paint: the one check a flush makes.
static OVERLAY_SHOWN: AtomicBool = AtomicBool::new(false);

/// Sets the painter of the hot-reload overlay (once per process).
pub fn set_overlay_painter(painter: OverlayPainter) {
    let _ = OVERLAY_PAINTER.set(painter);
}

/// Says whether the overlay has something to paint after each flush.
pub fn set_overlay_shown(shown: bool) {
    OVERLAY_SHOWN.store(shown, Ordering::SeqCst);
}

/// Paints the overlay now, between two flushes of the program's output (any thread).
pub fn redraw_overlay() {
    paint_overlay(OverlayPaint::Redraw, false);
}

/// Blanks the overlay's cells (leaving the screen, or at exit). Never waits for the output
/// lock: a panic while it was held must still be able to put the terminal back.
pub fn erase_overlay() {
    paint_overlay(OverlayPaint::Erase, true);
}

fn paint_overlay(paint: OverlayPaint, only_if_free: bool) {
    let Some(painter) = OVERLAY_PAINTER.get() else { return };
    let mut buffer = if only_if_free {
        match OUTPUT.try_lock() {
            Ok(buffer) => buffer,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return,
        }
    } else {
        OUTPUT.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    let mut stdout = std::io::stdout().lock();
    // The program's pending bytes first, so the overlay lands on top of them.
    let _ = stdout.write_all(&buffer);
    note_last_line(&buffer);
    buffer.clear();
    painter(paint, &mut stdout);
    let _ = stdout.flush();
}

/// Whether the last bytes written to standard output left a line unfinished (`write("x")`):
/// a hot-reload report written to the same terminal then starts on a line of its own.
static ENDS_MID_LINE: AtomicBool = AtomicBool::new(false);

fn note_last_line(written: &[u8]) {
    if let Some(&last) = written.last() {
        ENDS_MID_LINE.store(last != b'\n', Ordering::Relaxed);
    }
}

/// Whether standard output's last line is unfinished; the caller is about to end it (on the
/// same terminal), so it counts as finished after this.
pub fn take_unfinished_line() -> bool {
    ENDS_MID_LINE.swap(false, Ordering::Relaxed)
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

/// Flushes standard output unless another holder of the buffer is in the middle of it (or
/// this thread is: a panic while flushing), in which case nothing is done.
pub fn flush_output_if_free() {
    match OUTPUT.try_lock() {
        Ok(mut buffer) => flush_buffer(&mut buffer),
        Err(std::sync::TryLockError::Poisoned(poisoned)) => flush_buffer(&mut poisoned.into_inner()),
        Err(std::sync::TryLockError::WouldBlock) => {}
    }
}

fn flush_buffer(buffer: &mut Vec<u8>) {
    if buffer.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let mut result = stdout.write_all(buffer);
    note_last_line(buffer);
    if OVERLAY_SHOWN.load(Ordering::Relaxed)
        && let Some(painter) = OVERLAY_PAINTER.get()
    {
        painter(OverlayPaint::Redraw, &mut stdout);
    }
    result = result.and_then(|()| stdout.flush());
    buffer.clear();
    if let Err(error) = result {
        // The reader went away (a closed pipe): nothing more can be shown, so end the program
        // the way a runtime error does rather than looping on failed writes.
        let _ = writeln!(std::io::stderr(), "error: cannot write to standard output: {error}");
        std::process::exit(crate::RUNTIME_ERROR_EXIT_CODE);
    }
}
