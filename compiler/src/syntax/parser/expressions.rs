//! Expressions: literals, names, operators by precedence, postfix calls, fields and indexing,
//! and the section 9 forms that are values: `.Variant`, `match` and `if` used as values.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::common::{Extra, ParserOf, binary, ident, left_associative, shrunk, span_of};
use super::error::SyntaxError;
use super::patterns::match_arms;
use crate::syntax::ast::*;
use crate::syntax::lexer::unescape;
use crate::syntax::token::Token;

#[derive(Clone)]
enum Postfix {
    Call(Vec<Expr>),
    Index(Expr),
    Field(Name),
    Unwrap,
}

/// The expression parser. `expr` and `head_expr` are the declared (recursive) parsers of a full
/// expression and of one in the head of `if`, `while`, `for` and `match`, where a struct
/// literal needs parentheses; `allow_struct_literal` says which of the two this is.
pub(super) fn expression<'tokens, 'src: 'tokens, I>(
    expr: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    head_expr: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    block: impl Parser<'tokens, I, Block, Extra<'tokens, 'src>> + Clone + 'tokens,
    pattern: ParserOf<'tokens, 'src, I, Pattern>,
    ty: ParserOf<'tokens, 'src, I, TypeExpr>,
    allow_struct_literal: bool,
) -> ParserOf<'tokens, 'src, I, Expr>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let ident = ident();
    let error_expr = |span: SimpleSpan| Expr {
        kind: ExprKind::Error,
        span: span_of(span),
    };
    let literal = select! {
        Token::Int(value) => ExprKind::Int(value),
        Token::Float(value) => ExprKind::Float(value),
        Token::True => ExprKind::Bool(true),
        Token::False => ExprKind::Bool(false),
        Token::Nil => ExprKind::Nil,
        Token::Str(raw) => ExprKind::Str(unescape(raw)),
        Token::RawStr(text) => ExprKind::Str(text.to_owned()),
        Token::Char(value) => ExprKind::Int(i64::from(value)),
    };
    // A format specification becomes a part of its own after the expression it formats.
    let format_spec = select! { Token::FormatSpec(spec) => spec }
        .map_with(|spec, extra| StringPart::Format(spec, span_of(extra.span())));
    let string_part = select! { Token::StrText(raw) => vec![StringPart::Text(unescape(raw))] }.or(expr
        .clone()
        .then(format_spec.or_not())
        .delimited_by(just(Token::InterpStart), just(Token::InterpEnd))
        .map(|(inner, spec)| std::iter::once(StringPart::Expr(inner)).chain(spec).collect())
        .recover_with(via_parser(nested_delimiters(
            Token::InterpStart,
            Token::InterpEnd,
            [
                (Token::LParen, Token::RParen),
                (Token::LBracket, Token::RBracket),
                (Token::LBrace, Token::RBrace),
            ],
            move |span| vec![StringPart::Expr(error_expr(span))],
        ))));
    let interpolated = string_part
        .repeated()
        .collect::<Vec<Vec<_>>>()
        .delimited_by(just(Token::StrStart), just(Token::StrEnd))
        .map(|parts| ExprKind::Interpolated(parts.into_iter().flatten().collect()));
    let items = expr
        .clone()
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .map(shrunk);
    let array = items
        .clone()
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .map(ExprKind::Array);
    let map = expr
        .clone()
        .then_ignore(just(Token::Colon))
        .then(expr.clone())
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map(ExprKind::Map);
    let field_inits = ident
        .clone()
        .then_ignore(just(Token::Colon))
        .then(expr.clone())
        .map_with(|(name, value), extra| FieldInit {
            name,
            value,
            span: span_of(extra.span()),
        })
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .map(shrunk)
        .delimited_by(just(Token::LBrace), just(Token::RBrace));
    // `Name { ... }`, `module.Name { ... }` or a plain name, reading the first name once: a
    // plain name (the most common atom) is not read twice, as a failed struct literal and
    // then as a name. The tokens tried, and so the expected ones, are the same.
    let struct_literal_or_name = ident
        .clone()
        .then(
            choice((
                field_inits.clone().map(|fields| (None, fields)),
                just(Token::Dot)
                    .ignore_then(ident.clone())
                    .then(field_inits)
                    .map(|(name, fields)| (Some(name), fields)),
            ))
            .or_not(),
        )
        .map(|(first, rest)| match rest {
            None => ExprKind::Name(first),
            Some((Some(name), fields)) => ExprKind::StructLiteral(Box::new(StructLiteral {
                module: Some(first),
                name,
                fields,
            })),
            Some((None, fields)) => ExprKind::StructLiteral(Box::new(StructLiteral {
                module: None,
                name: first,
                fields,
            })),
        });
    let name = ident.clone().map(ExprKind::Name);
    let implicit_member = just(Token::Dot)
        .ignore_then(ident.clone())
        .map(ExprKind::ImplicitMember);
    let match_value = just(Token::Match)
        .ignore_then(head_expr.clone())
        .then(match_arms(
            pattern.clone(),
            expr.clone(),
            choice((block.clone().map(ArmBody::Block), expr.clone().map(ArmBody::Value))),
        ))
        .map(|(scrutinee, arms)| ExprKind::Match(Box::new(Match { scrutinee, arms })));
    let if_value = if_value(expr.clone(), head_expr, pattern).map(|if_expr| ExprKind::If(Box::new(if_expr)));
    let function_value =
        function_expression(expr.clone(), block.clone(), ty).map(|function| ExprKind::Function(Box::new(function)));
    let parenthesized = expr
        .clone()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map(|inner| ExprKind::Paren(Box::new(inner)));

    // In the head of `if`, `while` and `for` a struct literal needs parentheses (LANGUAGE.md
    // section 4): `name {` there opens the body. A map literal does not: its `{` starts an
    // expression, where a body cannot begin.
    let atom = if allow_struct_literal {
        choice((
            literal,
            interpolated,
            function_value.clone(),
            struct_literal_or_name,
            parenthesized,
            array,
            map,
            implicit_member,
            match_value,
            if_value,
        ))
        .boxed()
    } else {
        choice((
            literal,
            interpolated,
            function_value,
            name,
            parenthesized,
            array,
            map,
            implicit_member,
            match_value,
            if_value,
        ))
        .boxed()
    };
    let primary = atom
        .map_with(|kind, extra| Expr {
            kind,
            span: span_of(extra.span()),
        })
        .recover_with(via_parser(nested_delimiters(
            Token::LParen,
            Token::RParen,
            [(Token::LBracket, Token::RBracket), (Token::LBrace, Token::RBrace)],
            error_expr,
        )))
        .recover_with(via_parser(nested_delimiters(
            Token::LBracket,
            Token::RBracket,
            [(Token::LParen, Token::RParen), (Token::LBrace, Token::RBrace)],
            error_expr,
        )))
        .labelled("an expression");

    let postfix_operator = choice((
        items
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map(Postfix::Call),
        expr.clone()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(Postfix::Index),
        just(Token::Dot).ignore_then(ident.clone()).map(Postfix::Field),
        just(Token::Bang).to(Postfix::Unwrap),
    ))
    .map_with(|operator, extra| (operator, span_of(extra.span())));
    let postfix = primary
        .foldl(postfix_operator.repeated(), |operand, (operator, span)| {
            let span = operand.span.to(span);
            let operand = Box::new(operand);
            let kind = match operator {
                Postfix::Call(args) => ExprKind::Call { callee: operand, args },
                Postfix::Index(index) => ExprKind::Index {
                    object: operand,
                    index: Box::new(index),
                },
                Postfix::Field(field) => ExprKind::Field { object: operand, field },
                Postfix::Unwrap => ExprKind::Unwrap(operand),
            };
            Expr { kind, span }
        })
        .boxed();

    // Each level of operators is one `one_of` over its tokens rather than a `choice` of one
    // `just` per token: the same expected tokens when it fails, in one step instead of one
    // per token (after every operand, every level fails once on the token that follows).
    let unary = one_of([Token::Minus, Token::Tilde])
        .map_with(|token, extra| {
            let op = if token == Token::Minus {
                UnaryOp::Negate
            } else {
                UnaryOp::BitNot
            };
            (op, span_of(extra.span()))
        })
        .repeated()
        .foldr(postfix, |(op, span), operand| Expr {
            span: span.to(operand.span),
            kind: ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        })
        .boxed();

    // The operators that bind tighter than comparisons (`*` down to `??`) are read as one flat
    // chain of operands and operators, then grouped by precedence (`group_by_precedence`):
    // the trees and the expected tokens are those of one parser level per precedence.
    let arithmetic_operator = one_of([
        Token::Star,
        Token::Slash,
        Token::Percent,
        Token::Plus,
        Token::Minus,
        Token::Shl,
        Token::Shr,
        Token::Amp,
        Token::Caret,
        Token::Pipe,
        Token::QuestionQuestion,
    ])
    .map(|token| match token {
        Token::Star => BinaryOp::Multiply,
        Token::Slash => BinaryOp::Divide,
        Token::Percent => BinaryOp::Remainder,
        Token::Plus => BinaryOp::Add,
        Token::Minus => BinaryOp::Subtract,
        Token::Shl => BinaryOp::ShiftLeft,
        Token::Shr => BinaryOp::ShiftRight,
        Token::Amp => BinaryOp::BitAnd,
        Token::Caret => BinaryOp::BitXor,
        Token::Pipe => BinaryOp::BitOr,
        _ => BinaryOp::Coalesce,
    });
    let coalesce = unary
        .clone()
        .then(arithmetic_operator.then(unary).repeated().collect::<Vec<_>>())
        .map(|(first, rest)| group_by_precedence(first, rest))
        .boxed();
    let comparison = left_associative(
        coalesce,
        one_of([
            Token::EqEq,
            Token::NotEq,
            Token::LessEq,
            Token::Less,
            Token::GreaterEq,
            Token::Greater,
        ])
        .map(|token| match token {
            Token::EqEq => BinaryOp::Equal,
            Token::NotEq => BinaryOp::NotEqual,
            Token::LessEq => BinaryOp::LessEqual,
            Token::Less => BinaryOp::Less,
            Token::GreaterEq => BinaryOp::GreaterEqual,
            _ => BinaryOp::Greater,
        }),
    )
    .boxed();
    let not = just(Token::Not)
        .map_with(|_, extra| span_of(extra.span()))
        .repeated()
        .foldr(comparison, |span, operand| Expr {
            span: span.to(operand.span),
            kind: ExprKind::Unary {
                op: UnaryOp::Not,
                operand: Box::new(operand),
            },
        })
        .boxed();
    let and = left_associative(not, just(Token::And).to(BinaryOp::And)).boxed();
    left_associative(and, just(Token::Or).to(BinaryOp::Or))
        .labelled("an expression")
        .boxed()
}

