//! The parser: tokens to the syntax tree, with chumsky, recovering from errors so that one run
//! reports every independent syntax error of a file.
//!
//! Recovery works at four levels: a statement that fails is skipped up to the next statement
//! separator (brackets kept balanced), a `match` arm up to the next `,` or newline, a block
//! that fails is skipped to its matching `}`, and an item that fails is skipped to the next
//! line at the top level.
//!
//! Where LANGUAGE.md section 9 leaves the grammar open, the parser decides (see also
//! `patterns.rs`):
//! - `match` and `if` at the start of a statement are statements; anywhere else they are
//!   values (`ExprKind::Match`, `ExprKind::If`), so whether a `match` is a value is known from
//!   its position alone. A statement `match` is not continued by an operator or `.method()`.
//! - An arm body of a statement `match` is a block, a call or other expression, an `if` or a
//!   `match` statement; `return`, `break`, `continue` and assignments need braces.
//! - An arm body of a `match` used as a value may be a block in the tree (`ArmBody::Block`):
//!   the checker reports it, as the language asks.
//! - Each branch of an `if` used as a value is one expression in braces; the missing `else`
//!   is a syntax error here.
//! - The scrutinee of `match` and the value of `if let` are head expressions: a struct
//!   literal there needs parentheses, as in the head of `if`.
//! - Variants are separated by commas like struct fields; `Name()` is kept apart from `Name`.
//! - `let ... else` is `let` only (not `var`) and takes no type annotation; `let NAME = e`
//!   without `else` stays the plain `Let` it always was, `_` included.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::ast::*;
use super::token::Token;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

mod common;
mod error;
mod expressions;
mod patterns;
mod statements;

use common::{Extra, ident, separator, skip_balanced, span_of};
// The fast parser builds its operator trees as this one does.
pub(super) use common::binary;
use error::SyntaxError;
pub(super) use expressions::group_by_precedence;

