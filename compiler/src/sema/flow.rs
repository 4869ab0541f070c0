//! Flow analysis over checked function bodies: whether the end of a block is reachable.

use super::results::{CallInfo, CallTarget, TypeckResults};
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, ExprKind, StatementKind};

/// Whether control can never reach the end of `block` (LANGUAGE.md section 3): it returns,
/// calls `panic` or `exit`, loops forever with `while true` and no `break`, or branches into
/// paths that all do. It runs after the block was checked, and a call counts by what the
/// checker resolved it to, not by how it is spelled: `"boom".panic()` diverges like
/// `panic("boom")`, while a call of a local variable named `panic` does not.
pub(super) fn block_diverges(results: &TypeckResults, file: FileId, block: &ast::Block) -> bool {
    block_ends(results, file, block, Exits::Function)
}

/// Whether control can never reach the end of `block` or leave it normally: as
/// [`block_diverges`], and `break` and `continue` count too. The `else` block of
/// `let ... else` must be such a block (LANGUAGE.md section 9).
pub(super) fn block_cannot_complete(results: &TypeckResults, file: FileId, block: &ast::Block) -> bool {
    block_ends(results, file, block, Exits::Block)
}

/// What leaving counts: only the function (`return`, `panic`, `exit`), or the block, where
/// `break` and `continue` leave it too.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exits {
    Function,
    Block,
}

fn block_ends(results: &TypeckResults, file: FileId, block: &ast::Block, exits: Exits) -> bool {
    block
        .statements
        .iter()
        .any(|statement| statement_diverges(results, file, statement, exits))
}

fn statement_diverges(results: &TypeckResults, file: FileId, statement: &ast::Statement, exits: Exits) -> bool {
    match &statement.kind {
        StatementKind::Return(_) => true,
        StatementKind::Break | StatementKind::Continue => exits == Exits::Block,
        StatementKind::Expr(expr) => match &expr.kind {
            ExprKind::Call { .. } => matches!(
                results.call(file, expr.span),
                Some(CallInfo {
                    target: CallTarget::Builtin(builtin),
                    ..
                }) if builtin.diverges()
            ),
            _ => false,
        },
        StatementKind::If {
            then_block,
            else_branch,
            ..
        }
        | StatementKind::IfLet {
            then_block,
            else_branch,
            ..
        } => {
            block_ends(results, file, then_block, exits)
                && match else_branch {
                    Some(ast::ElseBranch::Block(block)) => block_ends(results, file, block, exits),
                    Some(ast::ElseBranch::If(statement)) => statement_diverges(results, file, statement, exits),
                    None => false,
                }
        }
        StatementKind::While { condition, body } => is_literal_true(condition) && !block_breaks(body),
        // A `match` that does not cover every value is an error of its own; one that does
        // cannot complete when none of its arms can.
        StatementKind::Match(match_statement) => {
            !match_statement.arms.is_empty()
                && match_statement.arms.iter().all(|arm| match &arm.body {
                    ast::ArmBody::Block(block) => block_ends(results, file, block, exits),
                    ast::ArmBody::Value(_) => false,
                })
        }
        _ => false,
    }
}

fn is_literal_true(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Bool(true) => true,
        ExprKind::Paren(inner) => is_literal_true(inner),
        _ => false,
    }
}

/// Whether a `break` in `block` leaves the loop whose body it is (breaks of nested loops
/// do not count).
fn block_breaks(block: &ast::Block) -> bool {
    block.statements.iter().any(|statement| match &statement.kind {
        StatementKind::Break => true,
        StatementKind::If {
            then_block,
            else_branch,
            ..
        }
        | StatementKind::IfLet {
            then_block,
            else_branch,
            ..
        } => {
            block_breaks(then_block)
                || match else_branch {
                    Some(ast::ElseBranch::Block(block)) => block_breaks(block),
                    Some(ast::ElseBranch::If(statement)) => block_breaks(&ast::Block {
                        statements: vec![(**statement).clone()],
                        span: statement.span,
                    }),
                    None => false,
                }
        }
        StatementKind::Match(match_statement) => match_statement.arms.iter().any(|arm| match &arm.body {
            ast::ArmBody::Block(block) => block_breaks(block),
            ast::ArmBody::Value(_) => false,
        }),
        StatementKind::LetElse {
            else_block: Some(block),
            ..
        } => block_breaks(block),
        _ => false,
    })
}
