//! The formatter's state machine: walks the source lines keeping a stack of open brackets,
//! and writes each line with its indentation, spacing, blank lines and trailing commas.

use super::groups::{Context, GroupKind, classify, is_closer, is_opener};
use super::lines::SourceLine;
use super::spacing::{is_prefix_operator, space_between};
use crate::syntax::token::Token;

/// Spaces per indentation level.
const INDENT_WIDTH: usize = 4;

/// An open bracket (or the file itself, at the bottom of the stack).
#[derive(Debug)]
struct Group {
    kind: GroupKind,
    /// The indentation of the line holding the opener; its closer at a line start gets it.
    line_indent: usize,
    /// The indentation of the lines inside that start an element or a statement.
    content_indent: usize,
    /// The indentation of the line where the current element or statement started; its
    /// continued lines are one level deeper.
    element_indent: usize,
    /// Nothing has been written inside yet.
    empty: bool,
    /// A `,` was written inside (not in a nested group).
    has_comma: bool,
    /// The output line holding the opener (`None` for the file).
    opened_at_output_line: Option<usize>,
    /// The source line holding the opener (`None` for the file).
    opened_at_source_line: Option<usize>,
    header_pending: bool,
    function_pending: bool,
    match_pending: bool,
    /// The indentation of the line where the pending `if`, `while`, `for`, `fn` or `match`
    /// was written: its block is indented from that line, which is a continued line when the
    /// keyword starts one (`let kind = size +` then `match ...`).
    header_indent: Option<usize>,
    /// The last token was the `=>` of a function expression.
    after_function_arrow: bool,
}

impl Group {
    fn new(kind: GroupKind, line_indent: usize, output_line: Option<usize>, source_line: Option<usize>) -> Group {
        let content_indent = if output_line.is_some() { line_indent + 1 } else { 0 };
        Group {
            kind,
            line_indent,
            content_indent,
            element_indent: line_indent,
            empty: true,
            has_comma: false,
            opened_at_output_line: output_line,
            opened_at_source_line: source_line,
            header_pending: false,
            function_pending: false,
            match_pending: false,
            header_indent: None,
            after_function_arrow: false,
        }
    }

    fn clear_pending(&mut self) {
        self.header_pending = false;
        self.function_pending = false;
        self.match_pending = false;
        self.header_indent = None;
    }

    fn is_pending(&self) -> bool {
        self.header_pending || self.function_pending || self.match_pending
    }

    /// Notes that a header keyword was written on a line of indentation `line_indent`; the
    /// first of a header (`if` before the `match` in its condition) keeps its line.
    fn start_header(&mut self, line_indent: usize) {
        if !self.is_pending() {
            self.header_indent = Some(line_indent);
        }
    }
}

#[derive(Debug, Default)]
struct OutputLine<'src> {
    indent: usize,
    code: String,
    comment: Option<&'src str>,
    blank: bool,
}

struct Writer<'src> {
    groups: Vec<Group>,
    output: Vec<OutputLine<'src>>,
    /// The last token written, anywhere.
    previous: Option<Token<'src>>,
    /// What the group closed by `previous` was, when `previous` is a closer.
    previous_closed: Option<GroupKind>,
    /// The last token of the current statement, for classifying brackets and operators.
    statement_previous: Option<Token<'src>>,
    /// The last token on the output line being written, whether it is a prefix operator,
    /// and whether it opens a map (`{"a": 1}` has no space inside its braces).
    line_last: Option<(Token<'src>, bool, bool)>,
    last_code_line: Option<usize>,
    blank_pending: bool,
}

