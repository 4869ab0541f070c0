//! The parser: tokens to the syntax tree, with chumsky, recovering from errors so that one run
//! reports every independent syntax error of a file.
//!
//! Recovery works at three levels: a statement that fails is skipped up to the next statement
//! separator (brackets kept balanced), a block that fails is skipped to its matching `}`, and
//! an item that fails is skipped to the next line at the top level.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::ast::*;
use super::lexer::unescape;
use super::token::Token;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

type Extra<'tokens, 'src> = extra::Err<Rich<'tokens, Token<'src>, SimpleSpan>>;

fn span_of(span: SimpleSpan) -> Span {
    Span::new(span.start, span.end)
}

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

fn syntax_diagnostic(error: Rich<'_, Token<'_>, SimpleSpan>, file: FileId) -> Diagnostic {
    let span = span_of(*error.span());
    if let chumsky::error::RichReason::Custom(message) = error.reason() {
        return Diagnostic::error(Code::Syntax, file, span, message.clone());
    }
    let found = match error.found() {
        Some(token) => token.to_string(),
        None => "end of file".to_string(),
    };
    let mut expected: Vec<String> = error
        .expected()
        .filter_map(|pattern| match pattern {
            chumsky::error::RichPattern::Token(token) => Some(token.to_string()),
            chumsky::error::RichPattern::Label(label) => Some(label.to_string()),
            chumsky::error::RichPattern::Identifier(name) => Some(format!("`{name}`")),
            chumsky::error::RichPattern::EndOfInput => Some("end of file".to_string()),
            _ => None,
        })
        .collect();
    expected.sort();
    expected.dedup();
    simplify_expected(&mut expected);
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
        Some(Token::Else) => {
            diagnostic.with_help("write `} else {` on one line: a newline after `}` ends the `if` statement")
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
        "`>>`", "`>`", "`[`", "`^`", "`and`", "`or`", "`|`",
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
        expected.retain(|item| !OPERATORS.contains(&item.as_str()));
        expected.insert(0, "an operator".to_string());
    }
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr {
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    }
}

/// A left-associative level of binary operators over `operand`.
fn left_associative<'tokens, 'src: 'tokens, I, P, O>(
    operand: P,
    operator: O,
) -> impl Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
    P: Parser<'tokens, I, Expr, Extra<'tokens, 'src>> + Clone,
    O: Parser<'tokens, I, BinaryOp, Extra<'tokens, 'src>> + Clone,
{
    operand
        .clone()
        .foldl(operator.then(operand).repeated(), |lhs, (op, rhs)| binary(op, lhs, rhs))
}

#[derive(Clone)]
enum Postfix {
    Call(Vec<Expr>),
    Index(Expr),
    Field(Name),
    Unwrap,
}

/// Skips a run of tokens up to (not including) the next statement separator or closing
/// bracket at this level, keeping nested brackets balanced. Used to recover from errors.
fn skip_balanced<'tokens, 'src: 'tokens, I>() -> impl Parser<'tokens, I, (), Extra<'tokens, 'src>> + Clone
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let group = recursive(|group| {
        let inner = group
            .clone()
            .or(none_of([
                Token::LBrace,
                Token::RBrace,
                Token::LParen,
                Token::RParen,
                Token::LBracket,
                Token::RBracket,
            ])
            .ignored())
            .repeated();
        choice((
            inner.clone().delimited_by(just(Token::LBrace), just(Token::RBrace)),
            inner.clone().delimited_by(just(Token::LParen), just(Token::RParen)),
            inner.delimited_by(just(Token::LBracket), just(Token::RBracket)),
        ))
        .ignored()
    });
    group
        .or(none_of([
            Token::Newline,
            Token::Semicolon,
            Token::LBrace,
            Token::RBrace,
            Token::LParen,
            Token::RParen,
            Token::LBracket,
            Token::RBracket,
        ])
        .ignored())
        .repeated()
        .at_least(1)
}

