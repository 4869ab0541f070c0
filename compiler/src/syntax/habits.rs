//! Habits from other languages (LANGUAGE.md section 11): `!x`, `&&`, `||`, `x++`, `x--`, `=`
//! in a condition, `elif`/`elsif`, C-style `for` loops, and Rust's `A::B` and `|x| expr`, found
//! in the tokens between the lexer and the parser. Each gets its own diagnostic naming the
//! `lang` way, and the tokens are repaired (`&&` becomes `and`, a C-style head becomes an
//! empty range, ...) so the parser goes on to report the file's other syntax errors. A parser error inside a habit's span is
//! a consequence of the habit and is dropped (`Habits::explains`).

use super::token::Token;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// What the pass found: one diagnostic per habit, and the spans it covers.
pub struct Habits {
    pub diagnostics: Vec<Diagnostic>,
    spans: Vec<Span>,
}

impl Habits {
    /// Whether a parser error at `span` falls inside a habit already reported.
    pub fn explains(&self, span: Span) -> bool {
        self.spans
            .iter()
            .any(|habit| habit.start <= span.start && span.start < habit.end.max(habit.start + 1))
    }
}

/// Finds the habits in `tokens` and repairs them in place. A file without habits (nearly
/// every file) keeps its vector as it is: nothing is copied (see `Output`).
pub fn find_and_repair<'src>(source: &str, tokens: &mut Vec<(Token<'src>, Span)>, file: FileId) -> Habits {
    let mut input = std::mem::take(tokens);
    let mut pass = Pass {
        source,
        file,
        output: Output {
            input: &input,
            passed: 0,
            copied: None,
        },
        habits: Habits {
            diagnostics: Vec::new(),
            spans: Vec::new(),
        },
    };
    let mut index = 0;
    while index < input.len() {
        index = pass.step(&input, index);
    }
    let Pass { output, habits, .. } = pass;
    let (passed, copied) = (output.passed, output.copied);
    *tokens = match copied {
        Some(copied) => copied,
        None => {
            input.truncate(passed);
            input
        }
    };
    habits
}

/// The repaired tokens, copy-on-write. While every token so far went through unchanged, in
/// order, the output is the input's first `passed` tokens and nothing is written; the first
/// repair copies that prefix once and goes on in `copied`. The tokens of a 100,000-line
/// program were copied in full here before (a tenth of the front end's instructions went to
/// this pass), for the few files that hold a habit.
struct Output<'a, 'src> {
    input: &'a [(Token<'src>, Span)],
    passed: usize,
    copied: Option<Vec<(Token<'src>, Span)>>,
}

