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

/// The position of byte `offset` in `text`.
pub fn position(text: &str, offset: usize, encoding: Encoding) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let character = match encoding {
        Encoding::Utf16 => before[line_start..].encode_utf16().count() as u32,
        Encoding::Utf8 => (offset - line_start) as u32,
    };
    Position { line, character }
}

pub fn range(text: &str, span: Span, encoding: Encoding) -> Range {
    Range {
        start: position(text, span.start as usize, encoding),
        end: position(text, span.end as usize, encoding),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_code_units_and_utf8_bytes() {
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