/// Formats the lines of a file (see the module documentation of `format`).
pub(super) fn write(lines: &[SourceLine<'_>]) -> String {
    let mut writer = Writer {
        groups: vec![Group::new(GroupKind::Block, 0, None, None)],
        output: Vec::new(),
        previous: None,
        previous_closed: None,
        statement_previous: None,
        line_last: None,
        last_code_line: None,
        blank_pending: false,
    };
    for (index, line) in lines.iter().enumerate() {
        writer.line(index, line);
    }
    writer.finish()
}

impl<'src> Writer<'src> {
    fn top(&mut self) -> &mut Group {
        self.groups.last_mut().expect("the file's group is never closed")
    }

    fn start_statement(&mut self) {
        self.statement_previous = None;
        self.top().clear_pending();
    }

    fn new_output_line(&mut self, indent: usize) {
        self.output.push(OutputLine {
            indent,
            ..OutputLine::default()
        });
        self.line_last = None;
    }

    fn line(&mut self, source_index: usize, line: &SourceLine<'src>) {
        if line.is_blank() {
            self.blank_pending = !self.output.is_empty();
            return;
        }
        let starts_with_closer = line.pieces.first().is_some_and(|piece| is_closer(piece.token));
        let previous = self.previous;
        if starts_with_closer {
            let top = self.top();
            // Brackets and map braces with one element may be a type (`[int]`, `{str: int}`),
            // where a `,` is not allowed: only a list that has commas gets one more.
            let may_be_type = matches!(top.kind, GroupKind::ArrayBrackets | GroupKind::MapBraces) && !top.has_comma;
            if top.kind.wants_trailing_comma() && !top.empty && !may_be_type && previous != Some(Token::Comma) {
                self.add_comma_to_last_code_line();
            }
        }
        let top = self.top();
        let indent = if starts_with_closer {
            top.line_indent
        } else if line.pieces.is_empty() {
            top.content_indent
        } else {
            // A `,` separates the elements of a list, never two statements: in a block the
            // line after one goes on with its statement (`for key,` then `value in map {`).
            let ends_element =
                previous == Some(Token::Comma) && !matches!(top.kind, GroupKind::Block | GroupKind::ArmBlock);
            let starts_element = top.empty
                || ends_element
                || (top.kind.is_braces()
                    && previous.is_some_and(|token| token == Token::Semicolon || token.can_end_statement()));
            if starts_element {
                top.element_indent = top.content_indent;
                let indent = top.content_indent;
                if self.top().kind.is_braces() {
                    self.start_statement();
                }
                indent
            } else {
                top.element_indent + 1
            }
        };
        let last_output_line = self.output.len().checked_sub(1);
        let top = self.top();
        let at_block_start = top.opened_at_output_line.is_some() && top.opened_at_output_line == last_output_line;
        if self.blank_pending && !starts_with_closer && !at_block_start {
            self.output.push(OutputLine {
                blank: true,
                ..OutputLine::default()
            });
        }
        self.blank_pending = false;
        self.new_output_line(indent);
        for (position, piece) in line.pieces.iter().enumerate() {
            let token = piece.token;
            if token == Token::Semicolon && self.splits_at_semicolon(source_index) {
                let next = line.pieces.get(position + 1).map(|piece| piece.token);
                if next.is_some_and(|next| !is_closer(next)) {
                    let content_indent = self.top().content_indent;
                    self.top().element_indent = content_indent;
                    // A `;` that starts its line (`;print(2)`) ends the statement of the line
                    // before: what follows it stays on this line, which is still empty, so that
                    // no line of only spaces is left behind.
                    match self.output.last_mut() {
                        Some(line) if line.code.is_empty() && line.comment.is_none() => line.indent = content_indent,
                        _ => self.new_output_line(content_indent),
                    }
                } else if next.is_some_and(is_closer) {
                    // `;}` on a line of its own: the `}` is what is left, lined up with the
                    // line that opened its block.
                    let closer_indent = self.top().line_indent;
                    if let Some(line) = self.output.last_mut()
                        && line.code.is_empty()
                        && line.comment.is_none()
                    {
                        line.indent = closer_indent;
                    }
                }
                self.start_statement();
                continue;
            }
            self.write_token(source_index, token, piece.text);
        }
        if let Some(comment) = line.comment {
            self.output.last_mut().expect("a line was started").comment = Some(comment);
        }
        // A line that held only a dropped `;` leaves nothing.
        if self
            .output
            .last()
            .is_some_and(|line| line.code.is_empty() && line.comment.is_none())
        {
            self.output.pop();
        }
        self.end_match_arm();
    }

    /// Whether a `;` here ends a statement that `fmt` moves to its own line: in a block that
    /// spans lines, after a token that can end a statement (or at the start of the file,
    /// where it ends nothing). A one-line block keeps its `;`.
    fn splits_at_semicolon(&mut self, source_index: usize) -> bool {
        let previous = self.previous;
        let top = self.top();
        matches!(top.kind, GroupKind::Block | GroupKind::ArmBlock)
            && top.opened_at_source_line != Some(source_index)
            && previous.is_none_or(|token| token.can_end_statement())
    }

    fn write_token(&mut self, source_index: usize, token: Token<'src>, text: &str) {
        let is_prefix = is_prefix_operator(token, self.statement_previous);
        let output_index = self.output.len() - 1;
        let line = &mut self.output[output_index];
        let top_kind = self.groups.last().expect("the file's group is never closed").kind;
        let closes_map = token == Token::RBrace && top_kind == GroupKind::MapBraces;
        if let Some((last, last_is_prefix, opens_map)) = self.line_last
            && !opens_map
            && !closes_map
            && space_between(last, last_is_prefix, token)
        {
            line.code.push(' ');
        }
        line.code.push_str(text);
        let line_indent = line.indent;
        self.line_last = Some((token, is_prefix, false));
        self.last_code_line = Some(output_index);

        self.previous_closed = None;
        if is_closer(token) {
            if self.groups.len() > 1 {
                let closed = self.groups.pop().expect("checked above");
                self.previous_closed = Some(closed.kind);
            }
        } else if is_opener(token) {
            let context = {
                let previous = self.statement_previous;
                let top = self.top();
                Context {
                    previous,
                    header_pending: top.header_pending,
                    function_pending: top.function_pending,
                    match_pending: top.match_pending,
                    after_function_arrow: top.after_function_arrow,
                }
            };
            let kind = classify(token, &context);
            let top = self.top();
            top.empty = false;
            let header_indent = top.header_indent;
            match kind {
                GroupKind::Match => top.match_pending = false,
                GroupKind::Block => {
                    top.header_pending = false;
                    top.function_pending = false;
                }
                _ => {}
            }
            if !top.is_pending() {
                top.header_indent = None;
            }
            if kind == GroupKind::MapBraces {
                self.line_last = Some((token, false, true));
            }
            // The body of an `if`, `while`, `fn`... whose head spans lines is indented from
            // the head's first line, and its `}` lines up with it.
            // A header that starts on a continued line is indented from that line.
            // `} else {` is on the line of the `}` it follows, which lines up with the head.
            let opener_indent = match kind {
                GroupKind::Block | GroupKind::Match => match header_indent {
                    Some(header_indent) => header_indent.min(line_indent),
                    None if context.previous == Some(Token::Else) => line_indent,
                    None => self.top().element_indent.min(line_indent),
                },
                GroupKind::ArmBlock => self.top().element_indent.min(line_indent),
                _ => line_indent,
            };
            let group = Group::new(kind, opener_indent, Some(output_index), Some(source_index));
            self.groups.push(group);
        } else {
            let top = self.top();
            top.empty = false;
            if token == Token::Comma {
                top.has_comma = true;
            }
        }
        let top = self.top();
        top.after_function_arrow = token == Token::FatArrow && top.function_pending;
        match token {
            Token::If | Token::While | Token::For => {
                top.start_header(line_indent);
                top.header_pending = true;
            }
            Token::Fn => {
                top.start_header(line_indent);
                top.function_pending = true;
            }
            Token::Match => {
                top.start_header(line_indent);
                top.match_pending = true;
            }
            Token::FatArrow => top.clear_pending(),
            Token::Assign => {
                top.function_pending = false;
                if !top.is_pending() {
                    top.header_indent = None;
                }
            }
            Token::Comma => {
                top.function_pending = false;
                if !top.is_pending() {
                    top.header_indent = None;
                }
                top.element_indent = line_indent;
            }
            Token::Semicolon => top.element_indent = line_indent,
            _ => {}
        }
        self.previous = Some(token);
        self.statement_previous = Some(token);
        if matches!(token, Token::Semicolon) || (matches!(token, Token::Comma) && self.top().kind.is_braces()) {
            self.statement_previous = None;
        }
    }

    /// A line that ends an arm of a multi-line `match` ends it with `,`, unless the arm's
    /// body is a block.
    fn end_match_arm(&mut self) {
        let Some(previous) = self.previous else { return };
        let top = self.groups.last().expect("the file's group is never closed");
        if top.kind != GroupKind::Match || top.empty || !previous.can_end_statement() {
            return;
        }
        if previous == Token::RBrace && self.previous_closed == Some(GroupKind::ArmBlock) {
            return;
        }
        self.add_comma_to_last_code_line();
        self.previous = Some(Token::Comma);
        self.statement_previous = None;
    }

    fn add_comma_to_last_code_line(&mut self) {
        if let Some(index) = self.last_code_line {
            self.output[index].code.push(',');
        }
    }

    fn finish(self) -> String {
        let mut text = String::new();
        for line in &self.output {
            if !line.blank {
                for _ in 0..line.indent * INDENT_WIDTH {
                    text.push(' ');
                }
                text.push_str(&line.code);
                if let Some(comment) = line.comment {
                    if !line.code.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(comment);
                }
            }
            text.push('\n');
        }
        text
    }
}
