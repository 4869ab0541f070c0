//! The parser's error value: what was found and the set of what was expected at the furthest
//! place the parser reached. Chumsky merges the expectations of every alternative that failed
//! at one place into one error, which with its `Rich` error (a vector searched with `==` on
//! every merge) was a fifth of the time of parsing a large file; here the expected tokens and
//! labels are bit sets, so a merge is an `|`. The messages are the same: they are built from
//! the set, sorted (`parser::syntax_diagnostic`).

use chumsky::DefaultExpected;
use chumsky::error::LabelError;
use chumsky::input::Input;
use chumsky::span::SimpleSpan;
use chumsky::util::MaybeRef;

use crate::syntax::token::Token;

/// The tokens without data, in the order of their bits in [`Expected::tokens`].
const TOKENS_BY_BIT: [Token<'static>; 68] = [
    Token::StrStart,
    Token::InterpStart,
    Token::InterpEnd,
    Token::StrEnd,
    Token::Fn,
    Token::Let,
    Token::Var,
    Token::Struct,
    Token::Enum,
    Token::Match,
    Token::Import,
    Token::Pub,
    Token::If,
    Token::Else,
    Token::While,
    Token::For,
    Token::In,
    Token::Break,
    Token::Continue,
    Token::Return,
    Token::True,
    Token::False,
    Token::Nil,
    Token::And,
    Token::Or,
    Token::Not,
    Token::LParen,
    Token::RParen,
    Token::LBracket,
    Token::RBracket,
    Token::LBrace,
    Token::RBrace,
    Token::Comma,
    Token::Colon,
    Token::Semicolon,
    Token::Dot,
    Token::DotDot,
    Token::DotDotEq,
    Token::Arrow,
    Token::FatArrow,
    Token::Question,
    Token::QuestionQuestion,
    Token::Bang,
    Token::Assign,
    Token::PlusAssign,
    Token::MinusAssign,
    Token::StarAssign,
    Token::SlashAssign,
    Token::PercentAssign,
    Token::EqEq,
    Token::NotEq,
    Token::Less,
    Token::LessEq,
    Token::Greater,
    Token::GreaterEq,
    Token::Plus,
    Token::Minus,
    Token::Star,
    Token::Slash,
    Token::Percent,
    Token::Pipe,
    Token::Caret,
    Token::Amp,
    Token::Tilde,
    Token::Shl,
    Token::Shr,
    Token::Newline,
    Token::Error,
];

/// The labels the grammar uses (`.labelled(...)`), in the order of their bits in
/// [`Expected::labels`]; a label not listed here is kept in [`Expected::other_labels`].
const LABELS: [&str; 8] = [
    "a block",
    "a name",
    "a pattern",
    "a statement",
    "a type",
    "an expression",
    "an item (`fn`, `struct`, `enum`, `let`, `var` or `import`)",
    "end of line",
];

/// The bit of a token without data; tokens that carry data have none.
#[inline]
fn token_bit(token: &Token<'_>) -> Option<u32> {
    Some(match token {
        Token::StrStart => 0,
        Token::InterpStart => 1,
        Token::InterpEnd => 2,
        Token::StrEnd => 3,
        Token::Fn => 4,
        Token::Let => 5,
        Token::Var => 6,
        Token::Struct => 7,
        Token::Enum => 8,
        Token::Match => 9,
        Token::Import => 10,
        Token::Pub => 11,
        Token::If => 12,
        Token::Else => 13,
        Token::While => 14,
        Token::For => 15,
        Token::In => 16,
        Token::Break => 17,
        Token::Continue => 18,
        Token::Return => 19,
        Token::True => 20,
        Token::False => 21,
        Token::Nil => 22,
        Token::And => 23,
        Token::Or => 24,
        Token::Not => 25,
        Token::LParen => 26,
        Token::RParen => 27,
        Token::LBracket => 28,
        Token::RBracket => 29,
        Token::LBrace => 30,
        Token::RBrace => 31,
        Token::Comma => 32,
        Token::Colon => 33,
        Token::Semicolon => 34,
        Token::Dot => 35,
        Token::DotDot => 36,
        Token::DotDotEq => 37,
        Token::Arrow => 38,
        Token::FatArrow => 39,
        Token::Question => 40,
        Token::QuestionQuestion => 41,
        Token::Bang => 42,
        Token::Assign => 43,
        Token::PlusAssign => 44,
        Token::MinusAssign => 45,
        Token::StarAssign => 46,
        Token::SlashAssign => 47,
        Token::PercentAssign => 48,
        Token::EqEq => 49,
        Token::NotEq => 50,
        Token::Less => 51,
        Token::LessEq => 52,
        Token::Greater => 53,
        Token::GreaterEq => 54,
        Token::Plus => 55,
        Token::Minus => 56,
        Token::Star => 57,
        Token::Slash => 58,
        Token::Percent => 59,
        Token::Pipe => 60,
        Token::Caret => 61,
        Token::Amp => 62,
        Token::Tilde => 63,
        Token::Shl => 64,
        Token::Shr => 65,
        Token::Newline => 66,
        Token::Error => 67,
        Token::Ident(_)
        | Token::Int(_)
        | Token::Float(_)
        | Token::Str(_)
        | Token::RawStr(_)
        | Token::Char(_)
        | Token::FormatSpec(_)
        | Token::StrText(_) => return None,
    })
}

