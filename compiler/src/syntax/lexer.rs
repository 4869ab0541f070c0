//! The lexer: source text to tokens, with logos doing the scanning.
//!
//! Three things need more than a regular scanner, and happen here in plain code around logos:
//! literals (in `literals.rs`: strings with `{expr}` interpolation, the expression inside lexed
//! recursively, raw strings, character literals and format specifications), the Go-style rule that decides which newlines end a
//! statement, and the nesting limit that keeps hostile input from exhausting the parser's stack.

use logos::Logos;

use super::token::Token;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// How deeply brackets, braces and interpolations may nest, and how long a run of prefix
/// operators may be. Real programs stay far below; hostile input gets a diagnostic instead of
/// a compiler that recurses without bound.
pub const MAX_NESTING: usize = 256;

/// How many binary operators, `.` and `!` one statement may hold. A chain of operators parses
/// into a tree as deep as it is long, and the later stages walk that tree recursively; no
/// written program comes near this, but a generated 10 MB line of `1+1+...` would.
pub const MAX_OPERATORS_PER_STATEMENT: usize = 100_000;

/// How many function expressions one statement may hold. `fn() => fn() => ...` nests without
/// a bracket, and checking a chain of them takes time that grows with the square of its
/// length (10,000 of them: over 20 s); a block-bodied one resets the count at its `{`.
pub const MAX_FUNCTION_EXPRESSIONS_PER_STATEMENT: usize = 1_000;

/// The tokens of a file, and whether lexing hit a limit that makes parsing pointless.
#[derive(Debug)]
pub struct Lexed<'src> {
    pub tokens: Vec<(Token<'src>, Span)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Set when the file nests too deeply to be parsed safely.
    pub fatal: bool,
}

#[derive(Logos, Clone, Copy, Debug, PartialEq)]
#[logos(skip r"[ \t\r\f\u{feff}]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
enum Raw {
    #[token("\n")]
    Newline,
    #[regex("[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    #[regex("[0-9][0-9_]*")]
    Decimal,
    #[regex("0[xX][0-9a-zA-Z_]*")]
    Hex,
    #[regex("0[bB][0-9_]*")]
    Binary,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]*)?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]*")]
    Float,
    #[token("\"")]
    Quote,
    /// `r"`, `r#"`, ...: the opener of a raw string.
    #[regex(r##"r#*""##)]
    VerbatimOpener,
    #[token("'")]
    CharQuote,
    #[token("fn")]
    Fn,
    #[token("let")]
    Let,
    #[token("var")]
    Var,
    #[token("struct")]
    Struct,
    #[token("enum")]
    Enum,
    #[token("match")]
    Match,
    #[token("import")]
    Import,
    #[token("pub")]
    Pub,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("while")]
    While,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("return")]
    Return,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("nil")]
    Nil,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semicolon,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("..=")]
    DotDotEq,
    #[token("->")]
    Arrow,
    #[token("=>")]
    FatArrow,
    #[token("?")]
    Question,
    #[token("??")]
    QuestionQuestion,
    #[token("!")]
    Bang,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("*=")]
    StarAssign,
    #[token("/=")]
    SlashAssign,
    #[token("%=")]
    PercentAssign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Less,
    #[token("<=")]
    LessEq,
    #[token(">")]
    Greater,
    #[token(">=")]
    GreaterEq,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("&")]
    Amp,
    #[token("~")]
    Tilde,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The whole file.
    File,
    /// The expression inside `{...}` of a string; ends at the `}` that closes it.
    Interpolation,
}

struct Lexer<'src> {
    source: &'src str,
    file: FileId,
    tokens: Vec<(Token<'src>, Span)>,
    diagnostics: Vec<Diagnostic>,
    /// Set by problems after which the token stream cannot be parsed meaningfully: an
    /// unterminated string swallows the rest of the file.
    fatal: bool,
}

/// Splits a file into tokens. Never fails: problems become diagnostics and `Token::Error`.
pub fn lex(source: &str, file: FileId) -> Lexed<'_> {
    let mut lexer = Lexer {
        source,
        file,
        tokens: Vec::with_capacity(token_capacity(source)),
        diagnostics: Vec::new(),
        fatal: false,
    };
    lexer.lex_tokens(0, Mode::File);
    let lexed_tokens = std::mem::take(&mut lexer.tokens);
    let (tokens, nesting_fatal) = lexer.significant_newlines_and_nesting(lexed_tokens);
    Lexed {
        tokens,
        diagnostics: lexer.diagnostics,
        fatal: lexer.fatal || nesting_fatal,
    }
}