/// How tightly an operator of the flat chain binds (higher is tighter), and whether it groups
/// to the right: `*` `/` `%`, then `+` `-`, `<<` `>>`, `&`, `^`, `|`, and loosest `??`, which
/// groups to the right (LANGUAGE.md section 4).
fn precedence(op: BinaryOp) -> (u8, bool) {
    match op {
        BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Remainder => (7, false),
        BinaryOp::Add | BinaryOp::Subtract => (6, false),
        BinaryOp::ShiftLeft | BinaryOp::ShiftRight => (5, false),
        BinaryOp::BitAnd => (4, false),
        BinaryOp::BitXor => (3, false),
        BinaryOp::BitOr => (2, false),
        _ => (1, true),
    }
}

/// Groups a chain `first op rest...` by precedence (operator-precedence parsing with two
/// stacks): `a + b * c` is `a + (b * c)`, `a - b - c` is `(a - b) - c`, `a ?? b ?? c` is
/// `a ?? (b ?? c)`. Each node spans from its left operand to its right one.
pub(in crate::syntax) fn group_by_precedence(first: Expr, rest: Vec<(BinaryOp, Expr)>) -> Expr {
    if rest.is_empty() {
        return first;
    }
    let mut operands = Vec::with_capacity(rest.len() + 1);
    let mut operators: Vec<BinaryOp> = Vec::with_capacity(rest.len());
    operands.push(first);
    let reduce = |operands: &mut Vec<Expr>, op: BinaryOp| {
        let rhs = operands.pop().expect("an operator has a right operand");
        let lhs = operands.pop().expect("an operator has a left operand");
        operands.push(binary(op, lhs, rhs));
    };
    for (op, operand) in rest {
        let (level, groups_right) = precedence(op);
        while let Some(&top) = operators.last() {
            let (top_level, _) = precedence(top);
            if top_level > level || (top_level == level && !groups_right) {
                operators.pop();
                reduce(&mut operands, top);
            } else {
                break;
            }
        }
        operators.push(op);
        operands.push(operand);
    }
    while let Some(op) = operators.pop() {
        reduce(&mut operands, op);
    }
    operands.pop().expect("the chain has an operand")
}