#[inline]
fn label_bit(label: &str) -> Option<u32> {
    LABELS
        .iter()
        .position(|known| *known == label)
        .map(|index| index as u32)
}

/// A set of expected things. Merging sets is what the parser does most with errors.
#[derive(Clone, Debug, Default)]
struct Expected<'src> {
    tokens: u128,
    /// Tokens that carry data (never expected by the grammar as it is, kept for completeness).
    other_tokens: Vec<Token<'src>>,
    labels: u32,
    other_labels: Vec<&'static str>,
    end_of_input: bool,
}

impl<'src> Expected<'src> {
    fn clear(&mut self) {
        self.tokens = 0;
        self.other_tokens.clear();
        self.labels = 0;
        self.other_labels.clear();
        self.end_of_input = false;
    }

    #[inline]
    fn add_token(&mut self, token: Token<'src>) {
        match token_bit(&token) {
            Some(bit) => self.tokens |= 1 << bit,
            None => {
                if !self.other_tokens.contains(&token) {
                    self.other_tokens.push(token);
                }
            }
        }
    }

    #[inline]
    fn add_label(&mut self, label: &'static str) {
        match label_bit(label) {
            Some(bit) => self.labels |= 1 << bit,
            None => {
                if !self.other_labels.contains(&label) {
                    self.other_labels.push(label);
                }
            }
        }
    }

    #[inline]
    fn add(&mut self, pattern: Pattern<'src>) {
        match pattern {
            Pattern::Token(token) => self.add_token(token),
            Pattern::Label(label) => self.add_label(label),
            Pattern::EndOfInput => self.end_of_input = true,
            Pattern::Nothing => {}
        }
    }

    fn union(&mut self, other: Expected<'src>) {
        self.tokens |= other.tokens;
        self.labels |= other.labels;
        self.end_of_input |= other.end_of_input;
        for token in other.other_tokens {
            self.add_token(token);
        }
        for label in other.other_labels {
            self.add_label(label);
        }
    }

    /// Each expected thing as the diagnostic names it (unsorted).
    fn describe(&self) -> Vec<String> {
        let mut described = Vec::new();
        for (bit, token) in TOKENS_BY_BIT.iter().enumerate() {
            if self.tokens & (1 << bit) != 0 {
                described.push(token.to_string());
            }
        }
        described.extend(self.other_tokens.iter().map(Token::to_string));
        for (bit, label) in LABELS.iter().enumerate() {
            if self.labels & (1 << bit) != 0 {
                described.push(label.to_string());
            }
        }
        described.extend(self.other_labels.iter().map(|label| label.to_string()));
        if self.end_of_input {
            described.push("end of file".to_string());
        }
        described
    }
}

/// One expected thing, as chumsky hands them over.
pub(super) enum Pattern<'src> {
    Token(Token<'src>),
    Label(&'static str),
    EndOfInput,
    /// "Anything", "something else" or "nothing else": not named in diagnostics.
    Nothing,
}

/// What chumsky's expected things become.
pub(super) trait IntoPattern<'src> {
    fn into_pattern(self) -> Pattern<'src>;
}

impl<'src> IntoPattern<'src> for DefaultExpected<'_, Token<'src>> {
    #[inline]
    fn into_pattern(self) -> Pattern<'src> {
        match self {
            DefaultExpected::Token(token) => Pattern::Token(token.into_inner()),
            DefaultExpected::EndOfInput => Pattern::EndOfInput,
            // `Any`, `SomethingElse`, `NothingElse` (the enum is non-exhaustive).
            _ => Pattern::Nothing,
        }
    }
}

impl<'src> IntoPattern<'src> for &'static str {
    #[inline]
    fn into_pattern(self) -> Pattern<'src> {
        Pattern::Label(self)
    }
}

#[derive(Clone, Debug)]
enum Reason<'src> {
    ExpectedFound {
        expected: Expected<'src>,
        found: Option<Token<'src>>,
    },
    Custom(String),
}

/// A syntax error: its place and either what was expected and found there, or a message.
/// It follows the rules of chumsky's `Rich` error exactly (which error wins a merge, which
/// span and found token are kept), so the diagnostics are those `Rich` gave.
#[derive(Clone, Debug)]
pub struct SyntaxError<'src> {
    span: SimpleSpan,
    reason: Box<Reason<'src>>,
}