/// Room for a file's tokens, so that the vector is not grown (and copied) while lexing: a
/// token per two bytes. Code has about one per three (the generated programs of
/// `bench/scale.sh` 0.32); a token per four bytes, reserved before, was too few for 49 of
/// their 50 files, each then copied once at its largest (3% of `lang check`'s instructions).
fn token_capacity(source: &str) -> usize {
    source.len() / 2 + 16
}

/// The tokens of a file as written, for the formatter: every newline kept (also those that do
/// not end a statement) and the comments, which the parser never sees, as trivia beside them.
/// The parser's token stream ([`lex`]) is not affected by this mode.
#[derive(Debug)]
pub struct Layout<'src> {
    /// Every token in source order, each newline included; an interpolated string is still
    /// split into its parts (`StrStart` .. `StrEnd`).
    pub tokens: Vec<(Token<'src>, Span)>,
    /// The span of each `//` comment, without the newline that ends it.
    pub comments: Vec<Span>,
}

/// Lexes a file keeping its layout (see [`Layout`]). Diagnostics are dropped: the formatter
/// runs [`lex`] and the parser first and never formats a file with errors.
pub fn lex_layout(source: &str, file: FileId) -> Layout<'_> {
    let mut lexer = Lexer {
        source,
        file,
        tokens: Vec::with_capacity(token_capacity(source)),
        diagnostics: Vec::new(),
        fatal: false,
    };
    lexer.lex_tokens(0, Mode::File);
    let tokens = lexer.tokens;
    // Between two tokens there is only what logos skipped: whitespace and at most one comment,
    // which runs to the end of its line (the newline is a token). Text inside string literals
    // lies within their tokens' spans, so a `//` there is never taken for a comment.
    let mut comments = Vec::new();
    let mut gap_start = 0usize;
    let mut inside_string = 0usize;
    for &(token, span) in tokens.iter().chain(std::iter::once(&(
        Token::Newline,
        Span::new(source.len(), source.len()),
    ))) {
        if inside_string == 0 {
            let gap = &source[gap_start..span.start as usize];
            if let Some(offset) = gap.find("//") {
                let comment = gap[offset..].trim_end();
                let start = gap_start + offset;
                comments.push(Span::new(start, start + comment.len()));
            }
        }
        match token {
            Token::StrStart => inside_string += 1,
            Token::StrEnd => inside_string = inside_string.saturating_sub(1),
            _ => {}
        }
        gap_start = span.end as usize;
    }
    Layout { tokens, comments }
}

