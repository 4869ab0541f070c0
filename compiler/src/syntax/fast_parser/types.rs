//! Types as written: `int`, `m.Vec2`, `[T]`, `{K: V}`, `?T` (and `??T`), `fn(A) -> R`,
//! mirroring the `ty` parser of the chumsky grammar.

use super::{Fail, FastParser, Parsed};
use crate::source::Span;
use crate::syntax::ast::{TypeExpr, TypeExprKind};
use crate::syntax::token::Token;

impl FastParser<'_, '_> {
    pub(super) fn ty(&mut self) -> Parsed<TypeExpr> {
        self.nested(Self::ty_unnested)
    }

    fn ty_unnested(&mut self) -> Parsed<TypeExpr> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(Token::Ident(_)) => {
                let first = self.name()?;
                let second = self.attempt(|parser| {
                    parser.expect(Token::Dot)?;
                    parser.name()
                })?;
                match second {
                    Some(name) => TypeExprKind::Named {
                        module: Some(first),
                        name,
                    },
                    None => TypeExprKind::Named {
                        module: None,
                        name: first,
                    },
                }
            }
            Some(Token::LBracket) => {
                self.pos += 1;
                let element = self.ty()?;
                self.expect(Token::RBracket)?;
                TypeExprKind::Array(Box::new(element))
            }
            Some(Token::LBrace) => {
                self.pos += 1;
                let key = self.ty()?;
                self.expect(Token::Colon)?;
                let value = self.ty()?;
                self.expect(Token::RBrace)?;
                TypeExprKind::Map(Box::new(key), Box::new(value))
            }
            Some(Token::Question) => {
                self.pos += 1;
                TypeExprKind::Optional(Box::new(self.ty()?))
            }
            // `??T` lexes as the `??` operator: an optional of an optional, as in chumsky's.
            Some(Token::QuestionQuestion) => {
                self.pos += 1;
                let inner = self.ty()?;
                let span = self.span_from(start);
                TypeExprKind::Optional(Box::new(TypeExpr {
                    kind: TypeExprKind::Optional(Box::new(inner)),
                    span: Span::new(span.start as usize + 1, span.end as usize),
                }))
            }
            Some(Token::Fn) => {
                self.pos += 1;
                self.expect(Token::LParen)?;
                let params = self.comma_separated(Self::ty)?;
                self.expect(Token::RParen)?;
                let result = self.optional_result_type()?;
                TypeExprKind::Function(params, result.map(Box::new))
            }
            _ => return Err(Fail::Backtrack),
        };
        Ok(TypeExpr {
            kind,
            span: self.span_from(start),
        })
    }
}
