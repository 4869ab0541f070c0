//! Expressions, mirroring `parser/expressions.rs`: the operator levels (`or`, `and`, `not`,
//! comparisons, then the flat chain from `*` to `??` grouped by precedence), prefix and postfix
//! operators, and the atoms, with `match`, `if` and `fn` used as values.
//!
//! `allow_struct_literal` is false in the head of `if`, `while`, `for` and `match` (chumsky's
//! `head_expr`): there `name {` opens the body. Only the atoms of that expression itself are
//! affected; what is nested in brackets is a full expression again.

use super::{Fail, FastParser, Parsed, shrunk};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::lexer::unescape;
use crate::syntax::parser::{binary, group_by_precedence};
use crate::syntax::token::Token;

impl FastParser<'_, '_> {
    pub(super) fn expression(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        self.nested(|parser| parser.or_level(allow_struct_literal))
    }

    fn or_level(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let mut lhs = self.and_level(allow_struct_literal)?;
        while self.peek_is(Token::Or) {
            let before_operator = self.pos;
            self.pos += 1;
            match self.and_level(allow_struct_literal) {
                Ok(rhs) => lhs = binary(BinaryOp::Or, lhs, rhs),
                Err(Fail::Backtrack) => {
                    self.pos = before_operator;
                    break;
                }
                Err(Fail::Abort) => return Err(Fail::Abort),
            }
        }
        Ok(lhs)
    }

    fn and_level(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let mut lhs = self.not_level(allow_struct_literal)?;
        while self.peek_is(Token::And) {
            let before_operator = self.pos;
            self.pos += 1;
            match self.not_level(allow_struct_literal) {
                Ok(rhs) => lhs = binary(BinaryOp::And, lhs, rhs),
                Err(Fail::Backtrack) => {
                    self.pos = before_operator;
                    break;
                }
                Err(Fail::Abort) => return Err(Fail::Abort),
            }
        }
        Ok(lhs)
    }

    fn not_level(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let first_not = self.pos;
        while self.peek_is(Token::Not) {
            self.pos += 1;
        }
        let last_not = self.pos;
        let mut operand = self.comparison_level(allow_struct_literal)?;
        for index in (first_not..last_not).rev() {
            let span = self.token_span(index);
            operand = Expr {
                span: span.to(operand.span),
                kind: ExprKind::Unary {
                    op: UnaryOp::Not,
                    operand: Box::new(operand),
                },
            };
        }
        Ok(operand)
    }

    fn comparison_level(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let mut lhs = self.operator_chain(allow_struct_literal)?;
        loop {
            let op = match self.peek() {
                Some(Token::EqEq) => BinaryOp::Equal,
                Some(Token::NotEq) => BinaryOp::NotEqual,
                Some(Token::LessEq) => BinaryOp::LessEqual,
                Some(Token::Less) => BinaryOp::Less,
                Some(Token::GreaterEq) => BinaryOp::GreaterEqual,
                Some(Token::Greater) => BinaryOp::Greater,
                _ => break,
            };
            let before_operator = self.pos;
            self.pos += 1;
            match self.operator_chain(allow_struct_literal) {
                Ok(rhs) => lhs = binary(op, lhs, rhs),
                Err(Fail::Backtrack) => {
                    self.pos = before_operator;
                    break;
                }
                Err(Fail::Abort) => return Err(Fail::Abort),
            }
        }
        Ok(lhs)
    }

