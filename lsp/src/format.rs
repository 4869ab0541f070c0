//! Formatting a document with the formatter of LANGUAGE.md section 12 (`lang fmt`'s own
//! `lang_compiler::format`), so the editor and the command line format alike.

/// The formatted text of a document, or `None` when it has a syntax error (then the
/// request answers no edits).
pub fn format_document(text: &str) -> Option<String> {
    lang_compiler::format::format_source(text).ok()
}
