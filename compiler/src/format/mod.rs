//! `lang fmt`: the one canonical layout of a source file (LANGUAGE.md section 12).
//!
//! The formatter is a token re-spacer, not a pretty-printer of the syntax tree: it keeps the
//! author's line structure, every comment where it stands and every literal as written, and
//! only decides indentation, spacing within a line, blank lines and trailing commas. Working
//! on tokens keeps it robust and makes "the token stream is unchanged" easy to guarantee:
//! [`verify`] checks exactly that on every run.
//!
//! - `lines.rs` cuts the file into source lines of pieces (tokens, whole string literals) and
//!   their trailing comments;
//! - `groups.rs` tells what a bracket opens (a block, a `match`, a comma list, ...);
//! - `spacing.rs` decides the space between two pieces of a line;
//! - `writer.rs` runs the state machine over the lines: indentation, blank lines, `;`, and
//!   trailing commas.

mod groups;
mod lines;
mod spacing;
mod verify;
mod writer;

#[cfg(test)]
mod tests;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;

pub use verify::same_program;

/// Formats one source file. A file with a syntax error (a lex or parse error) is not
/// formatted: its diagnostics come back instead. Name and type errors do not matter here.
///
/// The diagnostics carry `FileId(0)`; render them against a source map holding only `text`.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    format_source_or_refuse(text).map(|formatted| formatted.text)
}

/// What [`format_source_or_refuse`] made of a file without syntax errors.
pub struct Formatted {
    /// The formatted text, or the input as it was when `refused` says why.
    pub text: String,
    /// The formatter's output would have changed the program (a bug of the formatter): the
    /// input is returned unchanged, and this says what differed.
    pub refused: Option<String>,
}

/// Like [`format_source`], saying when the file was left as it was because the formatter's
/// output failed its check (so that `lang fmt` can say so rather than pass the file).
pub fn format_source_or_refuse(text: &str) -> Result<Formatted, Vec<Diagnostic>> {
    let file = FileId(0);
    let (_, diagnostics) = crate::syntax::parse_file(text, file);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let source_lines = lines::split(text, file);
    let formatted = writer::write(&source_lines);
    match verify::same_program(text, &formatted) {
        Ok(()) => Ok(Formatted {
            text: formatted,
            refused: None,
        }),
        Err(problem) => {
            // A formatter bug must never change a program. Tests run with debug assertions
            // and catch it loudly; a release build leaves the file as it was, and says so.
            debug_assert!(
                false,
                "the formatter changed the program: {problem}\n--- output:\n{formatted}"
            );
            Ok(Formatted {
                text: text.to_string(),
                refused: Some(problem),
            })
        }
    }
}
