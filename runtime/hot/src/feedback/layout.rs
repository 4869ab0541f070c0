//! The shapes of the overlay as pure functions of the report and the terminal's size: the
//! error box (wrapped, cut with a "… N more lines in LANG_HMR_LOG" line rather than taller
//! than the screen) and the status bar (cut to one row). No terminal is touched here, so the
//! layout is tested on its own.

/// Where the whole report can be read when the box had to cut it.
pub const LOG_NOTE: &str = "LANG_HMR_LOG";

/// `text` without terminal escape sequences (diagnostics are coloured on a terminal), tabs
/// as spaces and no carriage returns: what a cell of the box can show.
pub fn plain_text(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // CSI: ESC [ parameters, then one final byte in @..~; other escapes: one byte.
                if chars.peek() == Some(&'[') {
                    chars.next();
                    for next in chars.by_ref() {
                        if ('@'..='~').contains(&next) {
                            break;
                        }
                    }
                } else {
                    chars.next();
                }
            }
            '\t' => plain.push_str("    "),
            '\r' => {}
            c if c.is_control() && c != '\n' => {}
            c => plain.push(c),
        }
    }
    plain
}

/// The rows of the box showing `report` on a terminal `columns` wide, at most `max_rows`
/// tall (borders included), each row exactly as wide as the box; empty when the terminal
/// is too small for any box.
pub fn error_box(report: &str, columns: usize, max_rows: usize) -> Vec<String> {
    if columns < 8 || max_rows < 3 {
        return Vec::new();
    }
    let inner = columns - 4;
    let plain = plain_text(report);
    let mut rows: Vec<String> = Vec::new();
    for line in plain.trim_end().lines() {
        let line = line.trim_end();
        let chars: Vec<char> = line.chars().collect();
        if chars.is_empty() {
            rows.push(String::new());
        }
        for chunk in chars.chunks(inner) {
            rows.push(chunk.iter().collect());
        }
    }
    if rows.is_empty() {
        return Vec::new();
    }
    let room = max_rows - 2;
    if rows.len() > room {
        let shown = room - 1;
        let hidden = rows.len() - shown;
        rows.truncate(shown);
        let plural = if hidden == 1 { "" } else { "s" };
        rows.push(cut(&format!("… {hidden} more line{plural} in {LOG_NOTE}"), inner));
    }
    let width = rows.iter().map(|row| row.chars().count()).max().unwrap_or(0).max(10);
    let mut framed = Vec::with_capacity(rows.len() + 2);
    framed.push(format!("┌{}┐", "─".repeat(width + 2)));
    for row in rows {
        let padding = width - row.chars().count();
        framed.push(format!("│ {row}{} │", " ".repeat(padding)));
    }
    framed.push(format!("└{}┘", "─".repeat(width + 2)));
    framed
}

/// The status bar's text cut or padded to `width` characters.
pub fn status_bar(text: &str, width: usize) -> String {
    let plain = plain_text(text);
    let line = plain.lines().next().unwrap_or("").trim_end();
    let cut = cut(line, width);
    let padding = width - cut.chars().count();
    format!("{cut}{}", " ".repeat(padding))
}

/// `text` cut to `width` characters, ending in "…" when it was longer.
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut kept: String = text.chars().take(width - 1).collect();
    kept.push('…');
    kept
}

/// The first line of `text`, plain.
pub fn first_line(text: &str) -> String {
    plain_text(text)
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("")
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(rows: &[String]) -> Vec<usize> {
        rows.iter().map(|row| row.chars().count()).collect()
    }

    #[test]
    fn a_short_report_gets_a_box_no_taller_than_needed() {
        let rows = error_box("error: oops\n  --> a.ln:1:2\n", 80, 23);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], "┌────────────────┐");
        assert_eq!(rows[1], "│ error: oops    │");
        assert_eq!(rows[2], "│   --> a.ln:1:2 │");
        assert!(widths(&rows).iter().all(|width| *width == 18));
    }

    #[test]
    fn long_lines_wrap_inside_the_terminal() {
        let line = "x".repeat(50);
        let rows = error_box(&line, 20, 23);
        assert!(widths(&rows).iter().all(|width| *width == 20));
        // 50 characters, 16 a row: 4 rows and the borders.
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[4], format!("│ {}{} │", "x".repeat(2), " ".repeat(14)));
    }

    #[test]
    fn a_tall_report_is_cut_with_a_note() {
        let report: String = (1..=30).map(|n| format!("line {n}\n")).collect();
        let rows = error_box(&report, 80, 10);
        assert_eq!(rows.len(), 10);
        assert!(rows[1].contains("line 1 "));
        assert!(rows[7].contains("line 7 "));
        assert!(rows[8].contains("… 23 more lines in LANG_HMR_LOG"), "{}", rows[8]);
    }

    #[test]
    fn colours_and_tabs_are_not_drawn() {
        assert_eq!(plain_text("\u{1b}[1;31merror\u{1b}[0m:\tx\r\n"), "error:    x\n");
    }

    #[test]
    fn no_box_on_a_tiny_terminal() {
        assert!(error_box("error", 5, 23).is_empty());
        assert!(error_box("error", 80, 2).is_empty());
    }

    #[test]
    fn the_status_bar_is_one_row_of_the_given_width() {
        assert_eq!(status_bar("[hmr] a v2\nmore", 12), "[hmr] a v2  ");
        assert_eq!(status_bar("[hmr] a very long line", 10), "[hmr] a v…");
    }
}
