//! Checking `match` (statement and value), `if` used as a value, `if let PATTERN` and
//! `let PATTERN = e else { ... }` (LANGUAGE.md section 9): arms' patterns, guards and bodies,
//! the one typing rule of arms and branches, and exhaustiveness and reachability through
//! `patterns::check_match`.

use super::checker::Checker;
use super::enums::pattern_type;
use super::flow::block_cannot_complete;
use super::patterns::{Arm, check_match, is_irrefutable};
use super::patterns_check::Bindings;
use super::results::{CallInfo, CallTarget};
use super::scope::{Context, Local};
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::{self, ArmBody, Expr, ExprKind};

/// One arm or branch of a value: its type, where it is, and whether it cannot complete (a call
/// of `panic` or `exit`, which fits any type).
struct Branch {
    ty: Type,
    span: Span,
    diverges: bool,
}

impl Checker<'_> {
    /// A `match` statement: arms' bodies are blocks (or, when written so, expressions whose
    /// types need not agree).
    pub(super) fn check_match_statement(&mut self, context: &mut Context, match_statement: &ast::Match, head: Span) {
        self.check_match_arms(context, match_statement, head, None);
    }

    /// A `match` used as a value: each arm is one expression, all of the same type.
    pub(super) fn check_match_value(
        &mut self,
        context: &mut Context,
        match_expr: &ast::Match,
        head: Span,
        expected: Option<&Type>,
    ) -> Type {
        let branches = self.check_match_arms(context, match_expr, head, Some(expected));
        self.unify_branches(context, &branches, expected, "arm")
    }

    /// Checks the scrutinee and every arm; `value` is `Some(expected)` for a value `match`,
    /// whose arms' types are returned.
    fn check_match_arms(
        &mut self,
        context: &mut Context,
        match_ast: &ast::Match,
        head: Span,
        value: Option<Option<&Type>>,
    ) -> Vec<Branch> {
        let scrutinee_type = self.value(context, &match_ast.scrutinee, None);
        let mut arms = Vec::new();
        let mut all_lowered = true;
        let mut branches: Vec<Option<Branch>> = Vec::new();
        // Arms whose value takes its type from context (`.Blue`, `nil`, `[]`) wait, with
        // their pattern's names, for a sibling's type when no type is expected.
        let mut deferred: Vec<(usize, Bindings)> = Vec::new();
        let mut sibling: Option<Type> = None;
        for (index, arm) in match_ast.arms.iter().enumerate() {
            context.scopes.push(context.locals.len());
            let mut bindings = Bindings::new();
            let lowered = self.check_pattern(context, &arm.pattern, &scrutinee_type, &mut bindings, false);
            let kept_bindings = bindings.clone();
            bind_all(context, bindings);
            if let Some(guard) = &arm.guard {
                self.check_against(context, guard, &Type::Bool);
            }
            match (&arm.body, value) {
                (ArmBody::Block(block), None) => self.check_block(context, block),
                (ArmBody::Block(block), Some(_)) => {
                    self.block_arm_in_value(context.file, block.span);
                    self.check_block_ending_in_value(context, block);
                }
                (ArmBody::Value(expr), None) => {
                    self.check_expr(context, expr, None);
                }
                (ArmBody::Value(expr), Some(expected)) => {
                    if expected.is_none() && sibling.is_none() && needs_expected_type(expr) {
                        deferred.push((index, kept_bindings));
                        branches.push(None);
                    } else {
                        let branch = self.branch(context, expr, expected.or(sibling.as_ref()));
                        if sibling.is_none() {
                            sibling = branch.sibling_type();
                        }
                        branches.push(Some(branch));
                    }
                }
            }
            let start = context.scopes.pop().unwrap_or(0);
            context.locals.truncate(start);
            match lowered {
                Some(pattern) if arm.guard.is_some() => arms.push(Arm::guarded(pattern)),
                Some(pattern) => arms.push(Arm::new(pattern)),
                None => all_lowered = false,
            }
        }
        for (index, bindings) in deferred {
            if let ArmBody::Value(expr) = &match_ast.arms[index].body {
                context.scopes.push(context.locals.len());
                bind_all(context, bindings);
                branches[index] = Some(self.branch(context, expr, sibling.as_ref()));
                let start = context.scopes.pop().unwrap_or(0);
                context.locals.truncate(start);
            }
        }
        if all_lowered && scrutinee_type != Type::Error {
            let report = check_match(&pattern_type(&scrutinee_type), &arms, &self.enum_table);
            for index in report.unreachable_arms {
                self.unreachable_arm(context.file, match_ast.arms[index].pattern.span);
            }
            if let Some(missing) = report.missing {
                self.missing_match_arm(context.file, head, &missing);
            }
        }
        branches.into_iter().flatten().collect()
    }

    /// `if` used as a value: a `bool` condition or `if let PATTERN = value`, and two branches
    /// of one expression each (`else if` is an `if` value in the `else` branch). Without an
    /// expected type, a branch whose type comes from context (`.Blue`, `nil`, `[]`) takes the
    /// other branch's type as its expected type, whichever of the two is written first.
    pub(super) fn check_if_value(
        &mut self,
        context: &mut Context,
        if_expr: &ast::IfExpr,
        expected: Option<&Type>,
    ) -> Type {
        context.scopes.push(context.locals.len());
        let then_bindings = match &if_expr.condition {
            ast::IfCondition::Bool(condition) => {
                self.check_against(context, condition, &Type::Bool);
                Bindings::new()
            }
            ast::IfCondition::Let { pattern, value } => {
                let bindings = self.check_if_let_pattern(context, pattern, value);
                bind_all(context, bindings.clone());
                bindings
            }
        };
        let defer_then =
            expected.is_none() && needs_expected_type(&if_expr.then_value) && !needs_expected_type(&if_expr.else_value);
        let then_branch = if defer_then {
            None
        } else {
            Some(self.branch(context, &if_expr.then_value, expected))
        };
        let start = context.scopes.pop().unwrap_or(0);
        context.locals.truncate(start);
        let sibling = then_branch.as_ref().and_then(Branch::sibling_type);
        let else_branch = self.branch(context, &if_expr.else_value, expected.or(sibling.as_ref()));
        let then_branch = match then_branch {
            Some(branch) => branch,
            None => {
                context.scopes.push(context.locals.len());
                bind_all(context, then_bindings);
                let sibling = else_branch.sibling_type();
                let branch = self.branch(context, &if_expr.then_value, sibling.as_ref());
                let start = context.scopes.pop().unwrap_or(0);
                context.locals.truncate(start);
                branch
            }
        };
        self.unify_branches(context, &[then_branch, else_branch], expected, "branch")
    }

    /// The pattern of `if let` (other than a plain name, which `if let v = opt` checks as
    /// version 0.1 did): an error when it always matches. Returns the names it binds.
    pub(super) fn check_if_let_pattern(
        &mut self,
        context: &mut Context,
        pattern: &ast::Pattern,
        value: &Expr,
    ) -> Bindings {
        let ty = self.value(context, value, None);
        let mut bindings = Bindings::new();
        let lowered = self.check_pattern(context, pattern, &ty, &mut bindings, false);
        if let Some(lowered) = lowered
            && ty != Type::Error
            && is_irrefutable(&lowered, &pattern_type(&ty), &self.enum_table)
        {
            self.irrefutable_if_let(context.file, pattern.span);
        }
        bindings
    }

    /// `let PATTERN = value else { ... }`, or `let PATTERN = value` whose pattern must then
    /// always match. The names are bound for the rest of the enclosing block.
    pub(super) fn check_let_else(
        &mut self,
        context: &mut Context,
        pattern: &ast::Pattern,
        value: &Expr,
        else_block: Option<&ast::Block>,
    ) {
        let ty = self.value(context, value, None);
        let mut bindings = Bindings::new();
        let lowered = self.check_pattern(context, pattern, &ty, &mut bindings, false);
        match else_block {
            Some(block) => {
                self.check_block(context, block);
                if !block_cannot_complete(&self.results, context.file, block) {
                    self.else_completes(context.file, block.span);
                }
            }
            None => {
                if let Some(lowered) = lowered
                    && ty != Type::Error
                    && let Some(missing) =
                        check_match(&pattern_type(&ty), &[Arm::new(lowered)], &self.enum_table).missing
                {
                    self.refutable_let(context.file, pattern.span, &missing);
                }
            }
        }
        bind_all(context, bindings);
    }

    /// A block written where an arm's value belongs (already reported): its last expression
    /// statement was meant as the value, so it is not also reported as unused.
    fn check_block_ending_in_value(&mut self, context: &mut Context, block: &ast::Block) {
        context.scopes.push(context.locals.len());
        for (index, statement) in block.statements.iter().enumerate() {
            match &statement.kind {
                ast::StatementKind::Expr(expr) if index + 1 == block.statements.len() => {
                    self.check_expr(context, expr, None);
                }
                _ => self.check_statement(context, statement),
            }
        }
        let start = context.scopes.pop().unwrap_or(0);
        context.locals.truncate(start);
    }

    fn branch(&mut self, context: &mut Context, expr: &Expr, expected: Option<&Type>) -> Branch {
        let ty = self.check_expr(context, expr, expected);
        let diverges = self.is_diverging_call(context, expr);
        let ty = if ty == Type::Void && !diverges {
            self.no_value(context.file, expr.span);
            Type::Error
        } else {
            ty
        };
        Branch {
            ty,
            span: expr.span,
            diverges,
        }
    }

    fn is_diverging_call(&self, context: &Context, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Call { .. } => matches!(
                self.results.call(context.file, expr.span),
                Some(CallInfo {
                    target: CallTarget::Builtin(builtin),
                    ..
                }) if builtin.diverges()
            ),
            ExprKind::Paren(inner) => self.is_diverging_call(context, inner),
            _ => false,
        }
    }

    /// The typing rule of section 9 for arms and branches used as a value: all have one type,
    /// an arm that cannot complete fits any, and `T` is accepted where `?T` is expected (so
    /// `nil` and `T` arms make a `?T`). With an expected type that every arm fits, the value
    /// has that type.
    fn unify_branches(&mut self, context: &Context, branches: &[Branch], expected: Option<&Type>, what: &str) -> Type {
        let mut result: Option<(Type, Span)> = None;
        for branch in branches.iter().filter(|branch| !branch.diverges) {
            let Some((current, first)) = &result else {
                result = Some((branch.ty.clone(), branch.span));
                continue;
            };
            let merged = if branch.ty.is_assignable_to(current) {
                Some(current.clone())
            } else if current.is_assignable_to(&branch.ty) {
                Some(branch.ty.clone())
            } else if *current == Type::Nil && !matches!(branch.ty, Type::Optional(_) | Type::Void) {
                Some(Type::optional(branch.ty.clone()))
            } else if branch.ty == Type::Nil && !matches!(current, Type::Optional(_) | Type::Void) {
                Some(Type::optional(current.clone()))
            } else {
                None
            };
            match merged {
                Some(merged) => result = Some((merged, *first)),
                None => {
                    let (current, first) = (current.clone(), *first);
                    self.branch_type_mismatch(context.file, branch.span, what, &current, &branch.ty, first);
                    return Type::Error;
                }
            }
        }
        let Some((ty, _)) = result else {
            // Every arm diverges: the value is never produced.
            return expected.cloned().unwrap_or(Type::Error);
        };
        match expected {
            Some(expected) if ty.is_assignable_to(expected) && *expected != Type::Error => expected.clone(),
            _ => ty,
        }
    }
}

