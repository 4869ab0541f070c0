//! The literals that need more than a regular expression: string literals with `{expr}`
//! interpolation (the expression inside is lexed recursively, string literals inside it
//! included), raw strings `r#"..."#`, character literals `'a'`, and the format specification
//! that may end an interpolation (`"{x:>8.2}"`, LANGUAGE.md section 11).

use super::{Lexer, Mode};
use crate::diagnostics::Code;
use crate::syntax::ast::{FormatAlign, FormatSpec};
use crate::syntax::token::Token;

/// The widest width a format specification may ask for. Far above any table column, low
/// enough that a typo cannot make a program allocate gigabytes per interpolation.
pub const MAX_FORMAT_WIDTH: u32 = 65_535;
/// The largest precision, the same bound as `fixed`'s digits.
pub const MAX_FORMAT_PRECISION: u32 = 1000;

impl<'src> Lexer<'src> {
    /// Scans a string literal whose opening quote is at `open`; returns the offset just past
    /// the closing quote (or the end of the file if there is none).
    pub(super) fn scan_string(&mut self, open: usize) -> usize {
        let bytes = self.source.as_bytes();
        let mut position = open + 1;
        let mut text_start = position;
        let mut interpolated = false;
        loop {
            let Some(&byte) = bytes.get(position) else {
                self.error(Code::UnterminatedString, open, open + 1, "unterminated string literal")
                    .primary
                    .message = "this string is never closed".into();
                self.fatal = true;
                return self.source.len();
            };
            match byte {
                b'"' => {
                    if interpolated {
                        if text_start < position {
                            self.push(Token::StrText(&self.source[text_start..position]), text_start, position);
                        }
                        self.push(Token::StrEnd, position, position + 1);
                    } else {
                        self.push(Token::Str(&self.source[text_start..position]), open, position + 1);
                    }
                    return position + 1;
                }
                b'\\' => {
                    let escaped = self.source[position + 1..].chars().next();
                    match escaped {
                        Some('n' | 't' | 'r' | '\\' | '"' | '{' | '}') => position += 2,
                        Some(other) => {
                            let end = position + 1 + other.len_utf8();
                            self.error(
                                Code::UnknownEscape,
                                position,
                                end,
                                format!("unknown escape sequence `\\{}`", other.escape_debug()),
                            )
                            .help = Some(r#"the escapes are \n \t \r \\ \" \{ and \}"#.into());
                            position = end;
                        }
                        None => position += 1,
                    }
                }
                b'{' => {
                    if !interpolated {
                        interpolated = true;
                        self.push(Token::StrStart, open, open + 1);
                    }
                    if text_start < position {
                        self.push(Token::StrText(&self.source[text_start..position]), text_start, position);
                    }
                    self.push(Token::InterpStart, position, position + 1);
                    let tokens_before = self.tokens.len();
                    let close = self.lex_tokens(position + 1, Mode::Interpolation);
                    if close >= self.source.len() {
                        self.error(
                            Code::BadInterpolation,
                            position,
                            position + 1,
                            "unterminated interpolation in string literal",
                        )
                        .primary
                        .message = "this `{` is never closed".into();
                        self.fatal = true;
                        return self.source.len();
                    }
                    // `{}`, or `{:5}`: a format specification with nothing to format.
                    let nothing_to_format = self.tokens[tokens_before..]
                        .iter()
                        .all(|(token, _)| matches!(token, Token::FormatSpec(_)));
                    if nothing_to_format {
                        self.error(
                            Code::BadInterpolation,
                            position,
                            close + 1,
                            "empty interpolation in string literal",
                        )
                        .help = Some(r"write `\{` for a literal brace".into());
                        // Drop the empty `{}` so the parser does not report it again.
                        self.tokens.truncate(tokens_before - 1);
                        position = close + 1;
                        text_start = position;
                        continue;
                    }
                    self.push(Token::InterpEnd, close, close + 1);
                    position = close + 1;
                    text_start = position;
                }
                _ => position += 1,
            }
        }
    }

    /// Scans a raw string whose opener (`r`, some `#`, `"`) spans `open..text_start`; returns
    /// the offset just past its closing `"` and as many `#`. Nothing inside is an escape or an
    /// interpolation, and line breaks are kept as written.
    pub(super) fn scan_raw_string(&mut self, open: usize, text_start: usize) -> usize {
        let hashes = text_start - open - 2;
        let closing = format!("\"{}", "#".repeat(hashes));
        match self.source[text_start..].find(&closing) {
            Some(length) => {
                let text_end = text_start + length;
                let end = text_end + closing.len();
                self.push(Token::RawStr(&self.source[text_start..text_end]), open, end);
                end
            }
            None => {
                let source = self.source;
                let diagnostic = self.error(
                    Code::UnterminatedString,
                    open,
                    text_start,
                    "unterminated raw string literal",
                );
                diagnostic.primary.message = "this raw string is never closed".into();
                diagnostic.help = Some(format!(
                    "a raw string opened with `{}` ends at `{closing}`",
                    &source[open..text_start]
                ));
                self.fatal = true;
                self.source.len()
            }
        }
    }

    /// Scans a character literal whose opening `'` is at `open`; returns the offset where
    /// lexing goes on. The literal is one Unicode scalar value, written plainly or as an
    /// escape of strings or `\'`.
    pub(super) fn scan_char(&mut self, open: usize) -> usize {
        let rest = &self.source[open + 1..];
        let mut characters = rest.char_indices();
        let value = match characters.next() {
            None | Some((_, '\n')) => return self.unterminated_char(open),
            Some((_, '\'')) => {
                let diagnostic = self.error(Code::BadCharLiteral, open, open + 2, "empty character literal");
                diagnostic.primary.message = "no character between the quotes".into();
                diagnostic.help = Some(
                    "a character literal holds exactly one character, like `'a'`; write `'\\''` for a quote".into(),
                );
                self.push(Token::Error, open, open + 2);
                return open + 2;
            }
            Some((_, '\\')) => match characters.next() {
                Some((_, escaped)) => match char_escape(escaped) {
                    Some(value) => value,
                    None => {
                        let start = open + 1;
                        let end = open + 2 + escaped.len_utf8();
                        let diagnostic = self.error(
                            Code::UnknownEscape,
                            start,
                            end,
                            format!("unknown escape sequence `\\{}`", escaped.escape_debug()),
                        );
                        diagnostic.primary.message = "not an escape".into();
                        diagnostic.help =
                            Some(r#"the escapes of a character literal are \n \t \r \\ \' \" \{ and \}"#.into());
                        '?'
                    }
                },
                None => return self.unterminated_char(open),
            },
            Some((_, character)) => character,
        };
        match characters.next() {
            Some((offset, '\'')) => {
                let end = open + 1 + offset + 1;
                self.push(Token::Char(u32::from(value)), open, end);
                end
            }
            _ => {
                // More than one character before a closing quote on the same line, or none.
                let line = rest.split('\n').next().unwrap_or("");
                match line.find('\'') {
                    Some(close) => {
                        let end = open + 1 + close + 1;
                        let diagnostic = self.error(
                            Code::BadCharLiteral,
                            open,
                            end,
                            "a character literal holds exactly one character",
                        );
                        diagnostic.primary.message = "more than one character between the quotes".into();
                        diagnostic.help = Some("write a string in double quotes for more than one character".into());
                        self.push(Token::Error, open, end);
                        end
                    }
                    None => self.unterminated_char(open),
                }
            }
        }
    }

    /// Reports a `'` that no closing quote follows on its line, and goes on after the line.
    fn unterminated_char(&mut self, open: usize) -> usize {
        let diagnostic = self.error(Code::BadCharLiteral, open, open + 1, "unterminated character literal");
        diagnostic.primary.message = "this `'` is never closed".into();
        diagnostic.help = Some("a character literal is one character between single quotes, like `'a'`".into());
        let line_end = self.source[open..]
            .find('\n')
            .map_or(self.source.len(), |offset| open + offset);
        self.push(Token::Error, open, line_end);
        line_end
    }

    /// Scans the format specification that starts at `start`, just after the `:` of an
    /// interpolation; returns the offset of the `}` that closes the interpolation (the end of
    /// the file when there is none on this line, which the caller reports).
    pub(super) fn scan_format_spec(&mut self, start: usize) -> usize {
        let Some(length) = self.source[start..].find(['}', '\n']) else {
            return self.source.len();
        };
        let end = start + length;
        if self.source.as_bytes()[end] == b'\n' {
            return self.source.len();
        }
        let text = &self.source[start..end];
        match parse_format_spec(text) {
            Ok(spec) => self.push(Token::FormatSpec(spec), start, end),
            Err(problem) => {
                let (problem_start, problem_end) = (start + problem.start, start + problem.end);
                let diagnostic = self.error(Code::BadFormatSpec, problem_start, problem_end, problem.message);
                diagnostic.primary.message = problem.label.into();
                diagnostic.help = Some(
                    "a format specification is `[[fill]align][0][width][.precision]`, like `{x:>8}`, `{n:05}` or `{v:.2}`"
                        .into(),
                );
                self.push(Token::Error, start, end);
            }
        }
        end
    }
}

/// The value of `\c` in a character literal: the escapes of strings plus `\'`.
fn char_escape(escaped: char) -> Option<char> {
    match escaped {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '\\' | '"' | '{' | '}' | '\'' => Some(escaped),
        _ => None,
    }
}

/// What is wrong with a format specification, and where (byte offsets into it).
#[derive(Debug, PartialEq)]
pub struct SpecProblem {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub label: &'static str,
}

/// Parses `[[fill]align][0][width][.precision]`.
pub fn parse_format_spec(text: &str) -> Result<FormatSpec, SpecProblem> {
    let alignment = |character: char| match character {
        '<' => Some(FormatAlign::Left),
        '>' => Some(FormatAlign::Right),
        '^' => Some(FormatAlign::Center),
        _ => None,
    };
    let mut spec = FormatSpec {
        fill: ' ',
        align: None,
        zero: false,
        width: 0,
        precision: None,
    };
    let mut characters = text.char_indices().peekable();
    let mut first_two = text.chars();
    let (first, second) = (first_two.next(), first_two.next());
    if let (Some(fill), Some(align)) = (first, second.and_then(alignment)) {
        spec.fill = fill;
        spec.align = Some(align);
        characters.next();
        characters.next();
    } else if let Some(align) = first.and_then(alignment) {
        spec.align = Some(align);
        characters.next();
    }
    if characters.next_if(|&(_, character)| character == '0').is_some() {
        spec.zero = true;
    }
    let number = |characters: &mut std::iter::Peekable<std::str::CharIndices<'_>>, what: &str, limit: u32| {
        let start = characters.peek().map_or(text.len(), |&(offset, _)| offset);
        let mut end = start;
        while characters
            .next_if(|&(_, character)| character.is_ascii_digit())
            .is_some()
        {
            end += 1;
        }
        if end == start {
            return Ok(None);
        }
        match text[start..end].parse::<u32>() {
            Ok(value) if value <= limit => Ok(Some(value)),
            _ => Err(SpecProblem {
                start,
                end,
                message: format!("the {what} of a format specification may be at most {limit}"),
                label: "too large",
            }),
        }
    };
    spec.width = number(&mut characters, "width", MAX_FORMAT_WIDTH)?.unwrap_or(0);
    if let Some((dot, _)) = characters.next_if(|&(_, character)| character == '.') {
        match number(&mut characters, "precision", MAX_FORMAT_PRECISION)? {
            Some(precision) => spec.precision = Some(precision),
            None => {
                return Err(SpecProblem {
                    start: dot,
                    end: dot + 1,
                    message: "expected the number of decimals after `.` in the format specification".into(),
                    label: "digits expected after this `.`",
                });
            }
        }
    }
    if let Some((offset, character)) = characters.next() {
        let hint = if offset == 0 {
            " (a fill character goes before an alignment `<`, `>` or `^`)"
        } else {
            ""
        };
        return Err(SpecProblem {
            start: offset,
            end: offset + character.len_utf8(),
            message: format!(
                "unexpected `{}` in the format specification `{text}`{hint}",
                // As written, but a character that would not show (a tab, a control character)
                // as its escape; `escape_debug` would also double a `\`.
                if character.is_control() {
                    character.escape_debug().to_string()
                } else {
                    character.to_string()
                }
            ),
            label: "not part of a format specification",
        });
    }
    Ok(spec)
}

/// Decodes the escapes of string-literal text. The lexer has already reported unknown
/// escapes; they are kept as written.
pub fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut characters = raw.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        match characters.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other @ ('\\' | '"' | '{' | '}')) => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
