//! Patterns (of `match`, `if let` and `let ... else`) and the arms of a `match`.
//!
//! Where LANGUAGE.md section 9 is silent, the parser decides:
//! - a pattern that starts with a name followed by `.` is a variant path (`Shape.Circle`,
//!   `geo.Shape.Circle`); a lone name is a binding, and `_` is the wildcard;
//! - `.Name()` is kept apart from `.Name` (the checker reports the empty parentheses);
//! - alternatives may nest inside a variant's sub-patterns (`.Some(1 | 2)`);
//! - an `int` literal of 2^63 is accepted only negated, as in expressions;
//! - a float literal is a syntax error here, with a message saying so;
//! - arms are separated by `,` or a newline; a broken arm is skipped up to the next `,` or
//!   newline at its level, so the arms after it are still read.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::common::{Extra, ParserOf, ident, skip_balanced, span_of};
use super::error::SyntaxError;
use crate::syntax::ast::{ArmBody, Block, Expr, MatchArm, Pattern, PatternKind};
use crate::syntax::lexer::unescape;
use crate::syntax::token::Token;

/// One pattern, alternatives included.
pub(super) fn pattern<'tokens, 'src: 'tokens, I>() -> ParserOf<'tokens, 'src, I, Pattern>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    recursive(|pattern| {
        // `-` belongs to the literal: patterns have no operators.
        let int_literal = just(Token::Minus)
            .or_not()
            .then(select! {
                Token::Int(value) => value,
                Token::Char(value) => i64::from(value),
            })
            .validate(|(minus, value), extra, emitter| {
                if minus.is_some() {
                    return value.wrapping_neg();
                }
                if value == i64::MIN {
                    emitter.emit(SyntaxError::custom(
                        extra.span(),
                        "integer literal is too large for `int`",
                    ));
                }
                value
            });
        // A character literal (section 11) is an `int` like these, so `'a'..='z'` is a range.
        let int_or_range = int_literal
            .then(
                choice((just(Token::DotDot).to(false), just(Token::DotDotEq).to(true)))
                    .then(int_literal)
                    .or_not(),
            )
            .map(|(start, range)| match range {
                Some((inclusive, end)) => PatternKind::Range { start, end, inclusive },
                None => PatternKind::Int(start),
            });
        let float = select! { Token::Float(_) => () }.validate(|(), extra, emitter| {
            emitter.emit(SyntaxError::custom(
                extra.span(),
                "a float literal cannot be a pattern: compare with `==` in a guard (`v if v == 1.5 =>`)",
            ));
            PatternKind::Error
        });
        let literal = select! {
            Token::True => PatternKind::Bool(true),
            Token::False => PatternKind::Bool(false),
            Token::Nil => PatternKind::Nil,
            Token::Str(raw) => PatternKind::Str(unescape(raw)),
            Token::RawStr(text) => PatternKind::Str(text.to_owned()),
        };
        let payload = pattern
            .clone()
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .or_not();
        let implicit_variant = just(Token::Dot)
            .ignore_then(ident())
            .then(payload.clone())
            .map(|(name, fields)| PatternKind::Variant {
                enum_name: None,
                name,
                fields,
            });
        let named = ident()
            .then(
                just(Token::Dot)
                    .ignore_then(ident())
                    .repeated()
                    .at_most(2)
                    .collect::<Vec<_>>(),
            )
            .then(payload)
            .validate(|((first, mut path), fields), extra, emitter| match path.len() {
                0 if fields.is_none() && first.text == "_" => PatternKind::Wildcard,
                0 if fields.is_none() => PatternKind::Binding(first),
                // `Name(...)`: Rust's and Swift's habits; the variant needs its `.` or its enum.
                0 => {
                    emitter.emit(SyntaxError::custom(
                        extra.span(),
                        format!(
                            "a variant pattern starts with `.` or its enum's name: write `.{}(...)`",
                            first.text
                        ),
                    ));
                    PatternKind::Error
                }
                1 => PatternKind::Variant {
                    enum_name: Some((None, first)),
                    name: path.remove(0),
                    fields,
                },
                _ => {
                    let name = path.remove(1);
                    PatternKind::Variant {
                        enum_name: Some((Some(first), path.remove(0))),
                        name,
                        fields,
                    }
                }
            });
        let single = choice((int_or_range, literal, float, implicit_variant, named))
            .map_with(|kind, extra| Pattern {
                kind,
                span: span_of(extra.span()),
            })
            .labelled("a pattern");
        single
            .separated_by(just(Token::Pipe))
            .at_least(1)
            .collect::<Vec<_>>()
            .map_with(|mut alternatives, extra| {
                if alternatives.len() == 1 {
                    alternatives.remove(0)
                } else {
                    Pattern {
                        kind: PatternKind::Or(alternatives),
                        span: span_of(extra.span()),
                    }
                }
            })
    })
    .boxed()
}

/// The braces of a `match` and the arms inside: `{ PATTERN [if GUARD] => BODY, ... }`.
pub(super) fn match_arms<'tokens, 'src: 'tokens, I>(
    pattern: ParserOf<'tokens, 'src, I, Pattern>,
    guard: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    body: impl Parser<'tokens, I, ArmBody, Extra<'tokens, 'src>> + Clone + 'tokens,
) -> ParserOf<'tokens, 'src, I, Vec<MatchArm>>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let arm = pattern
        .then(just(Token::If).ignore_then(guard).or_not())
        .then_ignore(just(Token::FatArrow))
        .then(body)
        // What follows an arm is checked inside the arm, so that junk after a body is
        // recovered from here, at this arm, instead of failing the whole `match`.
        .then_ignore(choice((just(Token::Comma), just(Token::Newline), just(Token::RBrace))).rewind())
        .map_with(|((pattern, guard), body), extra| {
            Some(MatchArm {
                pattern,
                guard,
                body,
                span: span_of(extra.span()),
            })
        })
        .recover_with(via_parser(skip_balanced(true).to(None)));
    let arm_separator = choice((
        just(Token::Comma).ignored(),
        just(Token::Newline).repeated().at_least(1).ignored(),
    ));
    just(Token::Newline)
        .repeated()
        .ignore_then(arm.separated_by(arm_separator).allow_trailing().collect::<Vec<_>>())
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map(|arms| arms.into_iter().flatten().collect())
        .recover_with(via_parser(nested_delimiters(
            Token::LBrace,
            Token::RBrace,
            [(Token::LParen, Token::RParen), (Token::LBracket, Token::RBracket)],
            |_| Vec::new(),
        )))
        .boxed()
}

/// A block of one statement, for an arm of a statement `match` written without braces.
pub(super) fn block_of_one(statement: crate::syntax::ast::Statement) -> Block {
    Block {
        span: statement.span,
        statements: vec![statement],
    }
}
