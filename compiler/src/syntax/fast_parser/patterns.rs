//! Patterns and the arms of a `match`, mirroring `parser/patterns.rs` (whose module doc lists
//! the decisions). The forms that chumsky's parser reports (a float pattern, `Name(...)`, an
//! unnegated 2^63) give up here.

use super::{Fail, FastParser, Parsed};
use crate::syntax::ast::{ArmBody, Expr, MatchArm, Pattern, PatternKind};
use crate::syntax::lexer::unescape;
use crate::syntax::token::Token;

impl FastParser<'_, '_> {
    /// One pattern, alternatives included.
    pub(super) fn pattern(&mut self) -> Parsed<Pattern> {
        self.nested(Self::pattern_unnested)
    }

    fn pattern_unnested(&mut self) -> Parsed<Pattern> {
        let start = self.pos;
        let first = self.single_pattern()?;
        if !self.peek_is(Token::Pipe) {
            return Ok(first);
        }
        let mut alternatives = vec![first];
        loop {
            let before_separator = self.pos;
            if !self.eat(Token::Pipe) {
                break;
            }
            match self.single_pattern() {
                Ok(next) => alternatives.push(next),
                Err(Fail::Backtrack) => {
                    self.pos = before_separator;
                    break;
                }
                Err(Fail::Abort) => return Err(Fail::Abort),
            }
        }
        if alternatives.len() == 1 {
            return Ok(alternatives.remove(0));
        }
        Ok(Pattern {
            kind: PatternKind::Or(alternatives),
            span: self.span_from(start),
        })
    }

