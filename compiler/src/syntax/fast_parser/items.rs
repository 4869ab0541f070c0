//! The items of a module: `import`, and `struct`, `enum`, `fn`, `let` and `var`, each perhaps
//! `pub`, mirroring `module_parser` of the chumsky parser.

use super::{Fail, FastParser, Parsed};
use crate::syntax::ast::*;
use crate::syntax::token::Token;

impl FastParser<'_, '_> {
    /// The whole file: separators, then items, each ended by separators or the end of input.
    pub(super) fn module(&mut self) -> Parsed<Module> {
        self.skip_separators();
        let mut items = Vec::new();
        while !self.at_end() {
            // A failed item is recovered from (and reported) by the chumsky parser.
            let item = self.item().map_err(|_| Fail::Abort)?;
            items.push(item);
            if !self.at_end() {
                if !self.at_separator() {
                    return Err(Fail::Abort);
                }
                self.skip_separators();
            }
        }
        Ok(Module { items })
    }

    fn item(&mut self) -> Parsed<Item> {
        let start = self.pos;
        if self.eat(Token::Import) {
            let module = self.name()?;
            return Ok(Item::Import(Import {
                module,
                span: self.span_from(start),
            }));
        }
        let is_pub = self.eat(Token::Pub);
        let mut item = match self.peek() {
            Some(Token::Struct) => self.struct_declaration()?,
            Some(Token::Enum) => self.enum_declaration()?,
            Some(Token::Fn) => self.function_declaration()?,
            Some(Token::Let | Token::Var) => self.variable_declaration()?,
            _ => return Err(Fail::Backtrack),
        };
        let span = self.span_from(start);
        match &mut item {
            Item::Struct(declaration) => {
                declaration.is_pub = is_pub;
                declaration.span = span;
            }
            Item::Enum(declaration) => {
                declaration.is_pub = is_pub;
                declaration.span = span;
            }
            Item::Function(declaration) => {
                declaration.is_pub = is_pub;
                declaration.span = span;
            }
            Item::Variable(declaration) => {
                declaration.is_pub = is_pub;
                declaration.span = span;
            }
            Item::Import(_) => {}
        }
        Ok(item)
    }

    /// `name: T` or `name: T = default`, of a struct or a variant's payload.
    fn field_declaration(&mut self) -> Parsed<FieldDecl> {
        let start = self.pos;
        let name = self.name()?;
        self.expect(Token::Colon)?;
        let ty = self.ty()?;
        let default = self.attempt(|parser| {
            parser.expect(Token::Assign)?;
            parser.expression(true)
        })?;
        Ok(FieldDecl {
            name,
            ty,
            default,
            span: self.span_from(start),
        })
    }

    /// The `{ fields }` or `( fields )` of a declaration.
    fn field_declarations(&mut self, open: Token<'_>, close: Token<'_>) -> Parsed<Vec<FieldDecl>> {
        self.expect(open)?;
        let fields = self.comma_separated(Self::field_declaration)?;
        self.expect(close)?;
        Ok(fields)
    }

    fn struct_declaration(&mut self) -> Parsed<Item> {
        self.expect(Token::Struct)?;
        let name = self.name()?;
        let fields = self.field_declarations(Token::LBrace, Token::RBrace)?;
        Ok(Item::Struct(StructDecl {
            is_pub: false,
            name,
            fields,
            span: crate::source::Span::new(0, 0),
        }))
    }

    fn enum_declaration(&mut self) -> Parsed<Item> {
        self.expect(Token::Enum)?;
        let name = self.name()?;
        self.expect(Token::LBrace)?;
        let variants = self.comma_separated(|parser| {
            let start = parser.pos;
            let name = parser.name()?;
            let payload = parser.attempt(|parser| parser.field_declarations(Token::LParen, Token::RParen))?;
            Ok(VariantDecl {
                name,
                payload,
                span: parser.span_from(start),
            })
        })?;
        self.expect(Token::RBrace)?;
        Ok(Item::Enum(EnumDecl {
            is_pub: false,
            name,
            variants,
            span: crate::source::Span::new(0, 0),
        }))
    }

    fn function_declaration(&mut self) -> Parsed<Item> {
        self.expect(Token::Fn)?;
        let name = self.name()?;
        self.expect(Token::LParen)?;
        let params = self.comma_separated(|parser| {
            let start = parser.pos;
            let name = parser.name()?;
            parser.expect(Token::Colon)?;
            let ty = parser.ty()?;
            Ok(Param {
                name,
                ty,
                span: parser.span_from(start),
            })
        })?;
        self.expect(Token::RParen)?;
        let result = self.optional_result_type()?;
        let body = self.block()?;
        Ok(Item::Function(FunctionDecl {
            is_pub: false,
            name,
            params,
            result,
            body,
            span: crate::source::Span::new(0, 0),
        }))
    }

    /// `-> T`, if there.
    pub(super) fn optional_result_type(&mut self) -> Parsed<Option<TypeExpr>> {
        self.attempt(|parser| {
            parser.expect(Token::Arrow)?;
            parser.ty()
        })
    }

    /// `: T`, if there.
    pub(super) fn optional_type_annotation(&mut self) -> Parsed<Option<TypeExpr>> {
        self.attempt(|parser| {
            parser.expect(Token::Colon)?;
            parser.ty()
        })
    }

    fn variable_declaration(&mut self) -> Parsed<Item> {
        let mutable = self.peek_is(Token::Var);
        self.pos += 1;
        let name = self.name()?;
        let ty = self.optional_type_annotation()?;
        self.expect(Token::Assign)?;
        let init = self.expression(true)?;
        Ok(Item::Variable(VariableDecl {
            is_pub: false,
            mutable,
            name,
            ty,
            init,
            span: crate::source::Span::new(0, 0),
        }))
    }
}
