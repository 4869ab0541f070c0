//! Blocks and statements: `let`/`var` (and `let PATTERN = ... else`), assignments, `if` and
//! `if let`, `match` as a statement, loops, `break`/`continue`/`return`, with the recovery that
//! skips a broken statement up to the next separator.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::common::{Extra, ParserOf, ident, separator, shrunk, skip_balanced, span_of};
use super::error::SyntaxError;
use super::patterns::{block_of_one, match_arms};
use crate::syntax::ast::*;
use crate::syntax::token::Token;

/// The block parser; `block` is its own declared handle, `expr` and `head_expr` those of the
/// expressions (see `expressions::expression`).
pub(super) fn block<'tokens, 'src: 'tokens, I>(
    block: impl Parser<'tokens, I, Block, Extra<'tokens, 'src>> + Clone + 'tokens,
    expr: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    head_expr: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    ty: ParserOf<'tokens, 'src, I, TypeExpr>,
    pattern: ParserOf<'tokens, 'src, I, Pattern>,
) -> ParserOf<'tokens, 'src, I, Block>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let ident = ident();
    let separator = separator();
    let separators = separator.clone().repeated();
    let statement_end = choice((
        separator.clone().repeated().at_least(1).ignored(),
        just(Token::RBrace).rewind().ignored(),
    ));

    let else_branch = |if_statement: Recursive<dyn Parser<'tokens, I, Statement, Extra<'tokens, 'src>>>| {
        just(Token::Else)
            .ignore_then(choice((
                if_statement.map(|statement| ElseBranch::If(Box::new(statement))),
                block.clone().map(ElseBranch::Block),
            )))
            .or_not()
    };
    let if_statement = recursive(|if_statement| {
        let if_let = just(Token::If)
            .ignore_then(just(Token::Let))
            .ignore_then(pattern.clone())
            .then_ignore(just(Token::Assign))
            .then(head_expr.clone())
            .then(block.clone())
            .then(else_branch(if_statement.clone()))
            .map(|(((pattern, value), then_block), else_branch)| StatementKind::IfLet {
                pattern: Box::new(pattern),
                value,
                then_block,
                else_branch,
            });
        let plain_if = just(Token::If)
            .ignore_then(head_expr.clone())
            .then(block.clone())
            .then(else_branch(if_statement))
            .map(|((condition, then_block), else_branch)| StatementKind::If {
                condition,
                then_block,
                else_branch,
            });
        if_let.or(plain_if).map_with(|kind, extra| Statement {
            kind,
            span: span_of(extra.span()),
        })
    });
    // A statement `match`: an arm's body is a block, or one statement that the rule for
    // expression statements allows (section 11: a call, `if` or `match`), kept as a block of
    // that one statement. `return`, `break`, assignments need braces: `.A => { return }`.
    let match_statement = recursive(|match_statement| {
        let arm_statement = choice((
            if_statement.clone(),
            match_statement,
            expr.clone().map_with(|expr, extra| Statement {
                kind: StatementKind::Expr(expr),
                span: span_of(extra.span()),
            }),
        ));
        let body = choice((block.clone(), arm_statement.map(block_of_one))).map(ArmBody::Block);
        just(Token::Match)
            .ignore_then(head_expr.clone())
            .then(match_arms(pattern.clone(), expr.clone(), body))
            .map_with(|(scrutinee, arms), extra| Statement {
                kind: StatementKind::Match(Box::new(Match { scrutinee, arms })),
                span: span_of(extra.span()),
            })
    })
    // `match` starts an expression too; the label keeps the list of what a statement may
    // start with as short as it was.
    .labelled("an expression");
    let else_block = just(Token::Else).ignore_then(block.clone()).or_not();
    let name_let = one_of([Token::Let, Token::Var])
        .map(|token| token == Token::Var)
        .then(ident.clone())
        .then(just(Token::Colon).ignore_then(ty.clone()).or_not())
        .then_ignore(just(Token::Assign))
        .then(expr.clone())
        .then(else_block.clone())
        .validate(|((((mutable, name), ty), init), else_block), extra, emitter| {
            let Some(else_block) = else_block else {
                return StatementKind::Let {
                    mutable,
                    name,
                    ty,
                    init,
                };
            };
            if mutable {
                emitter.emit(SyntaxError::custom(
                    extra.span(),
                    "`let ... else` binds with `let`; a `var` cannot have an `else`",
                ));
            }
            if let Some(ty) = &ty {
                emitter.emit(SyntaxError::custom(
                    SimpleSpan::from(ty.span.range()),
                    "`let ... else` takes no type annotation",
                ));
            }
            let kind = if name.text == "_" {
                PatternKind::Wildcard
            } else {
                PatternKind::Binding(name.clone())
            };
            StatementKind::LetElse {
                pattern: Box::new(Pattern { kind, span: name.span }),
                value: init,
                else_block: Some(else_block),
            }
        });
    // `let PATTERN = value [else { ... }]` for a pattern that is not a plain name. It is
    // labelled as a name so that `let = 1` still says "expected a name".
    let pattern_let = just(Token::Let)
        .ignore_then(pattern.clone().labelled("a name"))
        .then_ignore(just(Token::Assign))
        .then(expr.clone())
        .then(else_block)
        .map(|((pattern, value), else_block)| StatementKind::LetElse {
            pattern: Box::new(pattern),
            value,
            else_block,
        });
    let let_statement = name_let.or(pattern_let);
    let while_statement = just(Token::While)
        .ignore_then(head_expr.clone())
        .then(block.clone())
        .map(|(condition, body)| StatementKind::While { condition, body });
    let for_statement = just(Token::For)
        .ignore_then(ident.clone())
        .then(just(Token::Comma).ignore_then(ident.clone()).or_not())
        .then_ignore(just(Token::In))
        .then(head_expr.clone())
        .then(
            choice((just(Token::DotDot).to(false), just(Token::DotDotEq).to(true)))
                .then(head_expr.clone())
                .or_not(),
        )
        .then(block.clone())
        .validate(
            |((((first, second), iterable), range), body), extra, emitter| match range {
                Some((inclusive, end)) => {
                    if let Some(second) = &second {
                        emitter.emit(SyntaxError::custom(
                            SimpleSpan::from(second.span.range()),
                            "a `for` over a range binds one variable",
                        ));
                    }
                    let _ = extra;
                    StatementKind::ForRange {
                        variable: first,
                        start: iterable,
                        end,
                        inclusive,
                        body,
                    }
                }
                None => StatementKind::ForEach {
                    first,
                    second,
                    iterable,
                    body,
                },
            },
        );
    let return_statement = just(Token::Return)
        .ignore_then(expr.clone().or_not())
        .map(StatementKind::Return);
    // One `one_of` (the same expected tokens as a `just` per operator, in one step).
    let assign_operator = one_of([
        Token::Assign,
        Token::PlusAssign,
        Token::MinusAssign,
        Token::StarAssign,
        Token::SlashAssign,
        Token::PercentAssign,
    ])
    .map(|token| match token {
        Token::PlusAssign => Some(BinaryOp::Add),
        Token::MinusAssign => Some(BinaryOp::Subtract),
        Token::StarAssign => Some(BinaryOp::Multiply),
        Token::SlashAssign => Some(BinaryOp::Divide),
        Token::PercentAssign => Some(BinaryOp::Remainder),
        _ => None,
    });
    let expression_statement =
        expr.clone()
            .then(assign_operator.then(expr.clone()).or_not())
            .map(|(target, assignment)| match assignment {
                Some((op, value)) => StatementKind::Assign { target, op, value },
                None => StatementKind::Expr(target),
            });
    let simple_statement = choice((
        let_statement,
        while_statement,
        for_statement,
        return_statement,
        just(Token::Break).to(StatementKind::Break),
        just(Token::Continue).to(StatementKind::Continue),
        expression_statement,
    ))
    .map_with(|kind, extra| Statement {
        kind,
        span: span_of(extra.span()),
    });
    let statement = if_statement
        .or(match_statement)
        .or(simple_statement)
        .then_ignore(statement_end)
        .recover_with(via_parser(
            skip_balanced(false)
                .map_with(|_, extra| Statement {
                    kind: StatementKind::Error,
                    span: span_of(extra.span()),
                })
                .then_ignore(separator.repeated()),
        ))
        .labelled("a statement");
    separators
        .ignore_then(statement.repeated().collect::<Vec<_>>().map(shrunk))
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map_with(|statements, extra| Block {
            statements,
            span: span_of(extra.span()),
        })
        .recover_with(via_parser(nested_delimiters(
            Token::LBrace,
            Token::RBrace,
            [(Token::LParen, Token::RParen), (Token::LBracket, Token::RBracket)],
            |span| Block {
                statements: Vec::new(),
                span: span_of(span),
            },
        )))
        .labelled("a block")
        .boxed()
}
