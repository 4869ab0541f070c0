//! The tokens the lexer hands to the parser.

use std::fmt;

use super::ast::FormatSpec;

/// One token of a source file. Text-carrying tokens borrow from the source, so a token is
/// `Copy` and cheap for the parser's backtracking to clone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Token<'src> {
    Ident(&'src str),
    Int(i64),
    Float(f64),
    /// A string literal without interpolation; the text between the quotes, escapes undecoded.
    Str(&'src str),
    /// A raw string literal `r"..."` or `r#"..."#`: the text between the delimiters, as written.
    RawStr(&'src str),
    /// A character literal `'a'`: its Unicode scalar value (LANGUAGE.md section 11).
    Char(u32),
    /// The format specification after `:` in an interpolation (`"{x:>8}"`), already parsed.
    FormatSpec(FormatSpec),
    /// The opening quote of a string literal that contains `{expr}` interpolation.
    StrStart,
    /// A run of literal text inside an interpolated string, escapes undecoded.
    StrText(&'src str),
    /// The `{` that opens an interpolated expression.
    InterpStart,
    /// The `}` that closes an interpolated expression.
    InterpEnd,
    /// The closing quote of an interpolated string.
    StrEnd,

    // Keywords.
    Fn,
    Let,
    Var,
    Struct,
    Enum,
    Match,
    Import,
    Pub,
    If,
    Else,
    While,
    For,
    In,
    Break,
    Continue,
    Return,
    True,
    False,
    Nil,
    And,
    Or,
    Not,

    // Punctuation and operators.
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Semicolon,
    Dot,
    DotDot,
    DotDotEq,
    Arrow,
    /// `=>`, between a `match` arm's pattern and its body.
    FatArrow,
    Question,
    /// `??`, the nil-coalescing operator.
    QuestionQuestion,
    Bang,
    Assign,
    PlusAssign,
    MinusAssign,
    StarAssign,
    SlashAssign,
    PercentAssign,
    EqEq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Pipe,
    Caret,
    Amp,
    Tilde,
    Shl,
    Shr,

    /// A newline that ends a statement (insignificant newlines are dropped by the lexer).
    Newline,
    /// Text the lexer could not make sense of; it has already reported a diagnostic.
    Error,
}

impl Token<'_> {
    /// Whether this token can end an operand, so that a following `-` is binary, `(` a call,
    /// `[` an index, `.` a member access, `!` an unwrap (`x!`) and `++` an increment. The lexer's
    /// habits pass and the formatter both ask this one question.
    pub fn ends_operand(&self) -> bool {
        matches!(
            self,
            Token::Ident(_)
                | Token::Int(_)
                | Token::Float(_)
                | Token::Str(_)
                | Token::RawStr(_)
                | Token::Char(_)
                | Token::StrEnd
                | Token::True
                | Token::False
                | Token::Nil
                | Token::RParen
                | Token::RBracket
                | Token::RBrace
                | Token::Bang
        )
    }

    /// Whether a newline after this token ends a statement (LANGUAGE.md section 1): after an
    /// operand, or after a bare `return`, `break` or `continue`.
    pub fn can_end_statement(&self) -> bool {
        self.ends_operand() || matches!(self, Token::Return | Token::Break | Token::Continue)
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(name) => write!(f, "identifier `{name}`"),
            Token::Int(value) => write!(f, "integer `{value}`"),
            Token::Float(value) => write!(f, "float `{value:?}`"),
            Token::Str(_) | Token::RawStr(_) => f.write_str("string literal"),
            Token::Char(value) => {
                let character = char::from_u32(*value).unwrap_or('?');
                write!(f, "character literal `'{}'`", character.escape_debug())
            }
            Token::FormatSpec(_) => f.write_str("format specification"),
            Token::StrText(_) => f.write_str("string text"),
            _ => f.write_str(self.fixed_text().unwrap_or("token")),
        }
    }
}

impl Token<'_> {
    /// How a token without a payload is named in messages; `None` for a token that carries
    /// a payload. Each token without a payload has its own text, which [`Token::write_stable`]
    /// relies on.
    pub fn fixed_text(&self) -> Option<&'static str> {
        let text = match self {
            Token::Ident(_)
            | Token::Int(_)
            | Token::Float(_)
            | Token::Str(_)
            | Token::RawStr(_)
            | Token::Char(_)
            | Token::FormatSpec(_)
            | Token::StrText(_) => return None,
            Token::StrStart => "string literal",
            Token::InterpStart => "`{` (interpolation)",
            Token::InterpEnd => "`}` (end of interpolation)",
            Token::StrEnd => "end of string",
            Token::Fn => "`fn`",
            Token::Let => "`let`",
            Token::Var => "`var`",
            Token::Struct => "`struct`",
            Token::Enum => "`enum`",
            Token::Match => "`match`",
            Token::Import => "`import`",
            Token::Pub => "`pub`",
            Token::If => "`if`",
            Token::Else => "`else`",
            Token::While => "`while`",
            Token::For => "`for`",
            Token::In => "`in`",
            Token::Break => "`break`",
            Token::Continue => "`continue`",
            Token::Return => "`return`",
            Token::True => "`true`",
            Token::False => "`false`",
            Token::Nil => "`nil`",
            Token::And => "`and`",
            Token::Or => "`or`",
            Token::Not => "`not`",
            Token::LParen => "`(`",
            Token::RParen => "`)`",
            Token::LBracket => "`[`",
            Token::RBracket => "`]`",
            Token::LBrace => "`{`",
            Token::RBrace => "`}`",
            Token::Comma => "`,`",
            Token::Colon => "`:`",
            Token::Semicolon => "`;`",
            Token::Dot => "`.`",
            Token::DotDot => "`..`",
            Token::DotDotEq => "`..=`",
            Token::Arrow => "`->`",
            Token::FatArrow => "`=>`",
            Token::Question => "`?`",
            Token::QuestionQuestion => "`??`",
            Token::Bang => "`!`",
            Token::Assign => "`=`",
            Token::PlusAssign => "`+=`",
            Token::MinusAssign => "`-=`",
            Token::StarAssign => "`*=`",
            Token::SlashAssign => "`/=`",
            Token::PercentAssign => "`%=`",
            Token::EqEq => "`==`",
            Token::NotEq => "`!=`",
            Token::Less => "`<`",
            Token::LessEq => "`<=`",
            Token::Greater => "`>`",
            Token::GreaterEq => "`>=`",
            Token::Plus => "`+`",
            Token::Minus => "`-`",
            Token::Star => "`*`",
            Token::Slash => "`/`",
            Token::Percent => "`%`",
            Token::Pipe => "`|`",
            Token::Caret => "`^`",
            Token::Amp => "`&`",
            Token::Tilde => "`~`",
            Token::Shl => "`<<`",
            Token::Shr => "`>>`",
            Token::Newline => "end of line",
            Token::Error => "invalid token",
        };
        Some(text)
    }

    /// Appends bytes that identify the token to `out`, the same in every build of `lang` for
    /// the same token: what token hashes are made of (`codegen::token_hash`, hot reload's
    /// snapshots; LANGUAGE.md section 7 item 2). A token without a payload is its fixed text
    /// (which starts with a backquote or a lower-case letter); a token with one is a capital
    /// letter naming its kind, then the payload. They replace the tokens' `Debug` texts, which
    /// cost a third of a snapshot of a module.
    pub fn write_stable(&self, out: &mut Vec<u8>) {
        let mut tagged = |tag: u8, payload: &[u8]| {
            out.push(tag);
            out.extend_from_slice(payload);
        };
        match self {
            Token::Ident(text) => tagged(b'I', text.as_bytes()),
            Token::Int(value) => tagged(b'N', &value.to_le_bytes()),
            Token::Float(value) => tagged(b'F', &value.to_bits().to_le_bytes()),
            Token::Str(text) => tagged(b'S', text.as_bytes()),
            Token::RawStr(text) => tagged(b'R', text.as_bytes()),
            Token::Char(value) => tagged(b'C', &value.to_le_bytes()),
            Token::FormatSpec(spec) => tagged(b'P', format!("{spec:?}").as_bytes()),
            Token::StrText(text) => tagged(b'T', text.as_bytes()),
            _ => out.extend_from_slice(self.fixed_text().unwrap_or("token").as_bytes()),
        }
    }

    /// [`Token::write_stable`]'s bytes, for tests.
    #[cfg(test)]
    pub(crate) fn stable_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.write_stable(&mut bytes);
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    /// Payloads of fixed length may hold any byte; the texts and fixed texts never hold the
    /// 0xff that separates tokens in a hash.
    #[test]
    fn only_fixed_length_payloads_hold_the_separator_byte() {
        assert_eq!(Token::Int(255).stable_bytes(), [b'N', 255, 0, 0, 0, 0, 0, 0, 0]);
        assert!(!Token::Ident("é").stable_bytes().contains(&0xff));
        assert!(!Token::Fn.stable_bytes().contains(&0xff));
        assert_eq!(Token::StrStart.stable_bytes(), b"string literal");
    }
}