/// Parses the tokens of one file. Returns the module (with error nodes where parsing failed)
/// and the syntax diagnostics.
pub fn parse(tokens: &[(Token<'_>, Span)], source_len: usize, file: FileId) -> (Module, Vec<Diagnostic>) {
    let tokens: Vec<(Token<'_>, SimpleSpan)> = tokens
        .iter()
        .map(|&(token, span)| (token, SimpleSpan::from(span.range())))
        .collect();
    let end_of_input = SimpleSpan::from(source_len..source_len);
    let input = tokens.as_slice().map(end_of_input, |(token, span)| (token, span));
    let (module, errors) = module_parser().parse(input).into_output_errors();
    // An invalid token has been reported by the lexer already; and recovery can report the
    // same place twice, so keep only the first error at each offset.
    let mut seen_offsets = std::collections::HashSet::new();
    let diagnostics = errors
        .into_iter()
        .filter(|error| error.found() != Some(&Token::Error))
        .filter(|error| seen_offsets.insert(error.span().start))
        .map(|error| syntax_diagnostic(error, file))
        .collect();
    (module.unwrap_or_default(), diagnostics)
}

fn syntax_diagnostic(error: SyntaxError<'_>, file: FileId) -> Diagnostic {
    let span = span_of(*error.span());
    if let Some(message) = error.custom_message() {
        return Diagnostic::error(Code::Syntax, file, span, message.to_string());
    }
    let found = match error.found() {
        Some(token) => token.to_string(),
        None => "end of file".to_string(),
    };
    let mut expected: Vec<String> = error.expected();
    expected.sort();
    expected.dedup();
    simplify_expected(&mut expected);
    // Where a statement may start (the list names `let`), an operator starts a line.
    let expected_statement = expected.iter().any(|item| item == "`let`");
    // After an expression statement (an assignment could follow): inside a block. After a
    // name, a `{` could also follow (a struct literal): `x: int = 5` may be meant.
    let after_expression_statement = expected.iter().any(|item| item == "`=`");
    let after_name = expected.iter().any(|item| item == "`{`");
    let label = match expected.len() {
        0 => "unexpected here".to_string(),
        1 => format!("expected {}", expected[0]),
        _ => {
            let last = expected.pop().unwrap_or_default();
            format!("expected {} or {last}", expected.join(", "))
        }
    };
    let diagnostic = Diagnostic::error(Code::Syntax, file, span, format!("unexpected {found}")).with_label(label);
    match error.found() {
        Some(
            Token::Plus
            | Token::Star
            | Token::Slash
            | Token::Percent
            | Token::EqEq
            | Token::NotEq
            | Token::Less
            | Token::LessEq
            | Token::Greater
            | Token::GreaterEq
            | Token::And
            | Token::Or
            | Token::Pipe
            | Token::Caret
            | Token::Amp
            | Token::Shl
            | Token::Shr,
        ) if expected_statement => diagnostic.with_help(
            "a line that starts with an operator does not continue the line above: end the line above with \
             the operator, or put the whole expression in parentheses",
        ),
        Some(Token::Else) => {
            diagnostic.with_help("write `} else {` on one line: a newline after `}` ends the `if` statement")
        }
        // `{"a": 1}` where a block may start (a `match` arm, a statement), or `x: int = 5`.
        Some(Token::Colon) if after_expression_statement && after_name => diagnostic.with_help(
            "a variable is declared with `let name: type = value`; and a `{` where a block may start \
             begins a block, not a map: put a map literal there in parentheses (`=> ({k: 1})`)",
        ),
        Some(Token::Colon) if after_expression_statement => diagnostic.with_help(
            "a `{` where a block may start begins a block, not a map: put a map literal there in \
             parentheses (`=> ({\"a\": 1})`)",
        ),
        // `0 => return 1` (Rust's `match`): the arm's body is an expression or a block.
        Some(Token::Return | Token::Break | Token::Continue) if !expected_statement => {
            let keyword = error.found().map_or_else(String::new, |token| token.to_string());
            diagnostic.with_help(format!(
                "{keyword} is a statement, not a value: put it in a block, as in `=> {{ return x }}`"
            ))
        }
        Some(Token::LBrace) => diagnostic.with_help(
            "a struct literal in the head of `if`, `while` or `for` must be put in parentheses: `if p == (P { x: 1 }) {`",
        ),
        _ => diagnostic,
    }
}

/// Shortens a list of expected things to what helps a reader: the tokens that merely start
/// an expression or continue one with an operator are summarized.
fn simplify_expected(expected: &mut Vec<String>) {
    const STARTS_EXPRESSION: &[&str] = &["`-`", "`~`", "`not`", "`(`", "`[`", "`{`"];
    const OPERATORS: &[&str] = &[
        "`!=`", "`!`", "`%`", "`&`", "`(`", "`*`", "`+`", "`-`", "`.`", "`/`", "`<<`", "`<=`", "`<`", "`==`", "`>=`",
        "`>>`", "`>`", "`??`", "`[`", "`^`", "`and`", "`or`", "`|`",
    ];
    let mentions_expression = expected
        .iter()
        .any(|item| item == "an expression" || item == "a statement" || item.starts_with("an item"));
    if mentions_expression {
        expected.retain(|item| !STARTS_EXPRESSION.contains(&item.as_str()));
    }
    let operator_count = expected
        .iter()
        .filter(|item| OPERATORS.contains(&item.as_str()))
        .count();
    if operator_count >= 4 {
        // After an expression, `else` could only continue a `let ... else`: rarely what was
        // missing, so it goes with the operators.
        expected.retain(|item| !OPERATORS.contains(&item.as_str()) && item != "`else`");
        expected.insert(0, "an operator".to_string());
    }
}

fn module_parser<'tokens, 'src: 'tokens, I>() -> impl Parser<'tokens, I, Module, Extra<'tokens, 'src>>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let ident = ident();
    let separator = separator();

    let ty = recursive(|ty| {
        let named = ident
            .clone()
            .then(just(Token::Dot).ignore_then(ident.clone()).or_not())
            .map(|(first, second)| match second {
                Some(name) => TypeExprKind::Named {
                    module: Some(first),
                    name,
                },
                None => TypeExprKind::Named {
                    module: None,
                    name: first,
                },
            });
        let array = ty
            .clone()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(|element| TypeExprKind::Array(Box::new(element)));
        let map = ty
            .clone()
            .then_ignore(just(Token::Colon))
            .then(ty.clone())
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .map(|(key, value)| TypeExprKind::Map(Box::new(key), Box::new(value)));
        let optional = just(Token::Question)
            .ignore_then(ty.clone())
            .map(|inner| TypeExprKind::Optional(Box::new(inner)));
        // `??T` lexes as the `??` operator; as a type it is still an optional of an optional,
        // which the type checker rejects with its own diagnostic.
        let double_optional = just(Token::QuestionQuestion)
            .ignore_then(ty.clone())
            .map_with(|inner, extra| {
                let span = span_of(extra.span());
                let inner_span = Span::new(span.start as usize + 1, span.end as usize);
                TypeExprKind::Optional(Box::new(TypeExpr {
                    kind: TypeExprKind::Optional(Box::new(inner)),
                    span: inner_span,
                }))
            });
        let function = just(Token::Fn)
            .ignore_then(
                ty.clone()
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::LParen), just(Token::RParen)),
            )
            .then(just(Token::Arrow).ignore_then(ty.clone()).or_not())
            .map(|(params, result)| TypeExprKind::Function(params, result.map(Box::new)));
        choice((named, array, map, optional, double_optional, function))
            .map_with(|kind, extra| TypeExpr {
                kind,
                span: span_of(extra.span()),
            })
            .labelled("a type")
    })
    .boxed();

    let pattern = patterns::pattern();
    let mut expr = Recursive::declare();
    let mut head_expr = Recursive::declare();
    let mut block = Recursive::declare();
    expr.define(expressions::expression(
        expr.clone(),
        head_expr.clone(),
        block.clone(),
        pattern.clone(),
        ty.clone(),
        true,
    ));
    head_expr.define(expressions::expression(
        expr.clone(),
        head_expr.clone(),
        block.clone(),
        pattern.clone(),
        ty.clone(),
        false,
    ));

    block.define(statements::block(
        block.clone(),
        expr.clone(),
        head_expr.clone(),
        ty.clone(),
        pattern,
    ));

    let import = just(Token::Import)
        .ignore_then(ident.clone())
        .map_with(|module, extra| {
            Item::Import(Import {
                module,
                span: span_of(extra.span()),
            })
        });
    let field_declaration = ident
        .clone()
        .then_ignore(just(Token::Colon))
        .then(ty.clone())
        .then(just(Token::Assign).ignore_then(expr.clone()).or_not())
        .map_with(|((name, ty), default), extra| FieldDecl {
            name,
            ty,
            default,
            span: span_of(extra.span()),
        });
    let struct_declaration = just(Token::Struct)
        .ignore_then(ident.clone())
        .then(
            field_declaration
                .clone()
                .separated_by(just(Token::Comma))
                .allow_trailing()
                .collect::<Vec<_>>()
                .delimited_by(just(Token::LBrace), just(Token::RBrace)),
        )
        .map_with(|(name, fields), extra| {
            Item::Struct(StructDecl {
                is_pub: false,
                name,
                fields,
                span: span_of(extra.span()),
            })
        });
    let enum_declaration = just(Token::Enum)
        .ignore_then(ident.clone())
        .then(
            ident
                .clone()
                .then(
                    field_declaration
                        .separated_by(just(Token::Comma))
                        .allow_trailing()
                        .collect::<Vec<_>>()
                        .delimited_by(just(Token::LParen), just(Token::RParen))
                        .or_not(),
                )
                .map_with(|(name, payload), extra| VariantDecl {
                    name,
                    payload,
                    span: span_of(extra.span()),
                })
                .separated_by(just(Token::Comma))
                .allow_trailing()
                .collect::<Vec<_>>()
                .delimited_by(just(Token::LBrace), just(Token::RBrace)),
        )
        .map_with(|(name, variants), extra| {
            Item::Enum(EnumDecl {
                is_pub: false,
                name,
                variants,
                span: span_of(extra.span()),
            })
        });
    let parameter = ident
        .clone()
        .then_ignore(just(Token::Colon))
        .then(ty.clone())
        .map_with(|(name, ty), extra| Param {
            name,
            ty,
            span: span_of(extra.span()),
        });
    let function = just(Token::Fn)
        .ignore_then(ident.clone())
        .then(
            parameter
                .separated_by(just(Token::Comma))
                .allow_trailing()
                .collect::<Vec<_>>()
                .delimited_by(just(Token::LParen), just(Token::RParen)),
        )
        .then(just(Token::Arrow).ignore_then(ty.clone()).or_not())
        .then(block)
        .map_with(|(((name, params), result), body), extra| {
            Item::Function(FunctionDecl {
                is_pub: false,
                name,
                params,
                result,
                body,
                span: span_of(extra.span()),
            })
        });
    let variable = one_of([Token::Let, Token::Var])
        .map(|token| token == Token::Var)
        .then(ident.clone())
        .then(just(Token::Colon).ignore_then(ty).or_not())
        .then_ignore(just(Token::Assign))
        .then(expr)
        .map_with(|(((mutable, name), ty), init), extra| {
            Item::Variable(VariableDecl {
                is_pub: false,
                mutable,
                name,
                ty,
                init,
                span: span_of(extra.span()),
            })
        });
    let public_item = just(Token::Pub)
        .or_not()
        .then(choice((struct_declaration, enum_declaration, function, variable)))
        .map_with(|(public, mut item), extra| {
            let is_pub = public.is_some();
            let span = span_of(extra.span());
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
            item
        });
    let item_end = choice((separator.clone().repeated().at_least(1).ignored(), end().rewind()));
    let item = import
        .or(public_item)
        .map(Some)
        .then_ignore(item_end)
        .recover_with(via_parser(
            skip_balanced(false).to(None).then_ignore(separator.clone().repeated()),
        ))
        .labelled("an item (`fn`, `struct`, `enum`, `let`, `var` or `import`)");
    separator
        .repeated()
        .ignore_then(item.repeated().collect::<Vec<_>>())
        .then_ignore(end())
        .map(|items| Module {
            items: items.into_iter().flatten().collect(),
        })
}

#[cfg(test)]
mod tests;
