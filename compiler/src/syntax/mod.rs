//! Source text to syntax tree: the logos lexer, the chumsky parser and the AST they produce.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod token;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;

/// Lexes and parses one file. Always returns a module (with error nodes where the source
/// could not be read) together with every lexical and syntax diagnostic.
pub fn parse_file(source: &str, file: FileId) -> (ast::Module, Vec<Diagnostic>) {
    let lexed = lexer::lex(source, file);
    let mut diagnostics = lexed.diagnostics;
    if lexed.fatal {
        return (ast::Module::default(), diagnostics);
    }
    let (module, syntax_diagnostics) = parser::parse(&lexed.tokens, source.len(), file);
    diagnostics.extend(syntax_diagnostics);
    (module, diagnostics)
}
