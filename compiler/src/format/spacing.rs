//! The space between two pieces on one line (LANGUAGE.md section 12): one around binary
//! operators, `=`, `=>` and `->`; none after a unary operator, around `..`, `..=` and `.`,
//! before `!` (unwrap), `:`, `,` and `;`; one after `:`, `,` and `;`.

use super::groups::ends_operand;
use crate::syntax::token::Token;

/// Whether a `-`, `~` or `?` written after `previous` (the token before it in the statement,
/// `None` at its start) is a prefix operator.
pub(super) fn is_prefix_operator(token: Token<'_>, previous: Option<Token<'_>>) -> bool {
    // `?` only starts an optional type (`?int`).
    token == Token::Question || (matches!(token, Token::Minus | Token::Tilde) && !previous.is_some_and(ends_operand))
}

/// Whether one space separates `left` and `right` on a line. `left_is_prefix` says `left` is
/// a prefix operator (see [`is_prefix_operator`]).
pub(super) fn space_between(left: Token<'_>, left_is_prefix: bool, right: Token<'_>) -> bool {
    if matches!(
        right,
        Token::Comma | Token::Semicolon | Token::Colon | Token::RParen | Token::RBracket | Token::Bang
    ) {
        return false;
    }
    if matches!(
        left,
        Token::LParen | Token::LBracket | Token::Dot | Token::DotDot | Token::DotDotEq
    ) {
        return false;
    }
    if matches!(right, Token::DotDot | Token::DotDotEq) || left_is_prefix {
        return false;
    }
    match right {
        // A member access; `.Variant` after an operator or a keyword keeps its space.
        Token::Dot => !ends_operand(left),
        // A call, or a function expression's or type's parameters.
        Token::LParen => !matches!(
            left,
            Token::Ident(_) | Token::RParen | Token::RBracket | Token::Fn | Token::Bang
        ),
        Token::LBracket => !ends_operand(left) || left == Token::RBrace,
        Token::RBrace => left != Token::LBrace,
        _ => true,
    }
}
