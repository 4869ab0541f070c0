//! What a bracket opens, decided from the tokens before it, and the token classes the
//! formatter's rules are written in.

use crate::syntax::token::Token;

/// What an opening bracket starts. It decides how lines inside continue and whether the
/// elements of a multi-line group end with `,`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum GroupKind {
    /// The file itself, a function body, a branch: statements.
    Block,
    /// The braces right after a `match` arm's `=>`: statements, and the arm needs no `,`.
    ArmBlock,
    /// The braces of a `match`: arms.
    Match,
    /// Struct and enum declarations and struct literals: comma-separated elements, written
    /// `Point { x: 1 }`.
    CommaBraces,
    /// Map literals and map types: comma-separated entries, written `{"a": 1}`, `{str: int}`.
    MapBraces,
    /// Arguments, parameters, variant payloads and patterns: `f(...)`.
    CallParens,
    /// Parentheses around an expression: no commas.
    Parens,
    /// An array literal or an array type.
    ArrayBrackets,
    /// An index `a[i]`.
    IndexBrackets,
}

impl GroupKind {
    /// Whether a multi-line group of this kind ends its last element with `,`.
    pub fn wants_trailing_comma(self) -> bool {
        matches!(
            self,
            GroupKind::CommaBraces | GroupKind::MapBraces | GroupKind::CallParens | GroupKind::ArrayBrackets
        )
    }

    /// Whether newlines inside separate statements or arms (braces), rather than only
    /// commas separating elements (parentheses and brackets).
    pub fn is_braces(self) -> bool {
        matches!(
            self,
            GroupKind::Block | GroupKind::ArmBlock | GroupKind::Match | GroupKind::CommaBraces | GroupKind::MapBraces
        )
    }
}

/// What the formatter remembers of the tokens before a bracket to classify it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Context<'src> {
    /// The token before the bracket in the same statement, if any.
    pub previous: Option<Token<'src>>,
    /// An `if`, `while` or `for` waits for its block.
    pub header_pending: bool,
    /// A `fn` (declaration or expression) may be waiting for its body.
    pub function_pending: bool,
    /// A `match` waits for its arms.
    pub match_pending: bool,
    /// The bracket follows the `=>` of a function expression (`fn(x) => {"k": x}`), whose
    /// body is an expression: a `{` there opens a map literal, not a block as after an arm's.
    pub after_function_arrow: bool,
}

/// Classifies the bracket `opener` given what came before it.
pub(super) fn classify(opener: Token<'_>, context: &Context<'_>) -> GroupKind {
    match opener {
        Token::LParen => match context.previous {
            Some(Token::Ident(_) | Token::RParen | Token::RBracket | Token::Fn | Token::Bang) => GroupKind::CallParens,
            _ => GroupKind::Parens,
        },
        Token::LBracket => match context.previous {
            Some(previous) if previous.ends_operand() => GroupKind::IndexBrackets,
            _ => GroupKind::ArrayBrackets,
        },
        _ => classify_brace(context),
    }
}

fn classify_brace(context: &Context<'_>) -> GroupKind {
    match context.previous {
        Some(Token::FatArrow) if context.after_function_arrow => GroupKind::MapBraces,
        Some(Token::FatArrow) => GroupKind::ArmBlock,
        _ if context.match_pending => GroupKind::Match,
        // In a head, `{` after an operand opens the body; after `in`, `==`, `->`... it opens
        // a map literal (or a map type) and the head goes on.
        Some(previous) if (context.header_pending || context.function_pending) && !previous.ends_operand() => {
            GroupKind::MapBraces
        }
        _ if context.header_pending || context.function_pending => GroupKind::Block,
        Some(Token::Else) => GroupKind::Block,
        // `struct Name {`, `enum Name {`, and a struct literal `Name {` / `module.Name {`.
        Some(Token::Ident(_)) => GroupKind::CommaBraces,
        None | Some(Token::LBrace | Token::RBrace | Token::Semicolon | Token::RParen | Token::Newline) => {
            GroupKind::Block
        }
        // A map literal or type: after `=`, `(`, `,`, `:`, `->`, `return`, an operator...
        Some(_) => GroupKind::MapBraces,
    }
}

pub(super) fn is_opener(token: Token<'_>) -> bool {
    matches!(token, Token::LParen | Token::LBracket | Token::LBrace)
}

pub(super) fn is_closer(token: Token<'_>) -> bool {
    matches!(token, Token::RParen | Token::RBracket | Token::RBrace)
}