    /// The operators from `*` to `??`, read as one flat chain and grouped by precedence.
    fn operator_chain(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let first = self.unary(allow_struct_literal)?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Token::Star) => BinaryOp::Multiply,
                Some(Token::Slash) => BinaryOp::Divide,
                Some(Token::Percent) => BinaryOp::Remainder,
                Some(Token::Plus) => BinaryOp::Add,
                Some(Token::Minus) => BinaryOp::Subtract,
                Some(Token::Shl) => BinaryOp::ShiftLeft,
                Some(Token::Shr) => BinaryOp::ShiftRight,
                Some(Token::Amp) => BinaryOp::BitAnd,
                Some(Token::Caret) => BinaryOp::BitXor,
                Some(Token::Pipe) => BinaryOp::BitOr,
                Some(Token::QuestionQuestion) => BinaryOp::Coalesce,
                _ => break,
            };
            let before_operator = self.pos;
            self.pos += 1;
            match self.unary(allow_struct_literal) {
                Ok(operand) => rest.push((op, operand)),
                Err(Fail::Backtrack) => {
                    self.pos = before_operator;
                    break;
                }
                Err(Fail::Abort) => return Err(Fail::Abort),
            }
        }
        Ok(group_by_precedence(first, rest))
    }

    /// Prefix `-` and `~`, then a postfix expression.
    fn unary(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let first_prefix = self.pos;
        while matches!(self.peek(), Some(Token::Minus | Token::Tilde)) {
            self.pos += 1;
        }
        let last_prefix = self.pos;
        let mut operand = self.postfix(allow_struct_literal)?;
        for index in (first_prefix..last_prefix).rev() {
            let (token, span) = self.tokens[index];
            let op = if token == Token::Minus {
                UnaryOp::Negate
            } else {
                UnaryOp::BitNot
            };
            operand = Expr {
                span: span.to(operand.span),
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(operand),
                },
            };
        }
        Ok(operand)
    }

    /// A primary expression and its calls, indexing, fields and unwraps.
    fn postfix(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let mut operand = self.primary(allow_struct_literal)?;
        loop {
            let operator_start = self.pos;
            let operand_span = operand.span;
            let kind = match self.peek() {
                Some(Token::LParen) => match self.attempt(|parser| {
                    parser.pos += 1;
                    let args = parser.comma_separated(|parser| parser.expression(true))?;
                    parser.expect(Token::RParen)?;
                    Ok(shrunk(args))
                })? {
                    Some(args) => ExprKind::Call {
                        callee: Box::new(operand),
                        args,
                    },
                    None => break,
                },
                Some(Token::LBracket) => match self.attempt(|parser| {
                    parser.pos += 1;
                    let index = parser.expression(true)?;
                    parser.expect(Token::RBracket)?;
                    Ok(index)
                })? {
                    Some(index) => ExprKind::Index {
                        object: Box::new(operand),
                        index: Box::new(index),
                    },
                    None => break,
                },
                Some(Token::Dot) => match self.attempt(|parser| {
                    parser.pos += 1;
                    parser.name()
                })? {
                    Some(field) => ExprKind::Field {
                        object: Box::new(operand),
                        field,
                    },
                    None => break,
                },
                Some(Token::Bang) => {
                    self.pos += 1;
                    ExprKind::Unwrap(Box::new(operand))
                }
                _ => break,
            };
            operand = Expr {
                kind,
                span: operand_span.to(self.span_from(operator_start)),
            };
        }
        Ok(operand)
    }

    /// An atom with its span. Where chumsky's parser recovers (an atom that fails at `(` or
    /// `[` is skipped to its closing bracket and reported), the fast parser gives up.
    fn primary(&mut self, allow_struct_literal: bool) -> Parsed<Expr> {
        let start = self.pos;
        match self.atom(allow_struct_literal) {
            Ok(kind) => Ok(Expr {
                kind,
                span: self.span_from(start),
            }),
            Err(Fail::Backtrack) => {
                self.pos = start;
                if matches!(self.peek(), Some(Token::LParen | Token::LBracket)) {
                    Err(Fail::Abort)
                } else {
                    Err(Fail::Backtrack)
                }
            }
            Err(Fail::Abort) => Err(Fail::Abort),
        }
    }

    fn atom(&mut self, allow_struct_literal: bool) -> Parsed<ExprKind> {
        let Some(token) = self.peek() else {
            return Err(Fail::Backtrack);
        };
        let literal = match token {
            Token::Int(value) => Some(ExprKind::Int(value)),
            Token::Float(value) => Some(ExprKind::Float(value)),
            Token::True => Some(ExprKind::Bool(true)),
            Token::False => Some(ExprKind::Bool(false)),
            Token::Nil => Some(ExprKind::Nil),
            Token::Str(raw) => Some(ExprKind::Str(unescape(raw))),
            Token::RawStr(text) => Some(ExprKind::Str(text.to_owned())),
            Token::Char(value) => Some(ExprKind::Int(i64::from(value))),
            _ => None,
        };
        if let Some(kind) = literal {
            self.pos += 1;
            return Ok(kind);
        }
        match token {
            Token::StrStart => self.interpolated(),
            Token::Fn => Ok(ExprKind::Function(Box::new(self.function_expression()?))),
            Token::Ident(_) if allow_struct_literal => self.struct_literal_or_name(),
            Token::Ident(_) => Ok(ExprKind::Name(self.name()?)),
            Token::LParen => {
                self.pos += 1;
                let inner = self.expression(true)?;
                self.expect(Token::RParen)?;
                Ok(ExprKind::Paren(Box::new(inner)))
            }
            Token::LBracket => {
                self.pos += 1;
                let items = self.comma_separated(|parser| parser.expression(true))?;
                self.expect(Token::RBracket)?;
                Ok(ExprKind::Array(shrunk(items)))
            }
            Token::LBrace => {
                self.pos += 1;
                let entries = self.comma_separated(|parser| {
                    let key = parser.expression(true)?;
                    parser.expect(Token::Colon)?;
                    let value = parser.expression(true)?;
                    Ok((key, value))
                })?;
                self.expect(Token::RBrace)?;
                Ok(ExprKind::Map(entries))
            }
            Token::Dot => {
                self.pos += 1;
                Ok(ExprKind::ImplicitMember(self.name()?))
            }
            Token::Match => self.match_value(),
            Token::If => Ok(ExprKind::If(Box::new(self.if_value()?))),
            _ => Err(Fail::Backtrack),
        }
    }

    /// `"text {expr} {expr:spec}"`. A failure inside `{ }` is recovered from (and reported)
    /// by chumsky's parser.
    fn interpolated(&mut self) -> Parsed<ExprKind> {
        self.expect(Token::StrStart)?;
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                Some(Token::StrText(raw)) => {
                    self.pos += 1;
                    parts.push(StringPart::Text(unescape(raw)));
                }
                Some(Token::InterpStart) => {
                    self.pos += 1;
                    let inner = self.expression(true).map_err(|_| Fail::Abort)?;
                    parts.push(StringPart::Expr(inner));
                    if let Some(&(Token::FormatSpec(spec), span)) = self.tokens.get(self.pos) {
                        self.pos += 1;
                        parts.push(StringPart::Format(spec, span));
                    }
                    if !self.eat(Token::InterpEnd) {
                        return Err(Fail::Abort);
                    }
                }
                _ => break,
            }
        }
        self.expect(Token::StrEnd)?;
        Ok(ExprKind::Interpolated(parts))
    }

    /// `Name { field: value, ... }`, `module.Name { ... }` or a plain name.
    fn struct_literal_or_name(&mut self) -> Parsed<ExprKind> {
        let first = self.name()?;
        if let Some(fields) = self.attempt(Self::field_inits)? {
            return Ok(ExprKind::StructLiteral(Box::new(StructLiteral {
                module: None,
                name: first,
                fields,
            })));
        }
        let qualified = self.attempt(|parser| {
            parser.expect(Token::Dot)?;
            let name = parser.name()?;
            let fields = parser.field_inits()?;
            Ok((name, fields))
        })?;
        Ok(match qualified {
            Some((name, fields)) => ExprKind::StructLiteral(Box::new(StructLiteral {
                module: Some(first),
                name,
                fields,
            })),
            None => ExprKind::Name(first),
        })
    }

    fn field_inits(&mut self) -> Parsed<Vec<FieldInit>> {
        self.expect(Token::LBrace)?;
        let fields = self.comma_separated(|parser| {
            let start = parser.pos;
            let name = parser.name()?;
            parser.expect(Token::Colon)?;
            let value = parser.expression(true)?;
            Ok(FieldInit {
                name,
                value,
                span: parser.span_from(start),
            })
        })?;
        self.expect(Token::RBrace)?;
        Ok(shrunk(fields))
    }

    /// `match` used as a value: an arm's body is a block (which the checker reports) or an
    /// expression.
    fn match_value(&mut self) -> Parsed<ExprKind> {
        self.expect(Token::Match)?;
        let scrutinee = self.expression(false)?;
        let arms = self.match_arms(|parser| {
            if let Some(block) = parser.attempt(Self::block)? {
                return Ok(ArmBody::Block(block));
            }
            Ok(ArmBody::Value(parser.expression(true)?))
        })?;
        Ok(ExprKind::Match(Box::new(Match { scrutinee, arms })))
    }

    /// `if` used as a value; a missing `else` is reported by chumsky's parser.
    fn if_value(&mut self) -> Parsed<IfExpr> {
        self.nested(|parser| {
            parser.expect(Token::If)?;
            let condition = match parser.attempt(|parser| {
                parser.expect(Token::Let)?;
                let pattern = parser.pattern()?;
                parser.expect(Token::Assign)?;
                let value = parser.expression(false)?;
                Ok(IfCondition::Let { pattern, value })
            })? {
                Some(condition) => condition,
                None => IfCondition::Bool(parser.expression(false)?),
            };
            let then_value = parser.if_branch()?;
            let else_value = parser.attempt(|parser| {
                parser.expect(Token::Else)?;
                let start = parser.pos;
                if let Some(if_expr) = parser.attempt(Self::if_value)? {
                    return Ok(Expr {
                        kind: ExprKind::If(Box::new(if_expr)),
                        span: parser.span_from(start),
                    });
                }
                parser.if_branch()
            })?;
            let Some(else_value) = else_value else {
                return Err(Fail::Abort);
            };
            Ok(IfExpr {
                condition,
                then_value,
                else_value,
            })
        })
    }

    /// `{ expr }`, a branch of an `if` value; past the `{` a failure is reported by chumsky's.
    fn if_branch(&mut self) -> Parsed<Expr> {
        self.expect(Token::LBrace)?;
        let value = self.expression(true).map_err(|_| Fail::Abort)?;
        if !self.eat(Token::RBrace) {
            return Err(Fail::Abort);
        }
        Ok(value)
    }

    /// `fn(a, b: T) -> R { ... }` or `fn(a) => expr`.
    fn function_expression(&mut self) -> Parsed<FunctionExpr> {
        let keyword: Span = self.token_span(self.pos);
        self.expect(Token::Fn)?;
        self.expect(Token::LParen)?;
        let params = self.comma_separated(|parser| {
            let start = parser.pos;
            let name = parser.name()?;
            let ty = parser.optional_type_annotation()?;
            Ok(ClosureParam {
                name,
                ty,
                span: parser.span_from(start),
            })
        })?;
        self.expect(Token::RParen)?;
        let arrow_body = self.attempt(|parser| {
            parser.expect(Token::FatArrow)?;
            parser.expression(true)
        })?;
        let (result, body) = match arrow_body {
            Some(value) => (None, FunctionBody::Expr(value)),
            None => {
                let result = self.optional_result_type()?;
                (result, FunctionBody::Block(self.block()?))
            }
        };
        Ok(FunctionExpr {
            params,
            result,
            body,
            keyword,
        })
    }
}
