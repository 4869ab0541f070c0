//! Source text to syntax tree: the logos lexer, the parsers and the AST they produce.
//!
//! Two parsers build the same tree: the hand-written `fast_parser`, tried first, which gives
//! up at the first thing it does not expect, and the chumsky `parser`, which then reads the
//! file again and reports every syntax error with its recovery. `LANG_PARSER=chumsky` skips
//! the fast one.

pub mod ast;
mod ast_shrink;
pub mod fast_parser;
mod habits;
pub mod lexer;
pub mod parser;
pub mod stage_times;
pub mod token;
pub mod visit;

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use stage_times::{Stage, measure};
use std::sync::OnceLock;
use token::Token;

/// Lexes and parses one file. Always returns a module (with error nodes where the source
/// could not be read) together with every lexical and syntax diagnostic.
pub fn parse_file(source: &str, file: FileId) -> (ast::Module, Vec<Diagnostic>) {
    let lexed = measure(Stage::Lex, || lexer::lex(source, file));
    let mut diagnostics = lexed.diagnostics;
    if lexed.fatal {
        return (ast::Module::default(), diagnostics);
    }
    // Habits from other languages get their own errors; the parser then reads the repaired
    // tokens, and its errors that a habit explains are dropped.
    let mut tokens = lexed.tokens;
    let habits = measure(Stage::Habits, || habits::find_and_repair(source, &mut tokens, file));
    let (module, syntax_diagnostics) = measure(Stage::Parse, || {
        let (mut module, diagnostics) = parse_tokens(&tokens, source.len(), file);
        // The tree is kept for as long as the program is checked, compiled or reloaded: its
        // spare capacity goes back at once.
        ast_shrink::shrink_module(&mut module);
        (module, diagnostics)
    });
    drop(tokens);
    let mut syntax_errors: Vec<Diagnostic> = syntax_diagnostics
        .into_iter()
        .filter(|diagnostic| !habits.explains(diagnostic.primary.span))
        .collect();
    syntax_errors.extend(habits.diagnostics);
    syntax_errors.sort_by_key(|diagnostic| diagnostic.primary.span.start);
    diagnostics.extend(syntax_errors);
    (module, diagnostics)
}

/// The fast parser, or where it gives up (a syntax error, or a form it leaves to the other),
/// the chumsky parser with its diagnostics.
fn parse_tokens(tokens: &[(Token<'_>, Span)], source_len: usize, file: FileId) -> (ast::Module, Vec<Diagnostic>) {
    if fast_parser_enabled()
        && let Some(module) = fast_parser::parse(tokens, source_len)
    {
        return (module, Vec::new());
    }
    parser::parse(tokens, source_len, file)
}

/// False when `LANG_PARSER=chumsky` asks for the chumsky parser alone (to compare, or debug).
fn fast_parser_enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("LANG_PARSER").as_deref() != Ok("chumsky"))
}

/// The tokens the parsers read for `source` (after the lexer and the habits pass), and whether
/// the lexer or the habits pass reported anything; `None` when lexing was fatal. For tests
/// that compare the two parsers.
pub fn tokens_for_parsers(source: &str, file: FileId) -> Option<(Vec<(Token<'_>, Span)>, bool)> {
    let lexed = lexer::lex(source, file);
    if lexed.fatal {
        return None;
    }
    let mut tokens = lexed.tokens;
    let habits = habits::find_and_repair(source, &mut tokens, file);
    let reported = !lexed.diagnostics.is_empty() || !habits.diagnostics.is_empty();
    Some((tokens, reported))
}