impl<'src> SyntaxError<'src> {
    /// An error with its own message, raised by the grammar's `validate` steps.
    pub fn custom(span: SimpleSpan, message: impl ToString) -> SyntaxError<'src> {
        SyntaxError {
            span,
            reason: Box::new(Reason::Custom(message.to_string())),
        }
    }

    pub fn span(&self) -> &SimpleSpan {
        &self.span
    }

    /// The token found where the error is; `None` at the end of the file and for a custom
    /// message.
    pub fn found(&self) -> Option<&Token<'src>> {
        match &*self.reason {
            Reason::ExpectedFound { found, .. } => found.as_ref(),
            Reason::Custom(_) => None,
        }
    }

    /// The message of a custom error.
    pub fn custom_message(&self) -> Option<&str> {
        match &*self.reason {
            Reason::Custom(message) => Some(message),
            Reason::ExpectedFound { .. } => None,
        }
    }

    /// What was expected, as the diagnostic names each thing, unsorted.
    pub fn expected(&self) -> Vec<String> {
        match &*self.reason {
            Reason::ExpectedFound { expected, .. } => expected.describe(),
            Reason::Custom(_) => Vec::new(),
        }
    }
}

#[inline]
fn expected_from<'src, L: IntoPattern<'src>>(patterns: impl IntoIterator<Item = L>) -> Expected<'src> {
    let mut expected = Expected::default();
    for pattern in patterns {
        expected.add(pattern.into_pattern());
    }
    expected
}

#[inline]
fn found_token<'src>(found: Option<MaybeRef<'_, Token<'src>>>) -> Option<Token<'src>> {
    found.map(MaybeRef::into_inner)
}

impl<'tokens, 'src: 'tokens, I> chumsky::error::Error<'tokens, I> for SyntaxError<'src>
where
    I: Input<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    fn merge(mut self, other: Self) -> Self {
        // As `Rich`: a custom message wins (the first one if both are), else the expected
        // sets are united and the first error's span and found token kept.
        let other_reason = *other.reason;
        match (&mut *self.reason, other_reason) {
            (Reason::Custom(_), _) => self,
            (_, custom @ Reason::Custom(_)) => {
                *self.reason = custom;
                self
            }
            (Reason::ExpectedFound { expected, .. }, Reason::ExpectedFound { expected: other, .. }) => {
                expected.union(other);
                self
            }
        }
    }
}

impl<'tokens, 'src: 'tokens, I, L> LabelError<'tokens, I, L> for SyntaxError<'src>
where
    I: Input<'tokens, Token = Token<'src>, Span = SimpleSpan>,
    L: IntoPattern<'src>,
{
    fn expected_found<E: IntoIterator<Item = L>>(
        expected: E,
        found: Option<MaybeRef<'tokens, Token<'src>>>,
        span: SimpleSpan,
    ) -> Self {
        SyntaxError {
            span,
            reason: Box::new(Reason::ExpectedFound {
                expected: expected_from(expected),
                found: found_token(found),
            }),
        }
    }

    fn merge_expected_found<E: IntoIterator<Item = L>>(
        mut self,
        new_expected: E,
        new_found: Option<MaybeRef<'tokens, Token<'src>>>,
        _span: SimpleSpan,
    ) -> Self {
        if let Reason::ExpectedFound { expected, found } = &mut *self.reason {
            for pattern in new_expected {
                expected.add(pattern.into_pattern());
            }
            *found = found.take().or_else(|| found_token(new_found));
        }
        self
    }

    fn replace_expected_found<E: IntoIterator<Item = L>>(
        mut self,
        new_expected: E,
        new_found: Option<MaybeRef<'tokens, Token<'src>>>,
        span: SimpleSpan,
    ) -> Self {
        self.span = span;
        match &mut *self.reason {
            Reason::ExpectedFound { expected, found } => {
                expected.clear();
                for pattern in new_expected {
                    expected.add(pattern.into_pattern());
                }
                *found = found_token(new_found);
            }
            Reason::Custom(_) => {
                *self.reason = Reason::ExpectedFound {
                    expected: expected_from(new_expected),
                    found: found_token(new_found),
                };
            }
        }
        self
    }

    fn label_with(&mut self, label: L) {
        match &mut *self.reason {
            Reason::ExpectedFound { expected, .. } => {
                expected.clear();
                expected.add(label.into_pattern());
            }
            Reason::Custom(_) => {
                let mut expected = Expected::default();
                expected.add(label.into_pattern());
                *self.reason = Reason::ExpectedFound { expected, found: None };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_without_data_has_the_bit_of_its_place() {
        for (bit, token) in TOKENS_BY_BIT.iter().enumerate() {
            assert_eq!(token_bit(token), Some(bit as u32), "{token:?}");
        }
    }
}
