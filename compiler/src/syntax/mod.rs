//! Source text to syntax tree: the logos lexer, the chumsky parser and the AST they produce.

pub mod ast;
mod ast_shrink;
mod habits;
pub mod lexer;
pub mod parser;
pub mod stage_times;
pub mod token;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use stage_times::{Stage, measure};

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
        let (mut module, diagnostics) = parser::parse(&tokens, source.len(), file);
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