impl Branch {
    /// The type this branch gives its siblings as their expected type: none when it has no
    /// type of its own (`nil`, an error) or never produces a value.
    fn sibling_type(&self) -> Option<Type> {
        match self.ty {
            Type::Nil | Type::Error | Type::Void => None,
            _ if self.diverges => None,
            _ => Some(self.ty.clone()),
        }
    }
}

/// Whether `expr`, as an arm or a branch, takes its type from context: a variant written
/// without its enum, `nil`, an empty array or map, an array whose first element does, and an
/// `if` or `match` all of whose branches do.
fn needs_expected_type(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::ImplicitMember(_) | ExprKind::Nil => true,
        ExprKind::Call { callee, .. } => matches!(callee.kind, ExprKind::ImplicitMember(_)),
        ExprKind::Paren(inner) => needs_expected_type(inner),
        ExprKind::Array(elements) => elements.first().is_none_or(needs_expected_type),
        ExprKind::Map(entries) => entries.is_empty(),
        ExprKind::If(if_expr) => needs_expected_type(&if_expr.then_value) && needs_expected_type(&if_expr.else_value),
        ExprKind::Match(match_expr) => match_expr.arms.iter().all(|arm| match &arm.body {
            ArmBody::Value(value) => needs_expected_type(value),
            ArmBody::Block(_) => false,
        }),
        _ => false,
    }
}

/// Puts a pattern's names in scope (their types are recorded by `check_pattern`).
fn bind_all(context: &mut Context, bindings: Bindings) {
    for (name, ty) in bindings {
        context.locals.push(Local {
            name: name.text,
            ty,
            mutable: false,
            span: name.span,
        });
    }
}
