//! The formatter's guarantee, checked on every run: the formatted text parses without errors
//! and has the same tokens as the original, comments and layout aside.

use crate::source::FileId;
use crate::syntax::lexer::lex;
use crate::syntax::token::Token;

/// What a statement or element separator (`,`, `;`, a newline that ends a statement) is
/// compared as: `fmt` adds trailing commas and turns `a; b` into two lines, which changes
/// which separator stands where but not the program.
const SEPARATOR: Option<Token<'static>> = None;

/// The tokens of `source` as compared: separators merged into one, and dropped where they
/// cannot matter (before a closing bracket, after an opening one, at the start).
fn comparable_tokens(source: &str) -> Vec<Option<Token<'_>>> {
    let lexed = lex(source, FileId(0));
    let mut tokens: Vec<Option<Token<'_>>> = Vec::with_capacity(lexed.tokens.len());
    for (token, _) in lexed.tokens {
        let is_separator = matches!(token, Token::Comma | Token::Semicolon | Token::Newline);
        if is_separator {
            if matches!(
                tokens.last(),
                None | Some(&SEPARATOR) | Some(Some(Token::LParen | Token::LBracket | Token::LBrace))
            ) {
                continue;
            }
            tokens.push(SEPARATOR);
            continue;
        }
        if matches!(token, Token::RParen | Token::RBracket | Token::RBrace) && tokens.last() == Some(&SEPARATOR) {
            tokens.pop();
        }
        tokens.push(Some(token));
    }
    if tokens.last() == Some(&SEPARATOR) {
        tokens.pop();
    }
    tokens
}

/// Checks that `formatted` is the same program as `original` (it parses, and its tokens are
/// the same, comments, layout and separators aside); says what differs if not.
pub fn same_program(original: &str, formatted: &str) -> Result<(), String> {
    let (_, diagnostics) = crate::syntax::parse_file(formatted, FileId(0));
    if let Some(error) = diagnostics.iter().find(|diagnostic| diagnostic.is_error()) {
        return Err(format!("the output does not parse: {}", error.message));
    }
    let before = comparable_tokens(original);
    let after = comparable_tokens(formatted);
    if let Some(index) = (0..before.len().max(after.len())).find(|&index| before.get(index) != after.get(index)) {
        return Err(format!(
            "the tokens differ at token {index}: {:?} became {:?}",
            before.get(index),
            after.get(index)
        ));
    }
    Ok(())
}
