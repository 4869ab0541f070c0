//! The fast parser: a hand-written recursive descent over the tokens that builds exactly the
//! tree the chumsky parser (`super::parser`) builds, for a file without syntax errors.
//!
//! It reports nothing and recovers from nothing: where the chumsky parser would report an
//! error (a failure that its recovery catches, or a `validate` that emits), or wherever this
//! parser meets something it does not expect, it gives up (`None`), and the caller runs the
//! chumsky parser from the start, which builds the tree and the diagnostics as it always did.
//! So diagnostics never depend on this parser; only speed does (it is about ten times faster).
//!
//! Each function mirrors one parser of the chumsky grammar, with the same semantics: ordered
//! choice, `or_not` and repetition rewind the input when their inner parser fails (`Backtrack`),
//! and every place where the chumsky grammar has a `recover_with` turns a failure there into
//! `Abort` when the recovery would succeed. The spans are chumsky's: from the start of a node's
//! first token to the end of its last one.

mod expressions;
mod items;
mod patterns;
mod statements;
mod types;

use super::ast::{Module, Name};
use super::token::Token;
use crate::source::Span;

/// Why a parser did not produce its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    /// The input does not start with this node: the enclosing choice rewinds and tries the next
    /// alternative, as chumsky does.
    Backtrack,
    /// The chumsky parser would report an error here (or nesting is too deep for this
    /// parser's stack budget): the whole fast parse gives up.
    Abort,
}

type Parsed<T> = Result<T, Fail>;

/// How deeply expressions, blocks, patterns and types may nest before the fast parser gives
/// the file to the chumsky parser (which grows its stack as needed). Real code nests far less.
const MAX_DEPTH: u32 = 64;

/// Parses the tokens of a file. `None` when the file has a syntax error, or uses a form this
/// parser leaves to the chumsky parser; the caller then runs that one.
pub fn parse(tokens: &[(Token<'_>, Span)], source_len: usize) -> Option<Module> {
    let mut parser = FastParser {
        tokens,
        pos: 0,
        depth: 0,
        source_len,
    };
    parser.module().ok()
}

struct FastParser<'tokens, 'src> {
    tokens: &'tokens [(Token<'src>, Span)],
    pos: usize,
    depth: u32,
    source_len: usize,
}

impl<'src> FastParser<'_, 'src> {
    fn peek(&self) -> Option<Token<'src>> {
        self.tokens.get(self.pos).map(|&(token, _)| token)
    }

    fn peek_is(&self, expected: Token<'_>) -> bool {
        self.tokens.get(self.pos).is_some_and(|(token, _)| *token == expected)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    /// Consumes the next token when it is `expected`.
    fn eat(&mut self, expected: Token<'_>) -> bool {
        if self.peek_is(expected) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, expected: Token<'_>) -> Parsed<()> {
        if self.eat(expected) {
            Ok(())
        } else {
            Err(Fail::Backtrack)
        }
    }

    /// The span of the token at `index`.
    fn token_span(&self, index: usize) -> Span {
        self.tokens[index].1
    }

    /// The span of what was consumed since `start`, as chumsky computes it: from the start of
    /// the token at `start` to the end of the last token consumed.
    fn span_from(&self, start: usize) -> Span {
        let Some(&(_, first)) = self.tokens.get(start) else {
            return Span::new(self.source_len, self.source_len);
        };
        let end = match self.pos.checked_sub(1) {
            Some(last) => self.tokens[last].1.end,
            None => self.source_len as u32,
        };
        Span {
            start: first.start,
            end,
        }
    }

    /// A name (`ident()` of the chumsky grammar).
    fn name(&mut self) -> Parsed<Name> {
        match self.tokens.get(self.pos) {
            Some(&(Token::Ident(text), span)) => {
                self.pos += 1;
                Ok(Name {
                    text: text.to_string(),
                    span,
                })
            }
            _ => Err(Fail::Backtrack),
        }
    }

    /// Whether the next token is a statement separator (a significant newline or `;`).
    fn at_separator(&self) -> bool {
        matches!(self.peek(), Some(Token::Newline | Token::Semicolon))
    }

    fn skip_separators(&mut self) {
        while self.at_separator() {
            self.pos += 1;
        }
    }

    /// `or_not` of chumsky: runs `parse`, and on `Backtrack` rewinds and gives `None`.
    fn attempt<T>(&mut self, parse: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<Option<T>> {
        let start = self.pos;
        match parse(self) {
            Ok(value) => Ok(Some(value)),
            Err(Fail::Backtrack) => {
                self.pos = start;
                Ok(None)
            }
            Err(Fail::Abort) => Err(Fail::Abort),
        }
    }

    /// One more level of nesting for `parse`, or `Abort` past the stack budget.
    fn nested<T>(&mut self, parse: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<T> {
        if self.depth >= MAX_DEPTH {
            return Err(Fail::Abort);
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    /// `item.separated_by(just(Token::Comma)).allow_trailing()` of chumsky.
    fn comma_separated<T>(&mut self, mut item: impl FnMut(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        let mut items = Vec::new();
        match self.attempt(&mut item)? {
            Some(first) => items.push(first),
            None => return Ok(items),
        }
        while self.eat(Token::Comma) {
            match self.attempt(&mut item)? {
                Some(next) => items.push(next),
                None => break,
            }
        }
        Ok(items)
    }

    /// Whether chumsky's `skip_balanced` recovery would succeed at the next token (it needs at
    /// least one token that is not a separator or a closing bracket; with `stop_at_comma`, not
    /// a comma either). Where it would, a failure there is a reported error.
    fn recovery_would_skip(&self, stop_at_comma: bool) -> bool {
        match self.peek() {
            None | Some(Token::Newline | Token::Semicolon | Token::RBrace | Token::RParen | Token::RBracket) => false,
            Some(Token::Comma) => !stop_at_comma,
            Some(_) => true,
        }
    }
}

/// A list without its spare capacity, as the chumsky parser keeps its lists (`common::shrunk`).
fn shrunk<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}

#[cfg(test)]
mod tests;
