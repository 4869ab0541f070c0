//! Conversions between LSP positions (line and character, in UTF-16 code units unless the
//! client chose UTF-8) and the byte offsets the compiler uses.

use lang_compiler::Span;
use lsp_types::{Position, Range};

/// How the client counts characters within a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf16,
    Utf8,
}

/// The byte offset of `position` in `text`; a position past the end of its line is the end
/// of the line, past the last line the end of the text.
pub fn offset(text: &str, position: Position, encoding: Encoding) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(index) => line_start += index + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |index| line_start + index);
    let line = &text[line_start..line_end];
    let mut units = 0u32;
    for (index, character) in line.char_indices() {
        if units >= position.character {
            return line_start + index;
        }
        units += match encoding {
            Encoding::Utf16 => character.len_utf16() as u32,
            Encoding::Utf8 => character.len_utf8() as u32,
        };
    }
    line_end
}

/// The range of `span` in `text`. For many ranges in one text, a [`LineIndex`] finds each
/// without reading the text from its start.
pub fn range(text: &str, span: Span, encoding: Encoding) -> Range {
    LineIndex::new(text).range(text, span, encoding)
}

/// Where each line of a text starts: a position is then a binary search and a count within
/// its line. Counting the lines before each of N symbols or diagnostics from the start of the
/// file made a request take time quadratic in the file (document symbols of 8,000 functions:
/// 12 s).
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(index, _)| index + 1));
        LineIndex { starts }
    }

    /// The position of byte `offset` in `text`, the text this index was made from.
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|start| *start <= offset).saturating_sub(1);
        let line_start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let character = match encoding {
            Encoding::Utf16 => text[line_start..offset].encode_utf16().count() as u32,
            Encoding::Utf8 => (offset - line_start) as u32,
        };
        Position {
            line: line as u32,
            character,
        }
    }

    pub fn range(&self, text: &str, span: Span, encoding: Encoding) -> Range {
        Range {
            start: self.position(text, span.start as usize, encoding),
            end: self.position(text, span.end as usize, encoding),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_index_gives_the_positions_of_reading_from_the_start() {
        let text = "ab\n\nlet s = \"é😀\"\r\nx\n";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            for encoding in [Encoding::Utf16, Encoding::Utf8] {
                let mut boundary = offset.min(text.len());
                while !text.is_char_boundary(boundary) {
                    boundary -= 1;
                }
                let before = &text[..boundary];
                let line_start = before.rfind('\n').map_or(0, |index| index + 1);
                let expected = Position {
                    line: before.matches('\n').count() as u32,
                    character: match encoding {
                        Encoding::Utf16 => before[line_start..].encode_utf16().count() as u32,
                        Encoding::Utf8 => (boundary - line_start) as u32,
                    },
                };
                assert_eq!(index.position(text, offset, encoding), expected, "offset {offset}");
            }
        }
    }

    #[test]
    fn utf16_counts_code_units_and_utf8_bytes() {
        let position =
            |text: &str, offset: usize, encoding: Encoding| LineIndex::new(text).position(text, offset, encoding);
        let text = "let s = \"é😀\"\nx";
        let after_emoji = text.find('"').unwrap() + 1 + 'é'.len_utf8() + '😀'.len_utf8();
        let utf16 = position(text, after_emoji, Encoding::Utf16);
        assert_eq!(
            utf16,
            Position {
                line: 0,
                character: 9 + 1 + 2
            }
        );
        assert_eq!(offset(text, utf16, Encoding::Utf16), after_emoji);
        let utf8 = position(text, after_emoji, Encoding::Utf8);
        assert_eq!(utf8.character as usize, after_emoji);
        assert_eq!(offset(text, utf8, Encoding::Utf8), after_emoji);
        assert_eq!(
            position(text, text.len(), Encoding::Utf16),
            Position { line: 1, character: 1 }
        );
        assert_eq!(
            offset(text, Position { line: 9, character: 0 }, Encoding::Utf16),
            text.len()
        );
        assert_eq!(
            offset(text, Position { line: 0, character: 99 }, Encoding::Utf16),
            text.find('\n').unwrap()
        );
    }
}
