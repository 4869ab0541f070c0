//! Unit tests of the parser for the syntax of LANGUAGE.md section 9: the tree each form
//! gives, and where the newline rule and method calls meet the implicit `.Name`.

use crate::source::FileId;
use crate::syntax::ast::*;
use crate::syntax::parse_file;

fn parse_ok(source: &str) -> Module {
    let (module, diagnostics) = parse_file(source, FileId(0));
    assert!(diagnostics.is_empty(), "{source}: {diagnostics:?}");
    module
}

/// The statements of `fn main() { BODY }`.
fn body(statements: &str) -> Vec<Statement> {
    let module = parse_ok(&format!("fn main() {{\n{statements}\n}}\n"));
    let Some(Item::Function(function)) = module.items.into_iter().next() else {
        panic!("no function");
    };
    function.body.statements
}

fn syntax_errors(source: &str) -> usize {
    parse_file(source, FileId(0)).1.len()
}

#[test]
fn enum_declarations_keep_payloads_and_defaults() {
    let module =
        parse_ok("pub enum Shape {\n Circle(radius: float),\n Rect(w: float, h: float = 1.0),\n Empty,\n Unit(),\n}\n");
    let Some(Item::Enum(declaration)) = module.items.first() else {
        panic!("not an enum");
    };
    assert!(declaration.is_pub);
    let shapes: Vec<(&str, Option<usize>)> = declaration
        .variants
        .iter()
        .map(|variant| (variant.name.text.as_str(), variant.payload.as_ref().map(Vec::len)))
        .collect();
    assert_eq!(
        shapes,
        [
            ("Circle", Some(1)),
            ("Rect", Some(2)),
            ("Empty", None),
            ("Unit", Some(0))
        ]
    );
    assert!(declaration.variants[1].payload.as_ref().unwrap()[1].default.is_some());
}

#[test]
fn a_match_statement_reads_every_arm_and_wraps_bare_bodies_in_blocks() {
    let statements = body("match s {\n .A => f(),\n .B(x) if x > 1 => { g() }\n _ => if c { h() }\n}");
    let [
        Statement {
            kind: StatementKind::Match(match_statement),
            ..
        },
    ] = statements.as_slice()
    else {
        panic!("{statements:?}");
    };
    assert_eq!(match_statement.arms.len(), 3);
    assert!(match_statement.arms[1].guard.is_some());
    for arm in &match_statement.arms {
        let ArmBody::Block(block) = &arm.body else {
            panic!("a statement arm is a block");
        };
        assert_eq!(block.statements.len(), 1);
    }
}

#[test]
fn patterns_of_every_form() {
    let statements = body(
        "let v = match x {\n -5 => 1,\n 1..=3 | 7 => 2,\n \"s\" => 3,\n nil => 4,\n .V(_, n) => n,\n geo.E.W => 5,\n other => 6,\n}",
    );
    let [
        Statement {
            kind: StatementKind::Let { init, .. },
            ..
        },
    ] = statements.as_slice()
    else {
        panic!("{statements:?}");
    };
    let ExprKind::Match(match_expr) = &init.kind else {
        panic!("{init:?}");
    };
    let kinds: Vec<&PatternKind> = match_expr.arms.iter().map(|arm| &arm.pattern.kind).collect();
    assert_eq!(kinds[0], &PatternKind::Int(-5));
    let PatternKind::Or(alternatives) = kinds[1] else {
        panic!("{:?}", kinds[1]);
    };
    assert_eq!(
        alternatives[0].kind,
        PatternKind::Range {
            start: 1,
            end: 3,
            inclusive: true
        }
    );
    assert_eq!(kinds[2], &PatternKind::Str("s".to_string()));
    assert_eq!(kinds[3], &PatternKind::Nil);
    let PatternKind::Variant {
        enum_name: None,
        fields: Some(fields),
        ..
    } = kinds[4]
    else {
        panic!("{:?}", kinds[4]);
    };
    assert_eq!(fields[0].kind, PatternKind::Wildcard);
    assert!(matches!(
        kinds[5],
        PatternKind::Variant {
            enum_name: Some((Some(_), _)),
            fields: None,
            ..
        }
    ));
    assert!(matches!(kinds[6], PatternKind::Binding(_)));
    assert!(matches!(match_expr.arms[0].body, ArmBody::Value(_)));
}

