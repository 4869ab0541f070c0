//! The space between two pieces on one line (LANGUAGE.md section 12): one around binary
//! operators, `=`, `=>` and `->`; none after a unary operator, around `..`, `..=` and `.`,
//! before `!` (unwrap), `:`, `,` and `;`; one after `:`, `,` and `;`.

use crate::syntax::token::Token;

/// Whether a `-`, `~` or `?` written after `previous` (the token before it in the statement,
/// `None` at its start) is a prefix operator.
pub(super) fn is_prefix_operator(token: Token<'_>, previous: Option<Token<'_>>) -> bool {
    // `?` only starts an optional type (`?int`); `??` is one too in a type (`??int`).
    token == Token::Question
        || (matches!(token, Token::Minus | Token::Tilde | Token::QuestionQuestion)
            && !previous.is_some_and(|token| token.ends_operand()))
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
    if left_is_prefix {
        // `- -4` keeps its space: `--` would read as a decrement.
        return left == Token::Minus && right == Token::Minus;
    }
    if matches!(right, Token::DotDot | Token::DotDotEq) {
        return false;
    }
    match right {
        // A member access; `.Variant` after an operator or a keyword keeps its space.
        Token::Dot => !left.ends_operand(),
        // A call (also of a function expression, `fn() { ... }()`), or a function
        // expression's or type's parameters.
        Token::LParen => !matches!(
            left,
            Token::Ident(_) | Token::RParen | Token::RBracket | Token::RBrace | Token::Fn | Token::Bang
        ),
        Token::LBracket => !left.ends_operand(),
        Token::RBrace => left != Token::LBrace,
        _ => true,
    }
}