fn module_parser<'tokens, 'src: 'tokens, I>() -> impl Parser<'tokens, I, Module, Extra<'tokens, 'src>>
where
    I: ValueInput<'tokens, Token = Token<'src>, Span = SimpleSpan>,
{
    let ident = select! { Token::Ident(text) = extra => Name { text: text.to_string(), span: span_of(extra.span()) } }
        .labelled("a name");
    let separator = choice((just(Token::Newline), just(Token::Semicolon))).labelled("end of line");
    let separators = separator.repeated();

    let ty = recursive(|ty| {
        let named = ident
            .then(just(Token::Dot).ignore_then(ident).or_not())
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
        choice((named, array, map, optional, function))
            .map_with(|kind, extra| TypeExpr {
                kind,
                span: span_of(extra.span()),
            })
            .labelled("a type")
    })
    .boxed();

    let mut expr = Recursive::declare();
    let mut head_expr = Recursive::declare();
    let expr_handle = expr.clone();
    let make_expr = |allow_struct_literal: bool| {
        let expr = expr_handle.clone();
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
        };
        let string_part = select! { Token::StrText(raw) => StringPart::Text(unescape(raw)) }.or(expr
            .clone()
            .delimited_by(just(Token::InterpStart), just(Token::InterpEnd))
            .map(StringPart::Expr)
            .recover_with(via_parser(nested_delimiters(
                Token::InterpStart,
                Token::InterpEnd,
                [
                    (Token::LParen, Token::RParen),
                    (Token::LBracket, Token::RBracket),
                    (Token::LBrace, Token::RBrace),
                ],
                move |span| StringPart::Expr(error_expr(span)),
            ))));
        let interpolated = string_part
            .repeated()
            .collect::<Vec<_>>()
            .delimited_by(just(Token::StrStart), just(Token::StrEnd))
            .map(ExprKind::Interpolated);
        let items = expr
            .clone()
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<_>>();
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
            .delimited_by(just(Token::LBrace), just(Token::RBrace));
        let struct_literal = ident
            .then(just(Token::Dot).ignore_then(ident).or_not())
            .then(field_inits)
            .map(|((first, second), fields)| match second {
                Some(name) => ExprKind::StructLiteral {
                    module: Some(first),
                    name,
                    fields,
                },
                None => ExprKind::StructLiteral {
                    module: None,
                    name: first,
                    fields,
                },
            });
        let name = ident.map(ExprKind::Name);
        let parenthesized = expr
            .clone()
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map(|inner| ExprKind::Paren(Box::new(inner)));

        // In the head of `if`, `while` and `for` a struct literal needs parentheses (LANGUAGE.md
        // section 4): `name {` there opens the body. A map literal does not: its `{` starts an
        // expression, where a body cannot begin.
        let atom = if allow_struct_literal {
            choice((literal, interpolated, struct_literal, name, parenthesized, array, map)).boxed()
        } else {
            choice((literal, interpolated, name, parenthesized, array, map)).boxed()
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
            just(Token::Dot).ignore_then(ident).map(Postfix::Field),
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

        let unary = choice((
            just(Token::Minus).to(UnaryOp::Negate),
            just(Token::Tilde).to(UnaryOp::BitNot),
        ))
        .map_with(|op, extra| (op, span_of(extra.span())))
        .repeated()
        .foldr(postfix, |(op, span), operand| Expr {
            span: span.to(operand.span),
            kind: ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
        })
        .boxed();

        let multiplicative = left_associative(
            unary,
            choice((
                just(Token::Star).to(BinaryOp::Multiply),
                just(Token::Slash).to(BinaryOp::Divide),
                just(Token::Percent).to(BinaryOp::Remainder),
            )),
        )
        .boxed();
        let additive = left_associative(
            multiplicative,
            choice((
                just(Token::Plus).to(BinaryOp::Add),
                just(Token::Minus).to(BinaryOp::Subtract),
            )),
        )
        .boxed();
        let shift = left_associative(
            additive,
            choice((
                just(Token::Shl).to(BinaryOp::ShiftLeft),
                just(Token::Shr).to(BinaryOp::ShiftRight),
            )),
        )
        .boxed();
        let bit_and = left_associative(shift, just(Token::Amp).to(BinaryOp::BitAnd)).boxed();
        let bit_xor = left_associative(bit_and, just(Token::Caret).to(BinaryOp::BitXor)).boxed();
        let bit_or = left_associative(bit_xor, just(Token::Pipe).to(BinaryOp::BitOr)).boxed();
        // Comparisons parse left-associatively; the type checker rejects a chain with E0101,
        // which explains the problem better than a bare syntax error would.
        let comparison = left_associative(
            bit_or,
            choice((
                just(Token::EqEq).to(BinaryOp::Equal),
                just(Token::NotEq).to(BinaryOp::NotEqual),
                just(Token::LessEq).to(BinaryOp::LessEqual),
                just(Token::Less).to(BinaryOp::Less),
                just(Token::GreaterEq).to(BinaryOp::GreaterEqual),
                just(Token::Greater).to(BinaryOp::Greater),
            )),
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
    };
    expr.define(make_expr(true));
    head_expr.define(make_expr(false));

    let statement_end = choice((
        separator.repeated().at_least(1).ignored(),
        just(Token::RBrace).rewind().ignored(),
    ));

    let block = recursive(|block| {
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
                .ignore_then(ident)
                .then_ignore(just(Token::Assign))
                .then(head_expr.clone())
                .then(block.clone())
                .then(else_branch(if_statement.clone()))
                .map(|(((name, value), then_block), else_branch)| StatementKind::IfLet {
                    name,
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
        let let_statement = choice((just(Token::Let).to(false), just(Token::Var).to(true)))
            .then(ident)
            .then(just(Token::Colon).ignore_then(ty.clone()).or_not())
            .then_ignore(just(Token::Assign))
            .then(expr.clone())
            .map(|(((mutable, name), ty), init)| StatementKind::Let {
                mutable,
                name,
                ty,
                init,
            });
        let while_statement = just(Token::While)
            .ignore_then(head_expr.clone())
            .then(block.clone())
            .map(|(condition, body)| StatementKind::While { condition, body });
        let for_statement = just(Token::For)
            .ignore_then(ident)
            .then(just(Token::Comma).ignore_then(ident).or_not())
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
                            emitter.emit(Rich::custom(
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
        let assign_operator = choice((
            just(Token::Assign).to(None),
            just(Token::PlusAssign).to(Some(BinaryOp::Add)),
            just(Token::MinusAssign).to(Some(BinaryOp::Subtract)),
            just(Token::StarAssign).to(Some(BinaryOp::Multiply)),
            just(Token::SlashAssign).to(Some(BinaryOp::Divide)),
            just(Token::PercentAssign).to(Some(BinaryOp::Remainder)),
        ));
        let expression_statement = expr.clone().then(assign_operator.then(expr.clone()).or_not()).map(
            |(target, assignment)| match assignment {
                Some((op, value)) => StatementKind::Assign { target, op, value },
                None => StatementKind::Expr(target),
            },
        );
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
            .or(simple_statement)
            .then_ignore(statement_end)
            .recover_with(via_parser(
                skip_balanced()
                    .map_with(|_, extra| Statement {
                        kind: StatementKind::Error,
                        span: span_of(extra.span()),
                    })
                    .then_ignore(separator.repeated()),
            ))
            .labelled("a statement");
        separators
            .ignore_then(statement.repeated().collect::<Vec<_>>())
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
    })
    .boxed();

    let import = just(Token::Import).ignore_then(ident).map_with(|module, extra| {
        Item::Import(Import {
            module,
            span: span_of(extra.span()),
        })
    });
    let field_declaration = ident
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
        .ignore_then(ident)
        .then(
            field_declaration
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
    let parameter = ident
        .then_ignore(just(Token::Colon))
        .then(ty.clone())
        .map_with(|(name, ty), extra| Param {
            name,
            ty,
            span: span_of(extra.span()),
        });
    let function = just(Token::Fn)
        .ignore_then(ident)
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
    let variable = choice((just(Token::Let).to(false), just(Token::Var).to(true)))
        .then(ident)
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
        .then(choice((struct_declaration, function, variable)))
        .map_with(|(public, mut item), extra| {
            let is_pub = public.is_some();
            let span = span_of(extra.span());
            match &mut item {
                Item::Struct(declaration) => {
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
    let item_end = choice((separator.repeated().at_least(1).ignored(), end().rewind()));
    let item = import
        .or(public_item)
        .map(Some)
        .then_ignore(item_end)
        .recover_with(via_parser(skip_balanced().to(None).then_ignore(separator.repeated())))
        .labelled("an item (`fn`, `struct`, `let`, `var` or `import`)");
    separator
        .repeated()
        .ignore_then(item.repeated().collect::<Vec<_>>())
        .then_ignore(end())
        .map(|items| Module {
            items: items.into_iter().flatten().collect(),
        })
}
