//! Blocks and statements, mirroring `parser/statements.rs`: `let`/`var` and `let PATTERN = e
//! else { }`, assignments, `if` and `if let`, `match` as a statement, loops, `break`,
//! `continue` and `return`.

use super::{Fail, FastParser, Parsed, shrunk};
use crate::syntax::ast::*;
use crate::syntax::token::Token;

impl FastParser<'_, '_> {
    /// `{ statements }`. Past the `{`, chumsky's parser recovers from any failure (and reports
    /// it), so every failure there gives up.
    pub(super) fn block(&mut self) -> Parsed<Block> {
        let start = self.pos;
        self.expect(Token::LBrace)?;
        let statements = self
            .nested(|parser| {
                parser.skip_separators();
                let mut statements = Vec::new();
                loop {
                    if parser.eat(Token::RBrace) {
                        return Ok(statements);
                    }
                    statements.push(parser.statement()?);
                }
            })
            .map_err(|_| Fail::Abort)?;
        Ok(Block {
            statements: shrunk(statements),
            span: self.span_from(start),
        })
    }

    /// One statement and what ends it: separators, or a `}` left for the block.
    fn statement(&mut self) -> Parsed<Statement> {
        let statement = match self.peek() {
            Some(Token::If) => match self.attempt(Self::if_statement)? {
                Some(statement) => statement,
                None => self.simple_statement()?,
            },
            Some(Token::Match) => match self.attempt(Self::match_statement)? {
                Some(statement) => statement,
                None => self.simple_statement()?,
            },
            _ => self.simple_statement()?,
        };
        if self.at_separator() {
            self.skip_separators();
        } else if !self.peek_is(Token::RBrace) {
            return Err(Fail::Backtrack);
        }
        Ok(statement)
    }

    /// `if` / `if let` as a statement, with its `else` branch.
    fn if_statement(&mut self) -> Parsed<Statement> {
        self.nested(|parser| {
            let start = parser.pos;
            let kind = match parser.attempt(Self::if_let_statement)? {
                Some(kind) => kind,
                None => parser.plain_if_statement()?,
            };
            Ok(Statement {
                kind,
                span: parser.span_from(start),
            })
        })
    }

    fn if_let_statement(&mut self) -> Parsed<StatementKind> {
        self.expect(Token::If)?;
        self.expect(Token::Let)?;
        let pattern = self.pattern()?;
        self.expect(Token::Assign)?;
        let value = self.expression(false)?;
        let then_block = self.block()?;
        let else_branch = self.else_branch()?;
        Ok(StatementKind::IfLet {
            pattern: Box::new(pattern),
            value,
            then_block,
            else_branch,
        })
    }

    fn plain_if_statement(&mut self) -> Parsed<StatementKind> {
        self.expect(Token::If)?;
        let condition = self.expression(false)?;
        let then_block = self.block()?;
        let else_branch = self.else_branch()?;
        Ok(StatementKind::If {
            condition,
            then_block,
            else_branch,
        })
    }

    fn else_branch(&mut self) -> Parsed<Option<ElseBranch>> {
        self.attempt(|parser| {
            parser.expect(Token::Else)?;
            if let Some(statement) = parser.attempt(Self::if_statement)? {
                return Ok(ElseBranch::If(Box::new(statement)));
            }
            Ok(ElseBranch::Block(parser.block()?))
        })
    }

    /// `match` as a statement: an arm's body is a block, or an `if`, a `match` or an
    /// expression kept as a block of that one statement.
    fn match_statement(&mut self) -> Parsed<Statement> {
        self.nested(|parser| {
            let start = parser.pos;
            parser.expect(Token::Match)?;
            let scrutinee = parser.expression(false)?;
            let arms = parser.match_arms(|parser| {
                if let Some(block) = parser.attempt(Self::block)? {
                    return Ok(ArmBody::Block(block));
                }
                let statement = parser.arm_statement()?;
                Ok(ArmBody::Block(Block {
                    span: statement.span,
                    statements: vec![statement],
                }))
            })?;
            Ok(Statement {
                kind: StatementKind::Match(Box::new(Match { scrutinee, arms })),
                span: parser.span_from(start),
            })
        })
    }

    fn arm_statement(&mut self) -> Parsed<Statement> {
        if let Some(statement) = self.attempt(Self::if_statement)? {
            return Ok(statement);
        }
        if let Some(statement) = self.attempt(Self::match_statement)? {
            return Ok(statement);
        }
        let start = self.pos;
        let expr = self.expression(true)?;
        Ok(Statement {
            kind: StatementKind::Expr(expr),
            span: self.span_from(start),
        })
    }

