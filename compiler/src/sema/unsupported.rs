//! The gate before code generation for section 9 of LANGUAGE.md (enums, `match`, `if` used as
//! a value, patterns in `if let`, `let ... else`): they are type checked, but code generation
//! for them does not exist yet. After checking, a program with no other error gets one E0290
//! per enum declaration and per other construct, so code generation never sees them. The
//! session that adds their code generation removes this file and its one call in `checker.rs`.

use super::checker::Checker;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, ArmBody, ElseBranch, Expr, ExprKind, StatementKind, StringPart};

/// The constructs found, each as (span of its head, what it is: the subject of "... checked but
/// cannot run yet").
type Found = Vec<(Span, &'static str)>;

impl Checker<'_> {
    /// Reports every construct of section 9, when the program has no other error.
    pub(super) fn report_constructs_that_cannot_run(&mut self) {
        if self.diagnostics.iter().any(|diagnostic| diagnostic.is_error()) {
            return;
        }
        for module in &self.program.modules {
            let mut found = Found::new();
            for item in &module.ast.items {
                visit_item(item, &mut found);
            }
            for (span, construct) in found {
                self.cannot_run_yet(module.file, span, construct);
            }
        }
    }

    fn cannot_run_yet(&mut self, file: FileId, span: Span, construct: &str) {
        self.error(
            Code::NotYetSupported,
            file,
            span,
            format!("{construct} checked but cannot run yet"),
        )
        .with_label("this part of LANGUAGE.md 0.2 has no code generation yet")
        .with_help(
            "section 9 of LANGUAGE.md describes it; this version of `lang` type checks it but cannot compile it",
        );
    }
}

fn head(start: Span, end: Span) -> Span {
    Span {
        start: start.start,
        end: end.end,
    }
}

fn visit_item(item: &ast::Item, found: &mut Found) {
    match item {
        ast::Item::Enum(declaration) => {
            // From `enum` (or `pub`) to the name: the whole declaration spans lines.
            found.push((head(declaration.span, declaration.name.span), "enums are"));
            for variant in &declaration.variants {
                for field in variant.payload.iter().flatten() {
                    if let Some(default) = &field.default {
                        visit_expr(default, found);
                    }
                }
            }
        }
        ast::Item::Struct(declaration) => {
            for field in &declaration.fields {
                if let Some(default) = &field.default {
                    visit_expr(default, found);
                }
            }
        }
        ast::Item::Function(declaration) => visit_block(&declaration.body, found),
        ast::Item::Variable(declaration) => visit_expr(&declaration.init, found),
        ast::Item::Import(_) => {}
    }
}

fn visit_block(block: &ast::Block, found: &mut Found) {
    for statement in &block.statements {
        visit_statement(statement, found);
    }
}

fn visit_else(else_branch: &Option<ElseBranch>, found: &mut Found) {
    match else_branch {
        Some(ElseBranch::Block(block)) => visit_block(block, found),
        Some(ElseBranch::If(statement)) => visit_statement(statement, found),
        None => {}
    }
}

fn visit_match(match_ast: &ast::Match, head_span: Span, found: &mut Found) {
    found.push((head(head_span, match_ast.scrutinee.span), "`match` is"));
    visit_expr(&match_ast.scrutinee, found);
    for arm in &match_ast.arms {
        if let Some(guard) = &arm.guard {
            visit_expr(guard, found);
        }
        match &arm.body {
            ArmBody::Block(block) => visit_block(block, found),
            ArmBody::Value(expr) => visit_expr(expr, found),
        }
    }
}

/// An `if` value; an `else if` is part of the `if` it continues, not a construct of its own.
fn visit_if(if_expr: &ast::IfExpr, span: Span, found: &mut Found, is_else_if: bool) {
    let condition = match &if_expr.condition {
        ast::IfCondition::Bool(condition) => condition,
        ast::IfCondition::Let { value, .. } => value,
    };
    if !is_else_if {
        found.push((head(span, condition.span), "`if` used as a value is"));
    }
    visit_expr(condition, found);
    visit_expr(&if_expr.then_value, found);
    match &if_expr.else_value.kind {
        ExprKind::If(else_if) => visit_if(else_if, if_expr.else_value.span, found, true),
        _ => visit_expr(&if_expr.else_value, found),
    }
}