#[test]
fn a_dot_starts_an_implicit_member_only_where_an_expression_starts() {
    let statements = body("s = .Circle(1.0)\nlet n = xs.len()");
    let StatementKind::Assign { value, .. } = &statements[0].kind else {
        panic!("{statements:?}");
    };
    let ExprKind::Call { callee, .. } = &value.kind else {
        panic!("{value:?}");
    };
    assert!(matches!(&callee.kind, ExprKind::ImplicitMember(name) if name.text == "Circle"));
    let StatementKind::Let { init, .. } = &statements[1].kind else {
        panic!("{statements:?}");
    };
    let ExprKind::Call { callee, .. } = &init.kind else {
        panic!("{init:?}");
    };
    assert!(matches!(&callee.kind, ExprKind::Field { .. }));
    // A newline after a name ends the statement, so a `.name` on the next line starts a new
    // one (an implicit member, which the checker rejects), as in Go.
    assert_eq!(body("let n = xs\n.len()").len(), 2);
}

#[test]
fn if_values_let_else_and_if_let_patterns() {
    let statements = body(
        "let a = if c { 1 } else if d { 2 } else { 3 }\nlet v = o else { return }\nlet .C(r) = s else { return }\nif let .C(r) = s { f(r) }",
    );
    let StatementKind::Let { init, .. } = &statements[0].kind else {
        panic!("{statements:?}");
    };
    let ExprKind::If(if_expr) = &init.kind else {
        panic!("{init:?}");
    };
    assert!(matches!(if_expr.else_value.kind, ExprKind::If(_)));
    assert!(matches!(
        &statements[1].kind,
        StatementKind::LetElse {
            pattern,
            else_block: Some(_),
            ..
        } if matches!(pattern.kind, PatternKind::Binding(_))
    ));
    assert!(matches!(
        &statements[2].kind,
        StatementKind::LetElse { pattern, .. } if matches!(pattern.kind, PatternKind::Variant { .. })
    ));
    assert!(matches!(
        &statements[3].kind,
        StatementKind::IfLet { pattern, .. } if matches!(pattern.kind, PatternKind::Variant { .. })
    ));
}

#[test]
fn broken_arms_are_skipped_one_at_a_time() {
    assert_eq!(
        syntax_errors("fn main() {\n match x {\n 1 => => f(),\n 2 print(),\n _ => {}\n }\n let = 1\n}\n"),
        3
    );
}

/// The operator tree of an expression, fully parenthesized.
fn shape(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", shape(lhs), op.symbol(), shape(rhs)),
        ExprKind::Name(name) => name.text.clone(),
        ExprKind::Int(value) => value.to_string(),
        _ => "?".into(),
    }
}

#[test]
fn coalescing_groups_right_between_comparison_and_bit_or() {
    for (source, expected) in [
        ("a ?? b ?? c", "(a ?? (b ?? c))"),
        ("a ?? b + 1", "(a ?? (b + 1))"),
        ("a ?? b == c", "((a ?? b) == c)"),
        ("a | b ?? c | d", "((a | b) ?? (c | d))"),
        ("x < a ?? 'z'", "(x < (a ?? 122))"),
    ] {
        let statements = body(&format!("let v = {source}"));
        let Some(StatementKind::Let { init, .. }) = statements.first().map(|statement| &statement.kind) else {
            panic!("not a let");
        };
        assert_eq!(shape(init), expected, "{source}");
    }
}

