//! Pieces every part of the parser uses: the error type, spans, names, separators, binary
//! operator levels, and the token skipping that error recovery relies on.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::error::SyntaxError;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Name};
use crate::syntax::token::Token;

pub(super) type Extra<'tokens, 'src> = extra::Err<SyntaxError<'src>>;

/// A parser of `O` behind a box: the sub-parsers built in separate functions are handed around
/// as these, which keeps their types (and the compile time) small.
pub(super) type ParserOf<'tokens, 'src, I, O> = Boxed<'tokens, 'tokens, I, O, Extra<'tokens, 'src>>;

pub(super) fn span_of(span: SimpleSpan) -> Span {
    Span::new(span.start, span.end)
}

/// A name as written.
pub(super) fn ident<'tokens, 'src: 'tokens, I>() -> impl Parser<'tokens, I, Name, Extra<'tokens, 'src>> + Clone
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    select! { Token::Ident(text) = extra => Name { text: text.to_string(), span: span_of(extra.span()) } }
        .labelled("a name")
}

/// The end of a statement: a significant newline or `;`.
pub(super) fn separator<'tokens, 'src: 'tokens, I>()
-> impl Parser<'tokens, I, Token<'src>, Extra<'tokens, 'src>> + Clone
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    one_of([Token::Newline, Token::Semicolon]).labelled("end of line")
}

/// A collected list without its spare capacity. Collecting an unknown number of nodes starts
/// at room for four, and most blocks, argument lists and struct literals hold one or two: the
/// spare room was a fifth of the memory of a parsed program.
pub(super) fn shrunk<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}

pub(in crate::syntax) fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr {
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    }
}

/// A left-associative level of binary operators over `operand`.
pub(super) fn left_associative<'tokens, 'src: 'tokens, I, P, O>(
    operand: P,
    operator: O,
) -> impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
    P: Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone,
    O: Parser<'tokens, I, BinaryOp, Extra<'tokens, 'src>> + Clone,
{
    operand
        .clone()
        .foldl(operator.then(operand).repeated(), |lhs, (op, rhs)| binary(op, lhs, rhs))
}

/// Skips a run of tokens up to (not including) the next statement separator or closing
/// bracket at this level, keeping nested brackets balanced. Used to recover from errors.
/// With `stop_at_comma`, a `,` at this level stops it too (the separator of `match` arms).
pub(super) fn skip_balanced<'tokens, 'src: 'tokens, I>(
    stop_at_comma: bool,
) -> impl Parser<'tokens, I, (), Extra<'tokens, 'src>> + Clone
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let group = recursive(|group| {
        let inner = group
            .clone()
            .or(none_of([
                Token::LBrace,
                Token::RBrace,
                Token::LParen,
                Token::RParen,
                Token::LBracket,
                Token::RBracket,
            ])
            .ignored())
            .repeated();
        choice((
            inner.clone().delimited_by(just(Token::LBrace), just(Token::RBrace)),
            inner.clone().delimited_by(just(Token::LParen), just(Token::RParen)),
            inner.delimited_by(just(Token::LBracket), just(Token::RBracket)),
        ))
        .ignored()
    });
    let comma = if stop_at_comma { Token::Comma } else { Token::Newline };
    group
        .or(none_of([
            Token::Newline,
            Token::Semicolon,
            comma,
            Token::LBrace,
            Token::RBrace,
            Token::LParen,
            Token::RParen,
            Token::LBracket,
            Token::RBracket,
        ])
        .ignored())
        .repeated()
        .at_least(1)
}