    fn single_pattern(&mut self) -> Parsed<Pattern> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(Token::Minus | Token::Int(_) | Token::Char(_)) => {
                let start_value = self.int_literal_pattern()?;
                let range = self.attempt(|parser| {
                    let inclusive = match parser.peek() {
                        Some(Token::DotDot) => false,
                        Some(Token::DotDotEq) => true,
                        _ => return Err(Fail::Backtrack),
                    };
                    parser.pos += 1;
                    Ok((inclusive, parser.int_literal_pattern()?))
                })?;
                match range {
                    Some((inclusive, end)) => PatternKind::Range {
                        start: start_value,
                        end,
                        inclusive,
                    },
                    None => PatternKind::Int(start_value),
                }
            }
            Some(Token::True) => self.literal_pattern(PatternKind::Bool(true)),
            Some(Token::False) => self.literal_pattern(PatternKind::Bool(false)),
            Some(Token::Nil) => self.literal_pattern(PatternKind::Nil),
            Some(Token::Str(raw)) => self.literal_pattern(PatternKind::Str(unescape(raw))),
            Some(Token::RawStr(text)) => self.literal_pattern(PatternKind::Str(text.to_owned())),
            // A float pattern is reported by the chumsky parser.
            Some(Token::Float(_)) => return Err(Fail::Abort),
            Some(Token::Dot) => {
                self.pos += 1;
                let name = self.name()?;
                let fields = self.pattern_payload()?;
                PatternKind::Variant {
                    enum_name: None,
                    name,
                    fields,
                }
            }
            Some(Token::Ident(_)) => self.named_pattern()?,
            _ => return Err(Fail::Backtrack),
        };
        Ok(Pattern {
            kind,
            span: self.span_from(start),
        })
    }

    fn literal_pattern(&mut self, kind: PatternKind) -> PatternKind {
        self.pos += 1;
        kind
    }

    /// `-`? and an `int` or character literal; an unnegated 2^63 is reported by chumsky's.
    fn int_literal_pattern(&mut self) -> Parsed<i64> {
        let minus = self.eat(Token::Minus);
        let value = match self.peek() {
            Some(Token::Int(value)) => value,
            Some(Token::Char(value)) => i64::from(value),
            _ => return Err(Fail::Backtrack),
        };
        self.pos += 1;
        if minus {
            return Ok(value.wrapping_neg());
        }
        if value == i64::MIN {
            return Err(Fail::Abort);
        }
        Ok(value)
    }

    /// `( pattern, ... )` after a variant's name, if there.
    fn pattern_payload(&mut self) -> Parsed<Option<Vec<Pattern>>> {
        self.attempt(|parser| {
            parser.expect(Token::LParen)?;
            let fields = parser.comma_separated(Self::pattern)?;
            parser.expect(Token::RParen)?;
            Ok(fields)
        })
    }

    /// A binding, `_`, or a variant path `Enum.Name` / `module.Enum.Name` with its payload.
    fn named_pattern(&mut self) -> Parsed<PatternKind> {
        let first = self.name()?;
        let mut path = Vec::new();
        while path.len() < 2 {
            let segment = self.attempt(|parser| {
                parser.expect(Token::Dot)?;
                parser.name()
            })?;
            match segment {
                Some(name) => path.push(name),
                None => break,
            }
        }
        let fields = self.pattern_payload()?;
        Ok(match path.len() {
            0 if fields.is_none() && first.text == "_" => PatternKind::Wildcard,
            0 if fields.is_none() => PatternKind::Binding(first),
            // `Name(...)` is reported by the chumsky parser.
            0 => return Err(Fail::Abort),
            1 => PatternKind::Variant {
                enum_name: Some((None, first)),
                name: path.remove(0),
                fields,
            },
            _ => {
                let name = path.remove(1);
                PatternKind::Variant {
                    enum_name: Some((Some(first), path.remove(0))),
                    name,
                    fields,
                }
            }
        })
    }

    /// The braces of a `match` and the arms inside, each `PATTERN [if GUARD] => BODY`, separated
    /// by `,` or newlines. `body` reads an arm's body (it differs between a statement `match`
    /// and one used as a value).
    pub(super) fn match_arms(&mut self, mut body: impl FnMut(&mut Self) -> Parsed<ArmBody>) -> Parsed<Vec<MatchArm>> {
        self.expect(Token::LBrace)?;
        // Past the `{`, chumsky's parser recovers from any failure (and reports it).
        let arms = self.match_arms_inside(&mut body).map_err(|_| Fail::Abort)?;
        Ok(arms)
    }

    fn match_arms_inside(&mut self, body: &mut impl FnMut(&mut Self) -> Parsed<ArmBody>) -> Parsed<Vec<MatchArm>> {
        while self.eat(Token::Newline) {}
        let mut arms = Vec::new();
        if let Some(first) = self.attempt(|parser| parser.match_arm(body))? {
            arms.push(first);
            // After a separator, an arm that is not there leaves the separator read (a
            // trailing one).
            loop {
                if self.eat(Token::Newline) {
                    while self.eat(Token::Newline) {}
                } else if !self.eat(Token::Comma) {
                    break;
                }
                match self.attempt(|parser| parser.match_arm(body))? {
                    Some(arm) => arms.push(arm),
                    None => break,
                }
            }
        }
        self.expect(Token::RBrace)?;
        Ok(arms)
    }

    /// One arm. A failed arm that chumsky's parser would skip (and report) gives up.
    fn match_arm(&mut self, body: &mut impl FnMut(&mut Self) -> Parsed<ArmBody>) -> Parsed<MatchArm> {
        let start = self.pos;
        match self.match_arm_unrecovered(body) {
            Ok(arm) => Ok(arm),
            Err(Fail::Backtrack) => {
                self.pos = start;
                if self.recovery_would_skip(true) {
                    Err(Fail::Abort)
                } else {
                    Err(Fail::Backtrack)
                }
            }
            Err(Fail::Abort) => Err(Fail::Abort),
        }
    }

    fn match_arm_unrecovered(&mut self, body: &mut impl FnMut(&mut Self) -> Parsed<ArmBody>) -> Parsed<MatchArm> {
        let start = self.pos;
        let pattern = self.pattern()?;
        let guard: Option<Expr> = self.attempt(|parser| {
            parser.expect(Token::If)?;
            parser.expression(true)
        })?;
        self.expect(Token::FatArrow)?;
        let body = body(self)?;
        if !matches!(self.peek(), Some(Token::Comma | Token::Newline | Token::RBrace)) {
            return Err(Fail::Backtrack);
        }
        Ok(MatchArm {
            pattern,
            guard,
            body,
            span: self.span_from(start),
        })
    }
}