impl<'src> Lexer<'src> {
    fn error(&mut self, code: Code, start: usize, end: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, self.file, Span::new(start, end), message));
        self.diagnostics.last_mut().unwrap()
    }

    fn push(&mut self, token: Token<'src>, start: usize, end: usize) {
        self.tokens.push((token, Span::new(start, end)));
    }

    /// Lexes from `start`; returns the offset where it stopped: the end of the file, or in
    /// interpolation mode the offset of the closing `}`.
    fn lex_tokens(&mut self, start: usize, mode: Mode) -> usize {
        let mut raw_lexer = Raw::lexer(self.source);
        raw_lexer.bump(start);
        let mut brace_depth = 0usize;
        // Parentheses and brackets open inside an interpolation: a `:` inside them is not the
        // start of a format specification.
        let mut group_depth = 0usize;
        while let Some(result) = raw_lexer.next() {
            let range = raw_lexer.span();
            let (start, end) = (range.start, range.end);
            let text = raw_lexer.slice();
            let raw = match result {
                Ok(raw) => raw,
                Err(()) => {
                    let character = text.chars().next().unwrap_or('?');
                    self.error(
                        Code::UnexpectedCharacter,
                        start,
                        end,
                        format!("unexpected character `{}`", character.escape_debug()),
                    )
                    .primary
                    .message = "this character cannot start a token".into();
                    self.push(Token::Error, start, end);
                    continue;
                }
            };
            let token = match raw {
                Raw::Newline => {
                    if mode == Mode::Interpolation {
                        continue;
                    }
                    Token::Newline
                }
                Raw::Quote => {
                    let string_end = self.scan_string(start);
                    raw_lexer.bump(string_end - end);
                    continue;
                }
                Raw::VerbatimOpener => {
                    let string_end = self.scan_raw_string(start, end);
                    raw_lexer.bump(string_end - end);
                    continue;
                }
                Raw::CharQuote => {
                    let literal_end = self.scan_char(start);
                    raw_lexer.bump(literal_end - end);
                    continue;
                }
                Raw::Colon if mode == Mode::Interpolation && brace_depth == 0 && group_depth == 0 => {
                    return self.scan_format_spec(end);
                }
                Raw::LBrace => {
                    brace_depth += 1;
                    Token::LBrace
                }
                Raw::RBrace => {
                    if mode == Mode::Interpolation && brace_depth == 0 {
                        return start;
                    }
                    brace_depth = brace_depth.saturating_sub(1);
                    Token::RBrace
                }
                Raw::Ident => Token::Ident(text),
                Raw::Decimal => self.integer(text, 10, start, end),
                Raw::Hex => self.integer(text, 16, start, end),
                Raw::Binary => self.integer(text, 2, start, end),
                Raw::Float => self.float(text, start, end),
                Raw::Fn => Token::Fn,
                Raw::Let => Token::Let,
                Raw::Var => Token::Var,
                Raw::Struct => Token::Struct,
                Raw::Enum => Token::Enum,
                Raw::Match => Token::Match,
                Raw::Import => Token::Import,
                Raw::Pub => Token::Pub,
                Raw::If => Token::If,
                Raw::Else => Token::Else,
                Raw::While => Token::While,
                Raw::For => Token::For,
                Raw::In => Token::In,
                Raw::Break => Token::Break,
                Raw::Continue => Token::Continue,
                Raw::Return => Token::Return,
                Raw::True => Token::True,
                Raw::False => Token::False,
                Raw::Nil => Token::Nil,
                Raw::And => Token::And,
                Raw::Or => Token::Or,
                Raw::Not => Token::Not,
                Raw::LParen | Raw::LBracket => {
                    group_depth += 1;
                    if raw == Raw::LParen {
                        Token::LParen
                    } else {
                        Token::LBracket
                    }
                }
                Raw::RParen | Raw::RBracket => {
                    group_depth = group_depth.saturating_sub(1);
                    if raw == Raw::RParen {
                        Token::RParen
                    } else {
                        Token::RBracket
                    }
                }
                Raw::Comma => Token::Comma,
                Raw::Colon => Token::Colon,
                Raw::Semicolon => Token::Semicolon,
                Raw::Dot => Token::Dot,
                Raw::DotDot => Token::DotDot,
                Raw::DotDotEq => Token::DotDotEq,
                Raw::Arrow => Token::Arrow,
                Raw::FatArrow => Token::FatArrow,
                Raw::Question => Token::Question,
                Raw::QuestionQuestion => Token::QuestionQuestion,
                Raw::Bang => Token::Bang,
                Raw::Assign => Token::Assign,
                Raw::PlusAssign => Token::PlusAssign,
                Raw::MinusAssign => Token::MinusAssign,
                Raw::StarAssign => Token::StarAssign,
                Raw::SlashAssign => Token::SlashAssign,
                Raw::PercentAssign => Token::PercentAssign,
                Raw::EqEq => Token::EqEq,
                Raw::NotEq => Token::NotEq,
                Raw::Less => Token::Less,
                Raw::LessEq => Token::LessEq,
                Raw::Greater => Token::Greater,
                Raw::GreaterEq => Token::GreaterEq,
                Raw::Plus => Token::Plus,
                Raw::Minus => Token::Minus,
                Raw::Star => Token::Star,
                Raw::Slash => Token::Slash,
                Raw::Percent => Token::Percent,
                Raw::Pipe => Token::Pipe,
                Raw::Caret => Token::Caret,
                Raw::Amp => Token::Amp,
                Raw::Tilde => Token::Tilde,
                Raw::Shl => Token::Shl,
                Raw::Shr => Token::Shr,
            };
            self.push(token, start, end);
        }
        self.source.len()
    }

    /// Converts an integer literal. The value is kept as `u64` bits in an `i64`: a literal of
    /// exactly 2^63 is allowed here because `-9223372036854775808` is valid; the type checker
    /// rejects it when it is not negated.
    fn integer(&mut self, text: &'src str, radix: u32, start: usize, end: usize) -> Token<'src> {
        let digits = if radix == 10 { text } else { &text[2..] };
        if let Some(problem) = digit_group_problem(digits) {
            self.error(
                Code::MalformedNumber,
                start,
                end,
                format!("malformed number literal: {problem}"),
            );
            return Token::Int(0);
        }
        // Most literals have no `_`: they are read in place, without a copy.
        let cleaned: std::borrow::Cow<'_, str> = if digits.contains('_') {
            digits.chars().filter(|&c| c != '_').collect::<String>().into()
        } else {
            digits.into()
        };
        if let Some(bad) = cleaned.chars().find(|c| !c.is_digit(radix)) {
            let base = match radix {
                16 => "hexadecimal",
                2 => "binary",
                _ => "decimal",
            };
            self.error(
                Code::MalformedNumber,
                start,
                end,
                format!("`{bad}` is not a {base} digit"),
            );
            return Token::Int(0);
        }
        match u64::from_str_radix(&cleaned, radix) {
            Ok(value) if value <= 1u64 << 63 => Token::Int(value as i64),
            _ => {
                self.error(
                    Code::IntegerTooLarge,
                    start,
                    end,
                    "integer literal is too large for `int`",
                )
                .help = Some("`int` holds values from -9223372036854775808 to 9223372036854775807".into());
                Token::Int(0)
            }
        }
    }

    fn float(&mut self, text: &'src str, start: usize, end: usize) -> Token<'src> {
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(index) => (&text[..index], Some(&text[index + 1..])),
            None => (text, None),
        };
        let mut problem = mantissa.split('.').find_map(digit_group_problem);
        if let Some(exponent) = exponent {
            let digits = exponent.trim_start_matches(['+', '-']);
            if digits.is_empty() {
                problem = Some("the exponent has no digits");
            } else if problem.is_none() {
                problem = digit_group_problem(digits);
            }
        }
        if let Some(problem) = problem {
            self.error(
                Code::MalformedNumber,
                start,
                end,
                format!("malformed number literal: {problem}"),
            );
            return Token::Float(0.0);
        }
        let cleaned: std::borrow::Cow<'_, str> = if text.contains('_') {
            text.chars().filter(|&c| c != '_').collect::<String>().into()
        } else {
            text.into()
        };
        match cleaned.parse::<f64>() {
            Ok(value) if value.is_finite() => Token::Float(value),
            _ => {
                self.error(
                    Code::FloatOutOfRange,
                    start,
                    end,
                    "float literal is too large for `float`",
                )
                .help = Some("the largest `float` is about 1.8e308".into());
                Token::Float(0.0)
            }
        }
    }

    /// Drops the newlines that do not end a statement and checks the nesting limit.
    ///
    /// The tokens are filtered in place: the lexer's vector is the result, so a file's tokens
    /// are written once, not copied into a second vector. A kept token moves to `kept`, at or
    /// before its own index, so the tokens after the one looked at are still as lexed (the
    /// newline rule looks ahead at them).
    fn significant_newlines_and_nesting(
        &mut self,
        mut tokens: Vec<(Token<'src>, Span)>,
    ) -> (Vec<(Token<'src>, Span)>, bool) {
        let mut kept = 0usize;
        let mut open: Vec<(Token<'src>, Span)> = Vec::new();
        let mut prefix_run = 0usize;
        let mut statement_operators = 0usize;
        let mut statement_functions = 0usize;
        for index in 0..tokens.len() {
            let (token, span) = tokens[index];
            match token {
                Token::Newline => {
                    let in_block = matches!(open.last(), None | Some((Token::LBrace, _)));
                    let after_end = kept > 0 && tokens[kept - 1].0.can_end_statement();
                    let next = tokens[index + 1..]
                        .iter()
                        .map(|(token, _)| *token)
                        .find(|token| *token != Token::Newline);
                    let before_close = matches!(next, None | Some(Token::RBrace | Token::RParen | Token::RBracket));
                    if in_block && after_end && !before_close {
                        tokens[kept] = (token, span);
                        kept += 1;
                        statement_operators = 0;
                        statement_functions = 0;
                    }
                    continue;
                }
                Token::LParen | Token::LBracket | Token::LBrace | Token::InterpStart => {
                    open.push((token, span));
                    if open.len() > MAX_NESTING {
                        self.nesting_error(span);
                        tokens.truncate(kept);
                        return (tokens, true);
                    }
                }
                Token::RParen | Token::RBracket | Token::RBrace | Token::InterpEnd => {
                    let expected_opener = match token {
                        Token::RParen => Token::LParen,
                        Token::RBracket => Token::LBracket,
                        Token::RBrace => Token::LBrace,
                        _ => Token::InterpStart,
                    };
                    match open.pop() {
                        Some((opener, _)) if opener == expected_opener => {}
                        Some((opener, opener_span)) => {
                            let closer = closing_text(opener);
                            self.diagnostics.push(
                                Diagnostic::error(
                                    Code::UnbalancedDelimiter,
                                    self.file,
                                    span,
                                    format!("mismatched closing delimiter {token}"),
                                )
                                .with_label(format!("expected {closer} here"))
                                .with_secondary(
                                    self.file,
                                    opener_span,
                                    "unclosed delimiter opened here",
                                ),
                            );
                            tokens.truncate(kept);
                            return (tokens, true);
                        }
                        None => {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    Code::UnbalancedDelimiter,
                                    self.file,
                                    span,
                                    format!("unexpected closing delimiter {token}"),
                                )
                                .with_label("nothing is open here to close")
                                .with_help("remove it, or check that every `{` before it is closed once"),
                            );
                            tokens.truncate(kept);
                            return (tokens, true);
                        }
                    }
                }
                _ => {}
            }
            match token {
                Token::Semicolon | Token::LBrace | Token::RBrace => {
                    statement_operators = 0;
                    statement_functions = 0;
                }
                Token::Fn => {
                    statement_functions += 1;
                    if statement_functions > MAX_FUNCTION_EXPRESSIONS_PER_STATEMENT {
                        self.statement_limit_error(
                            span,
                            format!("this statement has more than {MAX_FUNCTION_EXPRESSIONS_PER_STATEMENT} function expressions"),
                            "split it into several statements, or name the functions",
                        );
                        tokens.truncate(kept);
                        return (tokens, true);
                    }
                }
                Token::Plus
                | Token::Minus
                | Token::Star
                | Token::Slash
                | Token::Percent
                | Token::Amp
                | Token::Pipe
                | Token::Caret
                | Token::Shl
                | Token::Shr
                | Token::EqEq
                | Token::NotEq
                | Token::Less
                | Token::LessEq
                | Token::Greater
                | Token::GreaterEq
                | Token::And
                | Token::Or
                | Token::Dot
                | Token::QuestionQuestion
                | Token::Bang => {
                    statement_operators += 1;
                    if statement_operators > MAX_OPERATORS_PER_STATEMENT {
                        self.statement_limit_error(
                            span,
                            format!("this statement has more than {MAX_OPERATORS_PER_STATEMENT} operators"),
                            "split the expression into several statements",
                        );
                        tokens.truncate(kept);
                        return (tokens, true);
                    }
                }
                _ => {}
            }
            if matches!(token, Token::Minus | Token::Tilde | Token::Not | Token::Bang) {
                prefix_run += 1;
                if prefix_run > MAX_NESTING {
                    self.nesting_error(span);
                    tokens.truncate(kept);
                    return (tokens, true);
                }
            } else {
                prefix_run = 0;
            }
            tokens[kept] = (token, span);
            kept += 1;
        }
        tokens.truncate(kept);
        if !self.fatal
            && let Some(&(opener, opener_span)) = open.last()
        {
            let end = self.source.len();
            self.diagnostics.push(
                Diagnostic::error(
                    Code::UnbalancedDelimiter,
                    self.file,
                    opener_span,
                    format!("unclosed delimiter {opener}"),
                )
                .with_label(format!(
                    "this is never closed; expected {} before the end of the file",
                    closing_text(opener)
                ))
                .with_secondary(self.file, Span::new(end, end), "the file ends here"),
            );
            return (tokens, true);
        }
        (tokens, false)
    }

    /// A statement over one of the per-statement limits (E0007, as nesting too deep).
    fn statement_limit_error(&mut self, span: Span, message: String, help: &str) {
        self.error(Code::NestingTooDeep, span.start as usize, span.end as usize, message)
            .help = Some(help.into());
    }

    fn nesting_error(&mut self, span: Span) {
        self.error(
            Code::NestingTooDeep,
            span.start as usize,
            span.end as usize,
            format!("nesting is deeper than the limit of {MAX_NESTING}"),
        )
        .help = Some("split the expression or block into smaller functions".into());
    }
}

fn closing_text(opener: Token<'_>) -> &'static str {
    match opener {
        Token::LParen => "`)`",
        Token::LBracket => "`]`",
        _ => "`}`",
    }
}

/// Explains what is wrong with a run of digits and underscores, if anything.
fn digit_group_problem(digits: &str) -> Option<&'static str> {
    if digits.is_empty() || digits.chars().all(|c| c == '_') {
        Some("expected digits")
    } else if digits.ends_with('_') {
        Some("`_` may only stand between digits")
    } else {
        None
    }
}

mod literals;

pub use literals::unescape;

#[cfg(test)]
mod tests;