    /// The statements that are not `if` or `match` statements, with their span.
    fn simple_statement(&mut self) -> Parsed<Statement> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(Token::Let | Token::Var) => self.let_statement()?,
            Some(Token::While) => {
                self.pos += 1;
                let condition = self.expression(false)?;
                let body = self.block()?;
                StatementKind::While { condition, body }
            }
            Some(Token::For) => self.for_statement()?,
            Some(Token::Return) => {
                self.pos += 1;
                StatementKind::Return(self.attempt(|parser| parser.expression(true))?)
            }
            Some(Token::Break) => {
                self.pos += 1;
                StatementKind::Break
            }
            Some(Token::Continue) => {
                self.pos += 1;
                StatementKind::Continue
            }
            _ => {
                let target = self.expression(true)?;
                let op = match self.peek() {
                    Some(Token::Assign) => Some(None),
                    Some(Token::PlusAssign) => Some(Some(BinaryOp::Add)),
                    Some(Token::MinusAssign) => Some(Some(BinaryOp::Subtract)),
                    Some(Token::StarAssign) => Some(Some(BinaryOp::Multiply)),
                    Some(Token::SlashAssign) => Some(Some(BinaryOp::Divide)),
                    Some(Token::PercentAssign) => Some(Some(BinaryOp::Remainder)),
                    _ => None,
                };
                let assignment = match op {
                    Some(op) => self.attempt(|parser| {
                        parser.pos += 1;
                        Ok((op, parser.expression(true)?))
                    })?,
                    None => None,
                };
                match assignment {
                    Some((op, value)) => StatementKind::Assign { target, op, value },
                    None => StatementKind::Expr(target),
                }
            }
        };
        Ok(Statement {
            kind,
            span: self.span_from(start),
        })
    }

    /// `let`/`var NAME [: T] = e [else { }]`, else `let PATTERN = e [else { }]`.
    fn let_statement(&mut self) -> Parsed<StatementKind> {
        let start = self.pos;
        match self.attempt(Self::name_let)? {
            Some(kind) => Ok(kind),
            None => {
                self.pos = start;
                self.expect(Token::Let)?;
                let pattern = self.pattern()?;
                self.expect(Token::Assign)?;
                let value = self.expression(true)?;
                let else_block = self.else_block()?;
                Ok(StatementKind::LetElse {
                    pattern: Box::new(pattern),
                    value,
                    else_block,
                })
            }
        }
    }

    fn else_block(&mut self) -> Parsed<Option<Block>> {
        self.attempt(|parser| {
            parser.expect(Token::Else)?;
            parser.block()
        })
    }

    fn name_let(&mut self) -> Parsed<StatementKind> {
        let mutable = match self.peek() {
            Some(Token::Let) => false,
            Some(Token::Var) => true,
            _ => return Err(Fail::Backtrack),
        };
        self.pos += 1;
        let name = self.name()?;
        let ty = self.optional_type_annotation()?;
        self.expect(Token::Assign)?;
        let init = self.expression(true)?;
        let Some(else_block) = self.else_block()? else {
            return Ok(StatementKind::Let {
                mutable,
                name,
                ty,
                init,
            });
        };
        // `var ... else` and `let x: T = e else` are reported by the chumsky parser.
        if mutable || ty.is_some() {
            return Err(Fail::Abort);
        }
        let kind = if name.text == "_" {
            PatternKind::Wildcard
        } else {
            PatternKind::Binding(name.clone())
        };
        Ok(StatementKind::LetElse {
            pattern: Box::new(Pattern { kind, span: name.span }),
            value: init,
            else_block: Some(else_block),
        })
    }

    /// `for x in e { }`, `for k, v in e { }` or `for i in a..b { }` (`..=` too).
    fn for_statement(&mut self) -> Parsed<StatementKind> {
        self.expect(Token::For)?;
        let first = self.name()?;
        let second = self.attempt(|parser| {
            parser.expect(Token::Comma)?;
            parser.name()
        })?;
        self.expect(Token::In)?;
        let iterable = self.expression(false)?;
        let range = self.attempt(|parser| {
            let inclusive = match parser.peek() {
                Some(Token::DotDot) => false,
                Some(Token::DotDotEq) => true,
                _ => return Err(Fail::Backtrack),
            };
            parser.pos += 1;
            Ok((inclusive, parser.expression(false)?))
        })?;
        let body = self.block()?;
        Ok(match range {
            // A range with two variables is reported by the chumsky parser.
            Some(_) if second.is_some() => return Err(Fail::Abort),
            Some((inclusive, end)) => StatementKind::ForRange {
                variable: first,
                start: iterable,
                end,
                inclusive,
                body,
            },
            None => StatementKind::ForEach {
                first,
                second,
                iterable,
                body,
            },
        })
    }
}
