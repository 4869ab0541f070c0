//! Closing the brackets that half-typed code leaves open, so that completion and document
//! symbols can still read the file. While a line such as `print(n.` is being typed, the `(`
//! is never closed and the parser gives up on the whole file (E0102); the editor asks for
//! completions at exactly that moment. The repaired text closes each `(` or `[` left open at
//! the end of the line that opened it (after its last token, so not inside a `//` comment)
//! and each `{` left open at the end of the file; nothing else changes, so every offset
//! before an insertion is the same in both texts ([`Repair::to_original`] maps the others).

use std::collections::HashMap;

use crate::source::FileId;
use crate::syntax::lexer;
use crate::syntax::token::Token;

/// The closers inserted into a text, in order of their offsets in the original text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repair {
    insertions: Vec<(usize, &'static str)>,
}

impl Repair {
    /// Whether the text needed nothing.
    pub fn is_empty(&self) -> bool {
        self.insertions.is_empty()
    }

    /// The repaired text.
    pub fn apply(&self, text: &str) -> String {
        let added: usize = self.insertions.iter().map(|(_, closer)| closer.len()).sum();
        let mut repaired = String::with_capacity(text.len() + added);
        let mut copied = 0;
        for (offset, closer) in &self.insertions {
            repaired.push_str(&text[copied..*offset]);
            repaired.push_str(closer);
            copied = *offset;
        }
        repaired.push_str(&text[copied..]);
        repaired
    }

    /// The offset in the repaired text of `offset` in the original (text inserted at the
    /// offset itself comes after it).
    pub fn to_repaired(&self, offset: usize) -> usize {
        offset
            + self
                .insertions
                .iter()
                .filter(|(at, _)| *at < offset)
                .map(|(_, closer)| closer.len())
                .sum::<usize>()
    }

    /// The offset in the original text of `offset` in the repaired one; an offset inside an
    /// inserted closer maps to where it was inserted.
    pub fn to_original(&self, offset: usize) -> usize {
        let mut shift = 0;
        for (at, closer) in &self.insertions {
            let start = at + shift;
            if offset <= start {
                break;
            }
            if offset < start + closer.len() {
                return *at;
            }
            shift += closer.len();
        }
        offset - shift
    }
}