/// A function expression (LANGUAGE.md section 10): `fn(a, b: T) -> R { ... }` or
/// `fn(a) => expr`. A parameter's type may be left out (the checker infers it or says it is
/// needed); `-> R` goes only with the block form, as the `=>` form's result is its expression's.
fn function_expression<'tokens, 'src: 'tokens, I>(
    expr: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    block: impl Parser<'tokens, I, Block, Extra<'tokens, 'src>> + Clone + 'tokens,
    ty: ParserOf<'tokens, 'src, I, TypeExpr>,
) -> ParserOf<'tokens, 'src, I, FunctionExpr>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let parameter = ident()
        .then(just(Token::Colon).ignore_then(ty.clone()).or_not())
        .map_with(|(name, ty), extra| ClosureParam {
            name,
            ty,
            span: span_of(extra.span()),
        });
    let parameters = parameter
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    let body = choice((
        just(Token::FatArrow)
            .ignore_then(expr)
            .map(|value| (None, FunctionBody::Expr(value))),
        just(Token::Arrow)
            .ignore_then(ty)
            .or_not()
            .then(block.map(FunctionBody::Block)),
    ));
    just(Token::Fn)
        .map_with(|_, extra| span_of(extra.span()))
        .then(parameters)
        .then(body)
        .map(|((keyword, params), (result, body))| FunctionExpr {
            params,
            result,
            body,
            keyword,
        })
        .boxed()
}

