//! How the reports of a hot-reload session reach the user (LANGUAGE.md section 7 items 8 and
//! 11–13). The session says WHAT happened through this API — a reload line or another
//! message (`message`), a rejected reload (`rejected`), a runtime error (`runtime_error`),
//! the wait for a fix and its end (`waiting`, `resumed`), a version swapped in (`swapped`) —
//! and this module decides WHERE it goes:
//! - stderr as lines, byte for byte as the session wrote them, while the program does not
//!   use the terminal as a screen;
//! - while it does (raw mode, or `term.fullscreen(true)`), a status bar and an error box
//!   over the picture (`screen`, laid out by `layout`), and stderr too only when stderr is
//!   not that terminal;
//! - and always, with `LANG_HMR_LOG`, the log file (`log`).
//!
//! It also keeps the state the stdlib's `hmr` module reads (in the core, so that module
//! works without hot reload too). Embedded sessions (`engine/`) collect their messages
//! instead and do not come here.

mod layout;
mod log;
mod overlay;
mod screen;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use lang_runtime_core::output::{redraw_overlay, set_overlay_painter, set_overlay_shown};
use lang_runtime_core::terminal::{discard_typed_input, screen_mode};

use overlay::{Overlay, overlay};

/// Reports go through here (a `lang run --hmr` or `lang build --hmr` session, not embedded).
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Starts reporting for this process's session: opens the log of `LANG_HMR_LOG`, and sets
/// the overlay painter and the `hmr` module's state. An error says the log cannot be opened.
pub fn install() -> Result<(), String> {
    log::open_from_environment()?;
    set_overlay_painter(screen::paint);
    lang_runtime_core::abi::set_hmr_active(overlay_turned);
    INSTALLED.store(true, Ordering::SeqCst);
    Ok(())
}

/// Appends every report to `path` (`lang run --hmr-log FILE`); an error says why it cannot.
pub fn set_log_file(path: &std::path::Path) -> Result<(), String> {
    log::open(path)
}

/// `hmr.overlay(on)`: erase the overlay now, or draw it again.
fn overlay_turned(_on: bool) {
    redraw_overlay();
}

/// Whether reports go to the overlay instead of stderr lines.
fn on_screen() -> bool {
    INSTALLED.load(Ordering::SeqCst) && screen_mode()
}

/// Whether stderr is the very terminal stdout is (then the overlay is where reports go).
fn stderr_is_the_screen() -> bool {
    static SAME: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SAME.get_or_init(|| {
        let device = |fd| {
            // SAFETY: stat is plain data, filled by fstat or left zeroed.
            let mut stat: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: a valid stat pointer; an invalid fd fails harmlessly.
            let ok = unsafe { libc::fstat(fd, &mut stat) } == 0 && unsafe { libc::isatty(fd) } == 1;
            ok.then_some(stat.st_rdev)
        };
        matches!((device(1), device(2)), (Some(out), Some(err)) if out == err)
    })
}

/// Writes a report to the log, and to stderr unless the overlay shows it on stderr's own
/// terminal.
fn deliver(text: &str) {
    log::append(text);
    if !on_screen() || !stderr_is_the_screen() {
        // After `write("score: ")` the report would start mid-line on the terminal both
        // streams share: it starts on a line of its own.
        let new_line = stderr_is_the_screen() && lang_runtime_core::output::take_unfinished_line();
        let _ = std::io::stderr().write_all(if new_line { "\n" } else { "" }.as_bytes());
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// Changes what the overlay shows, then draws it if the program is full-screen.
fn update(change: impl FnOnce(&mut Overlay)) {
    change(&mut overlay());
    set_overlay_shown(true);
    if on_screen() {
        redraw_overlay();
    }
}

/// A reload line, a warning or another message of the session (one or more lines).
pub fn message(text: &str) {
    deliver(text);
    let line = layout::first_line(text);
    update(|overlay| {
        overlay.last_line = Some(line);
        overlay.last_runtime_error = None;
    });
}

/// A rejected reload: the report stays in the box (and in `hmr.pending_error()`) until the
/// next successful reload.
pub fn rejected(text: &str) {
    deliver(text);
    set_pending(Some(text.to_string()));
}

/// The report in the box and in `hmr.pending_error()` (as plain text: a program that draws
/// its own report measures and cuts it).
fn set_pending(text: Option<String>) {
    lang_runtime_core::abi::set_pending_error(text.as_deref().map(layout::plain_text));
    update(|overlay| overlay.pending = text);
}

/// A runtime error's report (the program then waits for a fix, or, when a reload's
/// migration failed, goes on with the previous version).
pub fn runtime_error(text: &str) {
    rejected(text);
    let text = text.to_string();
    update(|overlay| overlay.last_runtime_error = Some(text));
}

/// A reload was abandoned after its migration's error (`runtime_error`): the line that says
/// so goes to the box too, under that report, as it follows it on stderr.
pub fn abandoned(text: &str) {
    deliver(text);
    let pending = {
        let mut overlay = overlay();
        overlay.last_runtime_error = None;
        overlay.pending.clone()
    };
    set_pending(Some(pending.unwrap_or_default() + text));
}

/// A rejected edit was undone: the running version is the files' text again. A program that
/// waits after a runtime error still does: its report comes back to the box.
pub fn back_to_running(text: &str) {
    deliver(text);
    let line = layout::first_line(text);
    let waiting_after = {
        let mut overlay = overlay();
        overlay.last_line = Some(line);
        overlay.waiting.then(|| overlay.waiting_after.clone()).flatten()
    };
    set_pending(waiting_after);
}

/// The program stopped after a runtime error or Ctrl-C and waits for a fix.
pub fn waiting() {
    update(|overlay| {
        overlay.waiting = true;
        overlay.drawn_for_size = Some(lang_runtime_core::terminal::terminal_size());
        if let Some(report) = overlay.last_runtime_error.take() {
            overlay.waiting_after = Some(report);
        }
    });
}

/// While the program waits, nothing it draws repaints the overlay: after the terminal was
/// resized (which may have cleared or moved the picture) it is drawn again.
pub fn redraw_if_resized() {
    if !on_screen() {
        return;
    }
    let size = lang_runtime_core::terminal::terminal_size();
    let resized = {
        let mut overlay = overlay();
        let resized = overlay.drawn_for_size.is_some_and(|drawn| drawn != size);
        overlay.drawn_for_size = Some(size);
        resized
    };
    if resized {
        redraw_overlay();
    }
}

/// A new version was swapped in (before its initializers and `on_reload` run): it counts in
/// `hmr.version()` and the box goes away.
pub fn swapped() {
    lang_runtime_core::abi::count_hmr_reload();
    lang_runtime_core::abi::set_pending_error(None);
    update(|overlay| {
        overlay.pending = None;
        overlay.waiting = false;
        overlay.waiting_after = None;
        overlay.last_runtime_error = None;
    });
}

/// The program goes on after waiting: keys typed meanwhile are dropped, not delivered.
pub fn resumed() {
    if on_screen() {
        discard_typed_input();
    }
    update(|overlay| {
        overlay.waiting = false;
        overlay.waiting_after = None;
    });
}