/// What closing the brackets `text` leaves open takes; empty when every bracket is closed.
pub fn close_open_brackets(text: &str) -> Repair {
    let layout = lexer::lex_layout(text, FileId(0));
    let mut open: Vec<(Token<'_>, usize)> = Vec::new();
    let mut insertions: Vec<(usize, &'static str)> = Vec::new();
    // First pass: find the unclosed brackets, each with whether it closes at the end of the
    // file (a `{`, and any bracket around one) or at the end of its line.
    let mut unclosed: Vec<(usize, &'static str, bool)> = Vec::new();
    // For a `(` or `[` (by its offset): the end of the last block opened inside it and closed
    // (`xs.map(fn(x) {` ... `}`), after which it closes rather than at the end of its line.
    let mut inner_block_end: HashMap<usize, usize> = HashMap::new();
    for &(token, span) in &layout.tokens {
        let start = span.start as usize;
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => open.push((token, start)),
            Token::RParen | Token::RBracket | Token::RBrace => {
                let opener = match token {
                    Token::RParen => Token::LParen,
                    Token::RBracket => Token::LBracket,
                    _ => Token::LBrace,
                };
                // A closer of an outer bracket closes it; the brackets opened inside it and
                // never closed are the ones to repair (a `{` among them at the end of its
                // line too: the outer closer comes before the end of the file). A closer that
                // matches nothing open is left alone (the file has other errors).
                if let Some(position) = open.iter().rposition(|(kind, _)| *kind == opener) {
                    for (kind, at) in open.drain(position + 1..) {
                        unclosed.push((at, closer_of(kind), false));
                    }
                    open.pop();
                    if token == Token::RBrace
                        && let Some((Token::LParen | Token::LBracket, outer)) = open.last()
                    {
                        inner_block_end.insert(*outer, span.end as usize);
                    }
                }
            }
            _ => {}
        }
    }
    let innermost_brace = open.iter().rposition(|(kind, _)| *kind == Token::LBrace);
    for (index, (kind, at)) in open.drain(..).enumerate() {
        let at_end = innermost_brace.is_some_and(|brace| index <= brace);
        unclosed.push((at, closer_of(kind), at_end));
    }
    // Second pass: where each closer goes: after the last token of the opener's line, or on
    // a line of its own at the end of the file.
    let line_ends = last_token_end_of_each_line(text, &layout.tokens);
    // A block left open (a new `if ... {` whose `}` is not typed yet) ends before the next
    // item that starts a line after it, not at the end of the file, which would put that
    // item inside (and a `struct A {` left open before `fn f() {` ends before `fn f`).
    for (at, closer, at_end) in unclosed {
        if at_end {
            match next_item_line(text, at) {
                Some(line_start) => insertions.push((line_start, before_line(closer))),
                None => insertions.push((text.len(), with_newline(closer))),
            }
        } else {
            let end = line_ends
                .iter()
                .find(|(line_start, _)| *line_start > at)
                .map_or(text.len(), |(_, previous_end)| *previous_end);
            let end = inner_block_end.get(&at).map_or(end, |block_end| end.max(*block_end));
            insertions.push((end.max(at + 1), closer));
        }
    }
    // Several closers at one place go innermost first. `unclosed` lists the openers of one
    // drain outermost first, and the stable sort keeps that order: reversed per place below.
    insertions.sort_by_key(|(at, _)| *at);
    let mut ordered: Vec<(usize, &'static str)> = Vec::with_capacity(insertions.len());
    let mut index = 0;
    while index < insertions.len() {
        let offset = insertions[index].0;
        let group_end = insertions[index..]
            .iter()
            .position(|(at, _)| *at != offset)
            .map_or(insertions.len(), |length| index + length);
        ordered.extend(insertions[index..group_end].iter().rev());
        index = group_end;
    }
    Repair { insertions: ordered }
}

/// The start of the first line after `offset` that begins, unindented, with an item
/// (`fn`, `pub`, `struct`, `enum`, `import`).
fn next_item_line(text: &str, offset: usize) -> Option<usize> {
    let mut line_start = offset + text[offset..].find('\n')? + 1;
    loop {
        let line = &text[line_start..];
        if ["fn ", "pub ", "struct ", "enum ", "import "]
            .iter()
            .any(|keyword| line.starts_with(keyword))
        {
            return Some(line_start);
        }
        line_start += line.find('\n')? + 1;
    }
}

fn before_line(closer: &'static str) -> &'static str {
    match closer {
        ")" => ")\n",
        "]" => "]\n",
        _ => "}\n",
    }
}

fn with_newline(closer: &'static str) -> &'static str {
    match closer {
        ")" => "\n)",
        "]" => "\n]",
        _ => "\n}",
    }
}

fn closer_of(opener: Token<'_>) -> &'static str {
    match opener {
        Token::LParen => ")",
        Token::LBracket => "]",
        _ => "}",
    }
}

/// For each newline token: the offset just after it (where the next line starts) and the
/// end of the last token before it on its line (or the newline's own offset on an empty one).
fn last_token_end_of_each_line(text: &str, tokens: &[(Token<'_>, crate::source::Span)]) -> Vec<(usize, usize)> {
    let mut ends = Vec::new();
    let mut last_end = None;
    for &(token, span) in tokens {
        if token == Token::Newline {
            let newline = span.start as usize;
            ends.push((newline + 1, last_end.unwrap_or(newline)));
            last_end = None;
        } else {
            last_end = Some(span.end as usize);
        }
    }
    ends.push((text.len() + 1, last_end.unwrap_or(text.len())));
    ends
}

/// `text` with the line holding `offset` cut down to the name being completed and what it
/// is a member of (`    if p.na` to `    p.na`, `    let s = "{p.` to `    p.`, `    fo` stays),
/// and the offset of the cursor in the new text; `None` when there is nothing to cut. What
/// the line held after the cursor is dropped.
pub(super) fn reduce_cursor_line(text: &str, offset: usize) -> Option<(String, usize)> {
    let line_start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |newline| offset + newline);
    let line = &text[line_start..offset];
    let indent = &line[..line.len() - line.trim_start().len()];
    let name_start = offset
        - text[line_start..offset]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum::<usize>();
    let name = &text[name_start..offset];
    let kept = if text[..name_start].ends_with('.') && !text[..name_start].ends_with("..") {
        let dot = name_start - 1;
        let object_start = object_start(text, line_start, dot)?;
        // A name the cut part binds (`fn(q: P) => q.`, `for q in ps { q.`) would be read as
        // another `q` of the same name, or not at all: better no completion than wrong ones.
        let root: String = text[object_start..dot]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let cut = &text[line_start..object_start];
        let binds_root = cut
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|word| word == root);
        if binds_root {
            return None;
        }
        format!("{}.{name}", &text[object_start..dot])
    } else {
        name.to_string()
    };
    let reduced_line = format!("{indent}{kept}");
    if reduced_line == text[line_start..line_end] {
        return None;
    }
    let mut reduced = String::with_capacity(text.len());
    reduced.push_str(&text[..line_start]);
    reduced.push_str(&reduced_line);
    reduced.push_str(&text[line_end..]);
    Some((reduced, line_start + reduced_line.len()))
}

/// `text` with the lines that do not parse (another half-typed statement) blanked, keeping
/// every offset, except the line starting at `keep`: some rounds, as the parser reports one
/// error where it gave up. The last text tried when some error remains.
pub(super) fn blank_broken_lines(mut blanked: String, keep: Option<usize>) -> String {
    for _ in 0..32 {
        let (_, errors) = crate::syntax::parse_file(&blanked, crate::source::FileId(0));
        if errors.is_empty() {
            break;
        }
        let lines: Vec<usize> = errors
            .iter()
            .map(|error| {
                let offset = error.primary.span.start as usize;
                line_to_blank(&blanked, line_start(&blanked, offset), offset)
            })
            .filter(|line| Some(*line) != keep)
            .collect();
        if lines.is_empty() {
            break;
        }
        blanked = blank_lines(&blanked, &lines);
    }
    blanked
}

/// The offset where the line holding `offset` starts.
fn line_start(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    text[..offset].rfind('\n').map_or(0, |newline| newline + 1)
}

/// `text` with the lines starting at `line_starts` made blank: each of their bytes a space,
/// so that every offset stays where it was.
pub(super) fn blank_lines(text: &str, line_starts: &[usize]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &start in line_starts {
        let end = text[start..].find('\n').map_or(text.len(), |newline| start + newline);
        bytes[start..end].fill(b' ');
    }
    // Whole lines of whole characters were replaced, so the text is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// The line to blank for a syntax error on the line starting at `line_start`: that line,
/// or, when it holds only closing brackets (`}` after `let y =`), the non-blank line above,
/// whose statement the closer cut short.
pub(super) fn line_to_blank(text: &str, line_start: usize, error: usize) -> usize {
    let end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |newline| line_start + newline);
    let only_closers = text[line_start..end]
        .trim()
        .chars()
        .all(|c| matches!(c, '}' | ')' | ']'));
    // An error at the first token of a line whose previous line ends in a way that goes on
    // (`let a =`, `x +`, `f(a,`) is that line's: the statement above never ended.
    let at_first_token = text[line_start..error.clamp(line_start, end)].trim().is_empty();
    let previous_goes_on = line_start > 0
        && text[..line_start - 1].trim_end().ends_with([
            '=', '+', '-', '*', '/', '%', ',', '(', '[', '.', '<', '>', '&', '|', '^',
        ]);
    let statement_above_goes_on = at_first_token && previous_goes_on;
    if !(only_closers || statement_above_goes_on) {
        return line_start;
    }
    let mut previous = line_start;
    while previous > 0 {
        let start = text[..previous - 1].rfind('\n').map_or(0, |newline| newline + 1);
        if !text[start..previous - 1].trim().is_empty() {
            return start;
        }
        previous = start;
    }
    line_start
}

/// Where the object of a member access ends at `dot` starts, on the line from `line_start`:
/// names joined by `.`, with the calls, indexing and unwrapping after them
/// (`a.b(c)[0]!.d`). `None` when the dot follows nothing of that shape.
fn object_start(text: &str, line_start: usize, dot: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut start = dot;
    loop {
        // Postfix parts: `(...)`, `[...]` and `!`, innermost last.
        while start > line_start {
            match bytes[start - 1] {
                b'!' => start -= 1,
                b')' | b']' => start = group_start(bytes, line_start, start - 1)?,
                _ => break,
            }
        }
        let name_start = text[line_start..start]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
            .last()
            .map(|(index, _)| line_start + index)?;
        start = name_start;
        if start > line_start + 1 && bytes[start - 1] == b'.' && bytes[start - 2] != b'.' {
            start -= 1;
        } else {
            return Some(start);
        }
    }
}

/// The offset of the bracket that the closer at `close` closes, on its line.
fn group_start(bytes: &[u8], line_start: usize, close: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut index = close + 1;
    while index > line_start {
        index -= 1;
        match bytes[index] {
            b')' | b']' => depth += 1,
            b'(' | b'[' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::close_open_brackets;

    #[track_caller]
    fn repaired(text: &str) -> String {
        close_open_brackets(text).apply(text)
    }

    #[test]
    fn an_unclosed_call_closes_at_the_end_of_its_line() {
        assert_eq!(
            repaired("fn main() {\n    print(n.x\n}\n"),
            "fn main() {\n    print(n.x)\n}\n"
        );
        assert_eq!(
            repaired("fn main() {\n    print(f(xs[n.x // note\n    let y = 2\n}\n"),
            "fn main() {\n    print(f(xs[n.x])) // note\n    let y = 2\n}\n"
        );
    }

    #[test]
    fn an_unclosed_brace_closes_at_the_end_of_the_file() {
        assert_eq!(
            repaired("fn main() {\n    let x = n."),
            "fn main() {\n    let x = n.\n}"
        );
    }

    #[test]
    fn a_call_around_an_unclosed_function_body_closes_after_it() {
        assert_eq!(
            repaired("fn main() {\n    xs.map(fn(x) {\n        x."),
            "fn main() {\n    xs.map(fn(x) {\n        x.\n}\n)\n}"
        );
    }

    #[test]
    fn the_cursor_line_is_cut_down_to_what_is_completed() {
        let reduce = |text: &str, at: &str| {
            let offset = text.find(at).unwrap() + at.len();
            super::reduce_cursor_line(text, offset).map(|(reduced, offset)| {
                let mut shown = reduced.clone();
                shown.insert(offset, '|');
                shown
            })
        };
        assert_eq!(reduce("x\n    if p.na\ny", "p.na").as_deref(), Some("x\n    p.na|\ny"));
        assert_eq!(reduce("    let s = \"{p.", "{p.").as_deref(), Some("    p.|"));
        assert_eq!(
            reduce("    for x in a.b(c, d[1])[0]!.", "!.").as_deref(),
            Some("    a.b(c, d[1])[0]!.|")
        );
        assert_eq!(reduce("    while co", "co").as_deref(), Some("    co|"));
        assert_eq!(reduce("    co", "co"), None);
    }

    #[test]
    fn an_unclosed_block_ends_before_the_next_item() {
        assert_eq!(
            repaired("fn main() {\n    if x {\n        p.\n}\n\nfn other() {\n}\n"),
            "fn main() {\n    if x {\n        p.\n}\n\n}\nfn other() {\n}\n"
        );
    }

    #[test]
    fn a_call_around_a_closed_function_body_closes_after_it() {
        assert_eq!(
            repaired("fn main() {\n    let q = xs.map(fn(x) {\n        x.\n}\n"),
            "fn main() {\n    let q = xs.map(fn(x) {\n        x.\n})\n\n}"
        );
    }

    #[test]
    fn a_line_that_binds_the_object_is_not_cut() {
        let text = "    let f = fn(q: P) => q. +";
        assert_eq!(super::reduce_cursor_line(text, text.find("q. ").unwrap() + 2), None);
    }

    #[test]
    fn a_balanced_text_needs_nothing() {
        let text = "fn main() {\n    print(\"{x} (\")\n    let xs = [\n        1,\n    ]\n}\n";
        assert!(close_open_brackets(text).is_empty());
    }

    #[test]
    fn offsets_map_both_ways() {
        let text = "f(a\nb[c\n";
        let repair = close_open_brackets(text);
        assert_eq!(repair.apply(text), "f(a)\nb[c]\n");
        // `b` is at 4 in the original, 5 in the repaired text.
        assert_eq!(repair.to_repaired(4), 5);
        assert_eq!(repair.to_original(5), 4);
        // The inserted `)` maps to where it was inserted.
        assert_eq!(repair.to_original(3), 3);
        assert_eq!(repair.to_original(repair.to_repaired(text.len())), text.len());
    }
}