impl<'src> Output<'_, 'src> {
    /// The input's token at `index`, unchanged.
    fn pass(&mut self, index: usize) {
        if self.copied.is_none() && index == self.passed {
            self.passed += 1;
        } else {
            let token = self.input[index];
            self.push(token);
        }
    }

    /// Several of the input's tokens, unchanged.
    fn pass_range(&mut self, range: std::ops::Range<usize>) {
        for index in range {
            self.pass(index);
        }
    }

    /// A token that is not the input's next one (a repair).
    fn push(&mut self, token: (Token<'src>, Span)) {
        self.copy().push(token);
    }

    fn pop(&mut self) {
        self.copy().pop();
    }

    fn copy(&mut self) -> &mut Vec<(Token<'src>, Span)> {
        let (input, passed) = (self.input, self.passed);
        self.copied.get_or_insert_with(|| {
            // Room for the repairs that add a token (`x++` is three).
            let mut copied = Vec::with_capacity(input.len() + 16);
            copied.extend_from_slice(&input[..passed]);
            copied
        })
    }

    fn tokens(&self) -> &[(Token<'src>, Span)] {
        match &self.copied {
            Some(copied) => copied,
            None => &self.input[..self.passed],
        }
    }

    fn last(&self) -> Option<&(Token<'src>, Span)> {
        self.tokens().last()
    }
}

struct Pass<'a, 'src> {
    source: &'a str,
    file: FileId,
    output: Output<'a, 'src>,
    habits: Habits,
}

impl<'src> Pass<'_, 'src> {
    /// The last token written (repairs included).
    fn previous(&self) -> Option<Token<'src>> {
        self.output.last().map(|(token, _)| *token)
    }

    /// Handles the token at `index` (and any that belong to the same habit); returns the
    /// index of the next token to look at.
    fn step(&mut self, input: &[(Token<'src>, Span)], index: usize) -> usize {
        let (token, span) = input[index];
        let next = || input.get(index + 1).copied();
        match token {
            Token::Bang if !self.previous().is_some_and(|token| token.ends_operand()) => {
                self.report(
                    Code::BangHabit,
                    span,
                    "`!` does not negate in lang: use `not`",
                    "write `not x`; a `!` after a value unwraps an optional (`x!`)",
                );
                self.output.push((Token::Not, span));
                index + 1
            }
            Token::Amp | Token::Pipe
                if next().is_some_and(|(next_token, next_span)| next_token == token && next_span.start == span.end) =>
            {
                let whole = span.to(next().map_or(span, |(_, next_span)| next_span));
                let (written, word, repaired) = if token == Token::Amp {
                    ("&&", "and", Token::And)
                } else {
                    ("||", "or", Token::Or)
                };
                self.report(
                    Code::AndOrHabit,
                    whole,
                    format!("`{written}` is written `{word}` in lang"),
                    format!("use `{word}`: `a {word} b`"),
                );
                self.output.push((repaired, whole));
                index + 2
            }
            Token::Plus | Token::Minus if self.is_increment(input, index, self.previous()) => {
                let whole = span.to(input[index + 1].1);
                let (written, repaired) = if token == Token::Plus {
                    ("++", Token::PlusAssign)
                } else {
                    ("--", Token::MinusAssign)
                };
                let operand = match self.output.last() {
                    Some((Token::Ident(name), _)) => name.to_string(),
                    _ => "x".to_string(),
                };
                let assignment = format!("{operand} {}= 1", &written[..1]);
                self.report(
                    Code::IncrementHabit,
                    whole,
                    format!("there is no `{written}` operator in lang: use `{assignment}`"),
                    format!("write `{assignment}`, a statement of its own"),
                );
                self.output.push((repaired, whole));
                self.output.push((Token::Int(1), whole));
                // The lexer dropped the line break after the operator; put it back so that
                // the next line stays a statement of its own.
                if self.line_break_after(whole, input.get(index + 2).map(|(_, span)| *span)) {
                    self.output
                        .push((Token::Newline, Span::new(whole.end as usize, whole.end as usize)));
                }
                index + 2
            }
            Token::If | Token::While if next().is_none_or(|(next_token, _)| next_token != Token::Let) => {
                self.output.pass(index);
                self.condition(input, index + 1)
            }
            Token::Ident(word @ ("elif" | "elsif")) if self.starts_else_branch(next()) => {
                // `}` newline `elif` is also what was meant: the `else` joins the `}`.
                while matches!(self.output.last(), Some((Token::Newline, _))) {
                    self.output.pop();
                }
                self.report(
                    Code::ElifHabit,
                    span,
                    format!("`{word}` is written `else if` in lang"),
                    "write `} else if condition {`",
                );
                self.output.push((Token::Else, span));
                self.output.push((Token::If, span));
                self.condition(input, index + 1)
            }
            Token::For => self.for_head(input, index),
            Token::Colon if self.is_path_separator(input, index) => {
                let whole = span.to(input[index + 1].1);
                let (left, right) = match (self.previous(), input.get(index + 2)) {
                    (Some(Token::Ident(left)), Some((Token::Ident(right), _))) => (left, *right),
                    _ => ("A", "B"),
                };
                self.report(
                    Code::PathHabit,
                    whole,
                    format!("`::` is written `.` in lang: `{left}.{right}`"),
                    format!("write `{left}.{right}`: a module's item, an enum's variant and a method are all reached with `.`"),
                );
                self.output.push((Token::Dot, whole));
                index + 2
            }
            Token::Pipe if !self.previous().is_some_and(|token| token.ends_operand()) => {
                match pipe_closure_end(input, index) {
                    Some(closing) => self.pipe_closure(input, index, closing),
                    None => {
                        self.output.pass(index);
                        index + 1
                    }
                }
            }
            _ => {
                self.output.pass(index);
                index + 1
            }
        }
    }

    fn report(&mut self, code: Code, span: Span, message: impl Into<String>, help: impl Into<String>) {
        let label = match code {
            Code::BangHabit => "`!` before a value",
            Code::AssignInConditionHabit => "this assigns",
            Code::CStyleForHabit => "a C-style loop head",
            _ => "not part of lang",
        };
        self.habits.spans.push(span);
        self.habits.diagnostics.push(
            Diagnostic::error(code, self.file, span, message)
                .with_label(label)
                .with_help(help),
        );
    }

    /// `x++` or `x--`: two adjacent `+` (or `-`) after an operand, where the expression ends
    /// (at the end of the line, or before `)`, `]`, `}`, `,` or `;`). So `a--b` stays
    /// `a - (-b)`.
    fn is_increment(&self, input: &[(Token<'src>, Span)], index: usize, previous: Option<Token<'src>>) -> bool {
        let (token, span) = input[index];
        let Some(&(second, second_span)) = input.get(index + 1) else {
            return false;
        };
        if second != token || second_span.start != span.end || !previous.is_some_and(|token| token.ends_operand()) {
            return false;
        }
        match input.get(index + 2) {
            None => true,
            Some((after, after_span)) => {
                matches!(
                    after,
                    Token::Newline | Token::Semicolon | Token::RParen | Token::RBracket | Token::RBrace | Token::Comma
                ) || self.line_break_after(second_span, Some(*after_span))
            }
        }
    }

    /// `::` between two names, with nothing between the colons (`Shape::Circle`).
    fn is_path_separator(&self, input: &[(Token<'src>, Span)], index: usize) -> bool {
        let span = input[index].1;
        matches!(self.previous(), Some(Token::Ident(_)))
            && matches!(input.get(index + 1), Some((Token::Colon, next)) if next.start == span.end)
            && matches!(input.get(index + 2), Some((Token::Ident(_), _)))
    }

    /// `|a, b| body` where a value is expected (`closing` is the index of the second `|`):
    /// reported once, and read as `fn(a, b) => body` (`fn(a, b) { ... }` before a block).
    fn pipe_closure(&mut self, input: &[(Token<'src>, Span)], index: usize, closing: usize) -> usize {
        let (open_span, close_span) = (input[index].1, input[closing].1);
        let parameters: Vec<String> = input[index + 1..closing]
            .iter()
            .filter_map(|(token, _)| match token {
                Token::Ident(name) => Some(name.to_string()),
                _ => None,
            })
            .collect();
        let written = format!("fn({}) => ...", parameters.join(", "));
        self.report(
            Code::PipeClosureHabit,
            open_span.to(close_span),
            format!("a function expression is written `{written}` in lang, not with `|`"),
            format!(
                "write `{written}` for one expression, or `fn({}) {{ ... }}` with a block",
                parameters.join(", ")
            ),
        );
        self.output.push((Token::Fn, open_span));
        self.output.push((Token::LParen, open_span));
        for position in index + 1..closing {
            self.output.pass(position);
        }
        self.output.push((Token::RParen, close_span));
        if !matches!(input.get(closing + 1), Some((Token::LBrace, _))) {
            self.output.push((Token::FatArrow, close_span));
        }
        closing + 1
    }

    /// Whether the source has a line break between `span` and the token at `next`.
    fn line_break_after(&self, span: Span, next: Option<Span>) -> bool {
        let end = next.map_or(self.source.len(), |next| next.start as usize);
        self.source
            .get(span.end as usize..end)
            .is_some_and(|between| between.contains('\n'))
    }

    /// `elif`/`elsif` after the `}` of an `if` block, used as a keyword rather than a name.
    fn starts_else_branch(&self, next: Option<(Token<'src>, Span)>) -> bool {
        let after_block = self
            .output
            .tokens()
            .iter()
            .rev()
            .find(|(token, _)| *token != Token::Newline)
            .is_some_and(|(token, _)| *token == Token::RBrace);
        let used_as_name = next.is_none_or(|(token, _)| {
            matches!(
                token,
                Token::Assign
                    | Token::PlusAssign
                    | Token::MinusAssign
                    | Token::StarAssign
                    | Token::SlashAssign
                    | Token::PercentAssign
                    | Token::Dot
                    | Token::LParen
                    | Token::LBracket
                    | Token::Newline
                    | Token::RBrace
            )
        });
        after_block && !used_as_name
    }

    /// The head of an `if`, `while` or a `match` guard, from `start`: a `=` at its top level
    /// is a comparison meant as `==`. Copies the head's tokens and returns where it ends.
    ///
    /// `if (x = 5)` is the same habit: inside brackets a `=` cannot be anything else. Only a
    /// block nested in the head (a function expression's body) may hold assignments.
    fn condition(&mut self, input: &[(Token<'src>, Span)], start: usize) -> usize {
        let mut depth = 0usize;
        let mut block_depth = 0usize;
        // A nested `if let PATTERN = ...` (in parentheses, as a value) has a `=` of its own.
        let mut pending_lets = 0usize;
        let mut index = start;
        while let Some(&(token, span)) = input.get(index) {
            match token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                Token::LBrace | Token::Newline | Token::Semicolon | Token::FatArrow | Token::RBrace if depth == 0 => {
                    return index;
                }
                Token::LBrace => block_depth += 1,
                Token::RBrace => block_depth = block_depth.saturating_sub(1),
                Token::Let => pending_lets += 1,
                Token::Assign if block_depth == 0 && pending_lets > 0 => pending_lets -= 1,
                Token::Assign if block_depth == 0 => {
                    self.report(
                        Code::AssignInConditionHabit,
                        span,
                        "`=` assigns; a condition compares with `==`",
                        "use `==` to compare (`x == 5`); an assignment is a statement of its own",
                    );
                    self.output.push((Token::EqEq, span));
                    index += 1;
                    continue;
                }
                _ => {}
            }
            // Habits inside the head (`!`, `&&`, `++`) are found as anywhere else; other
            // tokens (a nested `if` included) are copied, so no input nests calls deeply.
            if matches!(
                token,
                Token::Bang | Token::Amp | Token::Pipe | Token::Plus | Token::Minus
            ) {
                index = self.step(input, index);
            } else {
                self.output.pass(index);
                index += 1;
            }
        }
        index
    }

    /// A `for` at `index`: a C-style head (`for (`, `for i = ...`, `for i := ...`, a `;` in
    /// the head) is reported once and replaced by `for _ in 0..0`, so the body is still
    /// parsed. Any other `for` is copied as it is.
    fn for_head(&mut self, input: &[(Token<'src>, Span)], index: usize) -> usize {
        let for_span = input[index].1;
        let token_at = |offset: usize| input.get(index + offset).map(|(token, _)| *token);
        let mut c_style = matches!(token_at(1), Some(Token::LParen | Token::Let | Token::Var))
            || (matches!(token_at(1), Some(Token::Ident(_)))
                && (token_at(2) == Some(Token::Assign)
                    || (token_at(2) == Some(Token::Colon) && token_at(3) == Some(Token::Assign))));
        // The body's `{`: after the matching `)` of `for (...)`, else the first `{` at the
        // top level of the head. A `;` on the way is a C-style head too.
        let mut depth = 0usize;
        let mut body = None;
        let mut end = index + 1;
        while let Some(&(token, _)) = input.get(end) {
            match token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                Token::Semicolon if depth == 0 => c_style = true,
                Token::Semicolon => {}
                Token::LBrace if depth == 0 => {
                    body = Some(end);
                    break;
                }
                Token::Newline | Token::RBrace if depth == 0 => break,
                _ => {}
            }
            end += 1;
        }
        if !c_style {
            self.output.pass(index);
            return index + 1;
        }
        let head_end = end.min(input.len()).max(index + 1) - 1;
        let head = for_span.to(input[head_end].1);
        self.report(
            Code::CStyleForHabit,
            head,
            "lang has no C-style `for` loop: use `for i in 0..n`",
            "`for i in a..b { ... }` counts from `a` up to `b - 1`, `for x in xs` visits an array; \
             for anything else, use `while`",
        );
        if body.is_some() {
            for token in [
                Token::For,
                Token::Ident("_"),
                Token::In,
                Token::Int(0),
                Token::DotDot,
                Token::Int(0),
            ] {
                self.output.push((token, head));
            }
            end
        } else {
            // No body on this line: leave the tokens to the parser, whose errors here the
            // habit explains.
            self.output.pass_range(index..end);
            end
        }
    }
}

/// The index of the `|` that closes a closure's parameters opened by the `|` at `open`: only
/// names, `,` and simple type annotations (`x: int`) between, on one line.
fn pipe_closure_end(input: &[(Token<'_>, Span)], open: usize) -> Option<usize> {
    let mut names = 0;
    for (offset, (token, _)) in input[open + 1..].iter().enumerate() {
        match token {
            Token::Pipe => return (names > 0).then_some(open + 1 + offset),
            Token::Ident(_) => names += 1,
            Token::Comma | Token::Colon | Token::LBracket | Token::RBracket | Token::Question => {}
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer;

    fn repaired(source: &str) -> (Vec<Token<'_>>, usize) {
        let mut tokens = lexer::lex(source, FileId(0)).tokens;
        let habits = find_and_repair(source, &mut tokens, FileId(0));
        (
            tokens.into_iter().map(|(token, _)| token).collect(),
            habits.diagnostics.len(),
        )
    }

    #[test]
    fn a_file_without_habits_keeps_its_vector() {
        let source = "fn main() {\n    if a == 1 and not b {\n        x += 1\n    }\n    for i in 0..3 {\n    }\n}\n";
        let mut tokens = lexer::lex(source, FileId(0)).tokens;
        let (before, address) = (tokens.clone(), tokens.as_ptr());
        let habits = find_and_repair(source, &mut tokens, FileId(0));
        assert!(habits.diagnostics.is_empty());
        assert_eq!(tokens, before);
        assert_eq!(tokens.as_ptr(), address, "nothing was copied");
    }

    #[test]
    fn a_repair_after_unchanged_tokens_keeps_them_in_order() {
        use Token::*;
        let (tokens, reported) = repaired("a = 1\nif a = 2 {\n}\nb = !c && d\n");
        assert_eq!(reported, 3);
        assert_eq!(
            tokens,
            [
                Ident("a"),
                Assign,
                Int(1),
                Newline,
                If,
                Ident("a"),
                EqEq,
                Int(2),
                LBrace,
                RBrace,
                Newline,
                Ident("b"),
                Assign,
                Not,
                Ident("c"),
                And,
                Ident("d"),
            ]
        );
    }

    #[test]
    fn a_repair_that_removes_written_tokens_copies_first() {
        use Token::*;
        // `elif` on its own line: the newline before it, passed through unchanged, is taken
        // back out of the output.
        let (tokens, reported) = repaired("if a {\n}\nelif b {\n}\nx++\ny\n");
        assert_eq!(reported, 2);
        assert_eq!(
            tokens,
            [
                If,
                Ident("a"),
                LBrace,
                RBrace,
                Else,
                If,
                Ident("b"),
                LBrace,
                RBrace,
                Newline,
                Ident("x"),
                PlusAssign,
                Int(1),
                Newline,
                Ident("y"),
            ]
        );
    }
}
