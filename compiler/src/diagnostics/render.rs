//! The one place that turns diagnostics into text, with ariadne.

use ariadne::{CharSet, Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap};

/// Renders every diagnostic, in order, as ariadne reports. `color` selects ANSI colours; the
/// command line turns it off when the output is not a terminal or `NO_COLOR` is set.
///
/// One ariadne cache serves them all: a cache holds a copy of each file it is given, with its
/// lines indexed, so one per diagnostic made 10,000 errors in a 50,000-line file copy and
/// index that file 10,000 times (quadratic: `lang check` ran for minutes, printing nothing).
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut files: Vec<FileId> = diagnostics.iter().flat_map(files_of).collect();
    files.sort();
    files.dedup();
    let mut cache = cache_of(sources, files);
    let mut out = String::new();
    for diagnostic in diagnostics.iter().take(MOST_RENDERED) {
        out.push_str(&render_with(diagnostic, sources, color, &mut cache));
    }
    if let Some(more) = diagnostics.len().checked_sub(MOST_RENDERED).filter(|&more| more > 0) {
        out.push_str(&format!("... and {more} more diagnostics, not shown\n"));
    }
    out
}

/// How many diagnostics one report shows. Each costs time in proportion to its line: a
/// generated or hostile file of tens of thousands of errors on one long line took minutes to
/// report, and nobody reads past the first screens.
pub const MOST_RENDERED: usize = 100;

/// Renders one diagnostic.
pub fn render_one(diagnostic: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    // Only the files this diagnostic points into go into ariadne's cache.
    let mut cache = cache_of(sources, files_of(diagnostic));
    render_with(diagnostic, sources, color, &mut cache)
}

/// The files a diagnostic points into (its primary label's first), with repeats.
fn files_of(diagnostic: &Diagnostic) -> Vec<FileId> {
    let mut files = vec![diagnostic.primary.file];
    files.extend(diagnostic.secondary.iter().map(|label| label.file));
    files
}

fn cache_of(sources: &SourceMap, mut files: Vec<FileId>) -> impl ariadne::Cache<String> {
    files.sort();
    files.dedup();
    ariadne::sources(files.into_iter().map(|file| {
        let source = sources.get(file);
        (source.display_name.clone(), String::clone(&source.text))
    }))
}

fn render_with(
    diagnostic: &Diagnostic,
    sources: &SourceMap,
    color: bool,
    cache: &mut impl ariadne::Cache<String>,
) -> String {
    let name = |file| sources.get(file).display_name.clone();
    let (kind, primary_color) = match diagnostic.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
    };
    let primary = &diagnostic.primary;
    let config = Config::default()
        .with_color(color)
        .with_index_type(IndexType::Byte)
        .with_char_set(if color { CharSet::Unicode } else { CharSet::Ascii });
    let mut report = Report::build(kind, (name(primary.file), primary.span.range()))
        .with_config(config)
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message);
    // Always with a message: ariadne draws no underline for a label without one, and the
    // excerpt then marks nothing (most of the lexer's errors have no label text).
    let label_text = if primary.message.is_empty() {
        "here"
    } else {
        primary.message.as_str()
    };
    let label = AriadneLabel::new((name(primary.file), primary.span.range()))
        .with_color(primary_color)
        .with_message(label_text);
    report = report.with_label(label);
    for secondary in &diagnostic.secondary {
        report = report.with_label(
            AriadneLabel::new((name(secondary.file), secondary.span.range()))
                .with_message(&secondary.message)
                .with_color(Color::Blue),
        );
    }
    if let Some(help) = &diagnostic.help {
        report = report.with_help(help);
    }
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail; a failure would mean ariadne found no source for an id,
    // which the cache above rules out. Fall back to a plain line rather than panicking.
    if report.finish().write(cache, &mut bytes).is_err() {
        let (line, column) = sources.line_col(primary.file, primary.span.start);
        return format!(
            "error[{}]: {}\n --> {}:{line}:{column}\n",
            diagnostic.code.as_str(),
            diagnostic.message,
            name(primary.file)
        );
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
