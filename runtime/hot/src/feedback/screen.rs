//! Painting the overlay of a full-screen program (LANGUAGE.md section 7 item 11): the status
//! bar on the last row and the error box at the top left, drawn with the program's cursor
//! and colours saved and put back (`ESC 7` / `ESC 8`), so its drawing goes on unaffected.
//! The core calls [`paint`] after every flush of the program's output, under its output
//! lock; the cells the overlay covered and no longer covers are blanked.

use std::io::Write;

use lang_runtime_core::output::OverlayPaint;
use lang_runtime_core::terminal::{screen_mode, terminal_size};

use super::layout::{error_box, status_bar};
use super::overlay::{Overlay, overlay};

const SAVE_CURSOR: &str = "\x1b7";
const RESTORE_CURSOR: &str = "\x1b8";
const PLAIN: &str = "\x1b[0m";
const INVERSE: &str = "\x1b[7m";

/// The overlay painter the core calls (see `lang_runtime_core::output`).
pub(super) fn paint(paint: OverlayPaint, out: &mut dyn Write) {
    // The common case after every flush of a program that is not full-screen: nothing to do,
    // without taking the lock.
    if paint == OverlayPaint::Redraw && !screen_mode() {
        return;
    }
    let mut overlay = overlay();
    let mut bytes = String::new();
    match paint {
        OverlayPaint::Erase => erase(&mut overlay, &mut bytes),
        OverlayPaint::Redraw => {
            if !lang_runtime_core::abi::overlay_wanted() {
                erase(&mut overlay, &mut bytes);
            } else {
                redraw(&mut overlay, &mut bytes);
            }
        }
    }
    if !bytes.is_empty() {
        let _ = out.write_all(format!("{SAVE_CURSOR}{PLAIN}{bytes}{RESTORE_CURSOR}").as_bytes());
    }
}

fn redraw(overlay: &mut Overlay, bytes: &mut String) {
    let Some(status) = overlay.status_text() else { return };
    let (columns, rows) = terminal_size();
    let (columns, rows) = (columns.max(1) as usize, rows.max(1) as usize);
    let box_rows = match &overlay.pending {
        Some(report) => error_box(report, columns, rows.saturating_sub(1)),
        None => Vec::new(),
    };
    let box_size = (!box_rows.is_empty()).then(|| (box_rows.len(), box_rows[0].chars().count()));
    if let Some((height, width)) = overlay.drawn_box
        && box_size != Some((height, width))
    {
        blank(bytes, 1, height, width);
    }
    for (index, row) in box_rows.iter().enumerate() {
        bytes.push_str(&format!("\x1b[{};1H{row}", index + 1));
    }
    overlay.drawn_box = box_size;
    if let Some(old_row) = overlay.drawn_status
        && old_row != rows
    {
        blank(bytes, old_row, 1, columns);
    }
    // One cell short of the last column: writing the bottom-right cell may scroll some
    // terminals.
    let width = columns.saturating_sub(1).max(1);
    bytes.push_str(&format!("\x1b[{rows};1H{INVERSE}{}{PLAIN}", status_bar(&status, width)));
    overlay.drawn_status = Some(rows);
}

fn erase(overlay: &mut Overlay, bytes: &mut String) {
    if let Some((height, width)) = overlay.drawn_box.take() {
        blank(bytes, 1, height, width);
    }
    if let Some(row) = overlay.drawn_status.take() {
        let (columns, _) = terminal_size();
        blank(bytes, row, 1, columns.max(1) as usize);
    }
}

/// Spaces over `height` rows from `top`, `width` columns from the left.
fn blank(bytes: &mut String, top: usize, height: usize, width: usize) {
    let spaces = " ".repeat(width);
    for row in top..top + height {
        bytes.push_str(&format!("\x1b[{row};1H{spaces}"));
    }
}