fn visit_statement(statement: &ast::Statement, found: &mut Found) {
    match &statement.kind {
        StatementKind::Let { init, .. } => visit_expr(init, found),
        StatementKind::Assign { target, value, .. } => {
            visit_expr(target, found);
            visit_expr(value, found);
        }
        StatementKind::Expr(expr) => visit_expr(expr, found),
        StatementKind::If {
            condition,
            then_block,
            else_branch,
        } => {
            visit_expr(condition, found);
            visit_block(then_block, found);
            visit_else(else_branch, found);
        }
        StatementKind::IfLet {
            pattern,
            value,
            then_block,
            else_branch,
        } => {
            if pattern.plain_name().is_none() {
                found.push((pattern.span, "patterns in `if let` are"));
            }
            visit_expr(value, found);
            visit_block(then_block, found);
            visit_else(else_branch, found);
        }
        StatementKind::LetElse {
            pattern,
            value,
            else_block,
        } => {
            let construct = if else_block.is_some() {
                "`let ... else` is"
            } else {
                "a pattern in `let` is"
            };
            found.push((head(statement.span, pattern.span), construct));
            visit_expr(value, found);
            if let Some(block) = else_block {
                visit_block(block, found);
            }
        }
        StatementKind::Match(match_statement) => visit_match(match_statement, statement.span, found),
        StatementKind::While { condition, body } => {
            visit_expr(condition, found);
            visit_block(body, found);
        }
        StatementKind::ForRange { start, end, body, .. } => {
            visit_expr(start, found);
            visit_expr(end, found);
            visit_block(body, found);
        }
        StatementKind::ForEach { iterable, body, .. } => {
            visit_expr(iterable, found);
            visit_block(body, found);
        }
        StatementKind::Return(value) => {
            if let Some(value) = value {
                visit_expr(value, found);
            }
        }
        StatementKind::Break | StatementKind::Continue | StatementKind::Error => {}
    }
}

fn visit_expr(expr: &Expr, found: &mut Found) {
    match &expr.kind {
        ExprKind::Interpolated(parts) => {
            for part in parts {
                if let StringPart::Expr(inner) = part {
                    visit_expr(inner, found);
                }
            }
        }
        ExprKind::Array(elements) => elements.iter().for_each(|element| visit_expr(element, found)),
        ExprKind::Map(entries) => {
            for (key, value) in entries {
                visit_expr(key, found);
                visit_expr(value, found);
            }
        }
        ExprKind::StructLiteral { fields, .. } => fields.iter().for_each(|field| visit_expr(&field.value, found)),
        ExprKind::Unary { operand, .. } => visit_expr(operand, found),
        ExprKind::Binary { lhs, rhs, .. } => {
            visit_expr(lhs, found);
            visit_expr(rhs, found);
        }
        ExprKind::Call { callee, args } => {
            visit_expr(callee, found);
            args.iter().for_each(|arg| visit_expr(arg, found));
        }
        ExprKind::Field { object, .. } => visit_expr(object, found),
        ExprKind::Index { object, index } => {
            visit_expr(object, found);
            visit_expr(index, found);
        }
        ExprKind::Unwrap(inner) | ExprKind::Paren(inner) => visit_expr(inner, found),
        ExprKind::Match(match_expr) => visit_match(match_expr, expr.span, found),
        ExprKind::If(if_expr) => visit_if(if_expr, expr.span, found, false),
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Nil
        | ExprKind::Str(_)
        | ExprKind::Name(_)
        | ExprKind::ImplicitMember(_)
        | ExprKind::Error => {}
    }
}