/// The operator tree with each binary node's span, as `(lhs op rhs)@start..end`.
fn shape_with_spans(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Binary { op, lhs, rhs } => format!(
            "({} {} {})@{}..{}",
            shape_with_spans(lhs),
            op.symbol(),
            shape_with_spans(rhs),
            expr.span.start,
            expr.span.end
        ),
        _ => shape(expr),
    }
}

#[test]
fn operators_group_by_precedence_and_to_the_left() {
    for (source, expected) in [
        ("a * b + c * d", "((a * b) + (c * d))"),
        ("a - b - c", "((a - b) - c)"),
        ("a + b << c & d ^ e | f", "(((((a + b) << c) & d) ^ e) | f)"),
        ("a | b ^ c & d << e + f * g", "(a | (b ^ (c & (d << (e + (f * g))))))"),
        ("a / b % c * d", "(((a / b) % c) * d)"),
        ("a ?? b * c ?? d", "(a ?? ((b * c) ?? d))"),
        ("a == b + c and not d < e or f", "(((a == (b + c)) and ?) or f)"),
    ] {
        let statements = body(&format!("let v = {source}"));
        let Some(StatementKind::Let { init, .. }) = statements.first().map(|statement| &statement.kind) else {
            panic!("not a let");
        };
        assert_eq!(shape(init), expected, "{source}");
    }
    // Each node spans from its left operand's start to its right operand's end (the source
    // starts at offset 20, after `fn main() {\nlet v = `).
    let statements = body("let v = a - b * c - d");
    let Some(StatementKind::Let { init, .. }) = statements.first().map(|statement| &statement.kind) else {
        panic!("not a let");
    };
    assert_eq!(shape_with_spans(init), "((a - (b * c)@24..29)@20..29 - d)@20..33");
}

#[test]
fn raw_strings_and_character_literals_are_literals_and_patterns() {
    let statements =
        body("let s = r#\"a \\n {b}\"#\nmatch c { 'a'..='z' => print(1), '\\n' => print(2), _ => print(3) }");
    let Some(StatementKind::Let { init, .. }) = statements.first().map(|statement| &statement.kind) else {
        panic!("not a let");
    };
    assert_eq!(init.kind, ExprKind::Str("a \\n {b}".into()));
    assert_eq!(syntax_errors("fn main() {\n    let r = 3\n    print(r \"x\")\n}\n"), 1);
}

/// Function expressions (LANGUAGE.md section 10): both body forms, parameter types optional,
/// `-> T` only with a block, and a block body spanning lines inside a call's parentheses.
#[test]
fn function_expressions() {
    let statements = body(
        "let f = fn(a, b: int) => a + b\nlet g = fn() -> int {\n    return 1\n}\napply(xs, fn(x) {\n    print(x)\n})\nlet h = fn(x: int) => fn(y: int) => x + y",
    );
    let StatementKind::Let { init, .. } = &statements[0].kind else {
        panic!("{statements:?}");
    };
    let ExprKind::Function(function) = &init.kind else {
        panic!("{init:?}");
    };
    assert_eq!(function.params.len(), 2);
    assert!(function.params[0].ty.is_none() && function.params[1].ty.is_some());
    assert!(matches!(function.body, FunctionBody::Expr(_)));
    let StatementKind::Let { init, .. } = &statements[1].kind else {
        panic!("{statements:?}");
    };
    let ExprKind::Function(function) = &init.kind else {
        panic!("{init:?}");
    };
    assert!(function.result.is_some());
    assert!(matches!(function.body, FunctionBody::Block(_)));
    let StatementKind::Expr(Expr {
        kind: ExprKind::Call { args, .. },
        ..
    }) = &statements[2].kind
    else {
        panic!("{statements:?}");
    };
    assert!(matches!(args[1].kind, ExprKind::Function(_)));
    assert_eq!(statements.len(), 4);
    // `=>` takes no `-> T`.
    assert!(syntax_errors("fn main() {\n    let k = fn(q: int) -> int => q\n}\n") > 0);
}