/// `if` used as a value: `if c { a } else if d { b } else { c }` or with `if let PATTERN = e`;
/// each branch is one expression in braces and the `else` is required (section 9). A missing
/// `else` is reported here, where the parser knows that the `if` is a value.
fn if_value<'tokens, 'src: 'tokens, I>(
    expr: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    head_expr: impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone + 'tokens,
    pattern: ParserOf<'tokens, 'src, I, Pattern>,
) -> ParserOf<'tokens, 'src, I, IfExpr>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    recursive(|if_value| {
        let condition = choice((
            just(Token::Let)
                .ignore_then(pattern)
                .then_ignore(just(Token::Assign))
                .then(head_expr.clone())
                .map(|(pattern, value)| IfCondition::Let { pattern, value }),
            head_expr.map(IfCondition::Bool),
        ));
        // Labelled like a block, so that `if x print()` as a statement says what it did before.
        let branch = expr
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .labelled("a block")
            .recover_with(via_parser(nested_delimiters(
                Token::LBrace,
                Token::RBrace,
                [(Token::LParen, Token::RParen), (Token::LBracket, Token::RBracket)],
                |span| Expr {
                    kind: ExprKind::Error,
                    span: span_of(span),
                },
            )));
        let else_if = if_value.map_with(|if_expr, extra| Expr {
            kind: ExprKind::If(Box::new(if_expr)),
            span: span_of(extra.span()),
        });
        just(Token::If)
            .ignore_then(condition)
            .then(branch.clone())
            .then(just(Token::Else).ignore_then(else_if.or(branch)).or_not())
            .validate(|((condition, then_value), else_value), extra, emitter| {
                let else_value = else_value.unwrap_or_else(|| {
                    emitter.emit(SyntaxError::custom(
                        extra.span(),
                        "an `if` used as a value needs an `else` branch",
                    ));
                    Expr {
                        kind: ExprKind::Error,
                        span: span_of(extra.span()),
                    }
                });
                IfExpr {
                    condition,
                    then_value,
                    else_value,
                }
            })
    })
    .boxed()
}
