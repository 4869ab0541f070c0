//! The formatter's view of a file: source lines of pieces, each with its trailing comment.

use crate::source::FileId;
use crate::syntax::lexer::lex_layout;
use crate::syntax::token::Token;

/// One token as the formatter handles it. A string literal with interpolations is one piece
/// (kind `StrEnd`): its text, interpolated expressions included, is never changed.
#[derive(Clone, Copy, Debug)]
pub(super) struct Piece<'src> {
    pub token: Token<'src>,
    pub text: &'src str,
}

/// The pieces between two newlines of the source, and the `//` comment ending the line.
#[derive(Debug, Default)]
pub(super) struct SourceLine<'src> {
    pub pieces: Vec<Piece<'src>>,
    pub comment: Option<&'src str>,
}

impl SourceLine<'_> {
    pub fn is_blank(&self) -> bool {
        self.pieces.is_empty() && self.comment.is_none()
    }
}

/// Cuts `source` (already known to lex and parse without errors) into lines.
pub(super) fn split(source: &str, file: FileId) -> Vec<SourceLine<'_>> {
    let layout = lex_layout(source, file);
    let mut comments = layout.comments.iter().peekable();
    let mut lines = vec![SourceLine::default()];
    let mut string_depth = 0usize;
    let mut string_start = 0usize;
    for &(token, span) in &layout.tokens {
        let (start, end) = (span.start as usize, span.end as usize);
        if string_depth == 0 {
            while let Some(comment) = comments.next_if(|comment| (comment.start as usize) < start) {
                let line = lines.last_mut().expect("there is always a current line");
                line.comment = Some(&source[comment.start as usize..comment.end as usize]);
            }
        }
        match token {
            Token::StrStart => {
                if string_depth == 0 {
                    string_start = start;
                }
                string_depth += 1;
                continue;
            }
            Token::StrEnd => {
                string_depth -= 1;
                if string_depth == 0 {
                    let piece = Piece {
                        token: Token::StrEnd,
                        text: &source[string_start..end],
                    };
                    lines
                        .last_mut()
                        .expect("there is always a current line")
                        .pieces
                        .push(piece);
                }
                continue;
            }
            _ if string_depth > 0 => continue,
            Token::Newline => {
                lines.push(SourceLine::default());
                continue;
            }
            _ => {}
        }
        let piece = Piece {
            token,
            text: &source[start..end],
        };
        lines
            .last_mut()
            .expect("there is always a current line")
            .pieces
            .push(piece);
    }
    for comment in comments {
        lines.last_mut().expect("there is always a current line").comment =
            Some(&source[comment.start as usize..comment.end as usize]);
    }
    lines
}
