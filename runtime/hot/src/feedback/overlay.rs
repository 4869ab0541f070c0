//! What the overlay of a full-screen program shows (the last reload line, the pending
//! report, the waiting state) and what it covered when last drawn: the state shared by the
//! reporting functions (`feedback`) and the painter (`screen`).

use std::sync::{Mutex, MutexGuard};

use super::layout;

/// What the overlay shows and what it covered when last drawn.
#[derive(Default)]
pub(super) struct Overlay {
    /// The first line of the last message (a reload line, usually).
    pub(super) last_line: Option<String>,
    /// The report in the box: a rejected reload or a runtime error, until the next swap.
    pub(super) pending: Option<String>,
    /// The program waits for a fix (after a runtime error or Ctrl-C).
    pub(super) waiting: bool,
    /// The last runtime error's report, until a message follows it or the program waits.
    pub(super) last_runtime_error: Option<String>,
    /// The runtime error the program waits after: the box shows it again when a rejected
    /// edit made while waiting is undone.
    pub(super) waiting_after: Option<String>,
    /// The terminal's size (columns, rows) when the program started to wait.
    pub(super) drawn_for_size: Option<(i64, i64)>,
    /// The box last drawn (rows, columns, at the top left) and the status bar's row.
    pub(super) drawn_box: Option<(usize, usize)>,
    pub(super) drawn_status: Option<usize>,
}

impl Overlay {
    /// The status bar's text, once there was a report.
    pub(super) fn status_text(&self) -> Option<String> {
        let pending = self.pending.as_deref().map(layout::first_line);
        if self.waiting {
            let cause = pending.map(|line| format!(" · {line}")).unwrap_or_default();
            return Some(format!("[hmr] waiting for a fix: save a file · Ctrl-C quits{cause}"));
        }
        if let Some(line) = pending {
            return Some(if line.starts_with("[hmr]") {
                line
            } else {
                format!("[hmr] {line}")
            });
        }
        self.last_line.clone()
    }
}

static OVERLAY: Mutex<Overlay> = Mutex::new(Overlay {
    last_line: None,
    pending: None,
    waiting: false,
    last_runtime_error: None,
    waiting_after: None,
    drawn_for_size: None,
    drawn_box: None,
    drawn_status: None,
});

pub(super) fn overlay() -> MutexGuard<'static, Overlay> {
    OVERLAY.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
