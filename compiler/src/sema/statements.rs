//! Checking statements: blocks and their scopes, `let`, assignments and their targets, `if`,
//! `if let`, loops, `break`/`continue` and `return`.

use super::builtins::Builtin;
use super::checker::Checker;
use super::results::{NameRef, NodeKey};
use super::scope::{Context, Local, ModuleItem};
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, StatementKind};

impl Checker<'_> {
    /// Checks the initializer of a `let`/`var` without a written type and returns its type.
    pub(super) fn inferred(&mut self, context: &mut Context, init: &Expr, name: &ast::Name) -> Type {
        let ty = self.value(context, init, None);
        if contains_nil(&ty) {
            self.cannot_infer_binding(context.file, init.span, &name.text);
            return Type::Error;
        }
        ty
    }

    pub(super) fn check_block(&mut self, context: &mut Context, block: &ast::Block) {
        self.check_block_statements(context, block);
    }

    pub(super) fn check_block_statements(&mut self, context: &mut Context, block: &ast::Block) {
        context.scopes.push(context.locals.len());
        for statement in &block.statements {
            self.check_statement(context, statement);
        }
        let start = context.scopes.pop().unwrap_or(0);
        context.locals.truncate(start);
    }

    pub(super) fn check_statement(&mut self, context: &mut Context, statement: &ast::Statement) {
        match &statement.kind {
            StatementKind::Let {
                mutable,
                name,
                ty,
                init,
            } => {
                let ty = match ty {
                    Some(written) => {
                        let ty = self.resolve_type(context.module, written);
                        self.check_against(context, init, &ty);
                        ty
                    }
                    None => self.inferred(context, init, name),
                };
                self.record_local(context.file, name.span, &ty);
                context.locals.push(Local {
                    name: name.text.clone(),
                    ty,
                    mutable: *mutable,
                    span: name.span,
                });
            }
            StatementKind::Assign { target, op, value } => self.check_assignment(context, target, *op, value),
            StatementKind::Expr(expr) => {
                self.statement_leading_dot = leading_implicit_member(expr);
                self.check_expr(context, expr, None);
                self.statement_leading_dot = None;
                if !self.is_statement_expression(context, expr) {
                    self.unused_value(context.file, expr);
                }
            }
            StatementKind::If {
                condition,
                then_block,
                else_branch,
            } => {
                self.check_against(context, condition, &Type::Bool);
                self.check_block(context, then_block);
                self.check_else(context, else_branch);
            }
            StatementKind::IfLet {
                pattern,
                value,
                then_block,
                else_branch,
            } => {
                let Some(name) = pattern.plain_name() else {
                    context.scopes.push(context.locals.len());
                    let bindings = self.check_if_let_pattern(context, pattern, value);
                    for (name, ty) in bindings {
                        context.locals.push(Local {
                            name: name.text,
                            ty,
                            mutable: false,
                            span: name.span,
                        });
                    }
                    self.check_block(context, then_block);
                    let start = context.scopes.pop().unwrap_or(0);
                    context.locals.truncate(start);
                    self.check_else(context, else_branch);
                    return;
                };
                let name = &name;
                let ty = self.value(context, value, None);
                let inner = match ty {
                    Type::Optional(inner) => {
                        if matches!(pattern.kind, ast::PatternKind::Wildcard) {
                            self.irrefutable_if_let(context.file, pattern.span);
                        }
                        *inner
                    }
                    Type::Error => Type::Error,
                    // A name on a value that is not optional always matches (section 9,
                    // "Precisions"): the `if let` error, and the name keeps the value's type
                    // so that the block is checked without a cascade.
                    other => {
                        self.irrefutable_if_let(context.file, pattern.span);
                        other
                    }
                };
                context.scopes.push(context.locals.len());
                self.record_local(context.file, name.span, &inner);
                context.locals.push(Local {
                    name: name.text.clone(),
                    ty: inner,
                    mutable: false,
                    span: name.span,
                });
                self.check_block(context, then_block);
                let start = context.scopes.pop().unwrap_or(0);
                context.locals.truncate(start);
                self.check_else(context, else_branch);
            }
            StatementKind::LetElse {
                pattern,
                value,
                else_block,
            } => self.check_let_else(context, pattern, value, else_block.as_ref()),
            StatementKind::Match(match_statement) => {
                let head = Span {
                    start: statement.span.start,
                    end: match_statement.scrutinee.span.end,
                };
                self.check_match_statement(context, match_statement, head);
            }
            StatementKind::While { condition, body } => {
                self.check_against(context, condition, &Type::Bool);
                self.check_loop_body(context, body, &[]);
            }
            StatementKind::ForRange {
                variable,
                start,
                end,
                body,
                ..
            } => {
                for bound in [start, end] {
                    if let ExprKind::Binary { op, .. } = &bound.kind
                        && !op.is_additive_or_tighter()
                    {
                        self.range_bound_not_additive(context.file, bound.span, op.symbol());
                    }
                }
                self.check_against(context, start, &Type::Int);
                self.check_against(context, end, &Type::Int);
                self.check_loop_body(context, body, &[(variable, Type::Int)]);
            }
            StatementKind::ForEach {
                first,
                second,
                iterable,
                body,
            } => {
                let ty = self.value(context, iterable, None);
                let bindings: Vec<(&ast::Name, Type)> = match (&ty, second) {
                    (Type::Array(element), None) => vec![(first, (**element).clone())],
                    (Type::Map(key, _), None) => vec![(first, (**key).clone())],
                    (Type::Map(key, value), Some(second)) => {
                        vec![(first, (**key).clone()), (second, (**value).clone())]
                    }
                    (Type::Error, _) => {
                        let mut bindings = vec![(first, Type::Error)];
                        if let Some(second) = second {
                            bindings.push((second, Type::Error));
                        }
                        bindings
                    }
                    (Type::Array(_), Some(second)) => {
                        self.array_loop_binds_one(context.file, second.span);
                        vec![(first, Type::Error), (second, Type::Error)]
                    }
                    (other, _) => {
                        self.not_iterable(context.file, iterable.span, other);
                        let mut bindings = vec![(first, Type::Error)];
                        if let Some(second) = second {
                            bindings.push((second, Type::Error));
                        }
                        bindings
                    }
                };
                let bindings: Vec<(&ast::Name, Type)> = bindings;
                self.check_loop_body(context, body, &bindings);
            }
            StatementKind::Break | StatementKind::Continue => {
                if context.loop_depth == 0 {
                    let word = if statement.kind == StatementKind::Break {
                        "break"
                    } else {
                        "continue"
                    };
                    self.outside_loop(context.file, statement.span, word);
                }
            }
            StatementKind::Return(value) => self.check_return(context, statement.span, value.as_ref()),
            StatementKind::Error => {}
        }
    }

    /// Whether an expression may stand alone as a statement (LANGUAGE.md section 11): a call
    /// of a function, a method or a function value (building a variant is not a call), or a
    /// `match` or `if`. Anything else computes a value only to throw it away.
    fn is_statement_expression(&self, context: &Context, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Call { .. } => self.results.variant(context.file, expr.span).is_none(),
            ExprKind::Match(_) | ExprKind::If(_) | ExprKind::Error => true,
            ExprKind::Paren(inner) => self.is_statement_expression(context, inner),
            _ => false,
        }
    }

    pub(super) fn check_else(&mut self, context: &mut Context, else_branch: &Option<ast::ElseBranch>) {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.check_block(context, block),
            Some(ast::ElseBranch::If(statement)) => self.check_statement(context, statement),
            None => {}
        }
    }

    pub(super) fn check_loop_body(
        &mut self,
        context: &mut Context,
        body: &ast::Block,
        bindings: &[(&ast::Name, Type)],
    ) {
        context.scopes.push(context.locals.len());
        for (name, ty) in bindings {
            self.record_local(context.file, name.span, ty);
            context.locals.push(Local {
                name: name.text.clone(),
                ty: ty.clone(),
                mutable: false,
                span: name.span,
            });
        }
        context.loop_depth += 1;
        self.check_block(context, body);
        context.loop_depth -= 1;
        let start = context.scopes.pop().unwrap_or(0);
        context.locals.truncate(start);
    }

    pub(super) fn check_return(&mut self, context: &mut Context, span: Span, value: Option<&Expr>) {
        match (&context.result, value) {
            (Some(Some(result)), Some(value)) => {
                let result = result.clone();
                let ty = self.value(context, value, Some(&result));
                if !ty.is_assignable_to(&result) {
                    self.return_type_mismatch(context.file, value.span, &result, &ty);
                }
            }
            (Some(Some(result)), None) => {
                self.return_without_value(context.file, span, result);
            }
            (Some(None), Some(value)) => {
                self.value(context, value, None);
                self.return_value_without_result(context.file, value.span);
            }
            (Some(None), None) | (None, _) => {}
        }
    }

    pub(super) fn check_assignment(
        &mut self,
        context: &mut Context,
        target: &Expr,
        op: Option<BinaryOp>,
        value: &Expr,
    ) {
        let target_type = self.assignment_target(context, target);
        if let Some(ty) = &target_type {
            let mut place = target;
            loop {
                self.results
                    .expr_types
                    .insert(NodeKey::new(context.file, place.span), ty);
                match &place.kind {
                    ExprKind::Paren(inner) => place = inner,
                    _ => break,
                }
            }
        }
        match op {
            None => {
                if let Some(target_type) = target_type {
                    self.check_against(context, value, &target_type);
                } else {
                    self.value(context, value, None);
                }
            }
            Some(op) => {
                let Some(target_type) = target_type else {
                    self.value(context, value, None);
                    return;
                };
                let value_type = self.value(context, value, Some(&target_type));
                let span = target.span.to(value.span);
                let result = self.binary_result(context, op, &target_type, &value_type, span, target.span, value.span);
                if !result.is_assignable_to(&target_type) {
                    self.compound_assignment_mismatch(context.file, span, op, &target_type, &result);
                }
            }
        }
    }

    /// Checks that `target` can be assigned to and returns its type (`None` after an error).
    pub(super) fn assignment_target(&mut self, context: &mut Context, target: &Expr) -> Option<Type> {
        match &target.kind {
            ExprKind::Name(name) => {
                if let Some(local) = context.lookup(&name.text) {
                    let local = local.clone();
                    self.record_local_use(context.file, name.span, local.span);
                    self.note_local_use(context, &name.text, true);
                    if !local.mutable {
                        self.assign_to_immutable_local(context.file, target.span, &name.text, local.span);
                    }
                    return Some(local.ty);
                }
                match self.scope_item(context.module, &name.text) {
                    Some(ModuleItem::Variable(id)) => {
                        self.record_name(context.file, name.span, NameRef::Variable(id));
                        let ty = self.variable_type(id);
                        let info = self.items.variable(id);
                        if !info.mutable {
                            self.assign_to_module_constant(context.file, target.span, &name.text, info.file, info.span);
                        }
                        Some(ty)
                    }
                    None if Builtin::lookup(&name.text, context.is_stdlib).is_none() => {
                        self.value(context, target, None);
                        None
                    }
                    _ => {
                        self.not_assignable_name(context.file, target.span, &name.text);
                        None
                    }
                }
            }
            ExprKind::Field { object, field } => {
                if let Some(module) = self.module_reference(context, object) {
                    let name = field.text.clone();
                    match self.scope_item(module, &name) {
                        Some(ModuleItem::Variable(id)) => {
                            self.record_name(context.file, field.span, NameRef::Variable(id));
                            let ty = self.variable_type(id);
                            let info = self.items.variable(id).clone();
                            let module_name = self.program.module(module).name.clone();
                            if !info.is_pub {
                                self.private_item(context.file, field, &module_name, info.file, info.span);
                            } else if !info.mutable {
                                self.assign_to_imported_constant(
                                    context.file,
                                    target.span,
                                    &module_name,
                                    &name,
                                    info.file,
                                    info.span,
                                );
                            }
                            return Some(ty);
                        }
                        _ => {
                            self.value(context, target, None);
                            return None;
                        }
                    }
                }
                let ty = self.check_expr(context, target, None);
                if ty == Type::Error { None } else { Some(ty) }
            }
            ExprKind::Index { .. } => {
                let ty = self.check_expr(context, target, None);
                if ty == Type::Error { None } else { Some(ty) }
            }
            ExprKind::Paren(inner) => self.assignment_target(context, inner),
            _ => {
                self.check_expr(context, target, None);
                self.invalid_assign_target(context.file, target.span);
                None
            }
        }
    }
}

/// The start of the `.name` an expression begins with (`.map(f)`, `.x.y`), if it does.
fn leading_implicit_member(expr: &Expr) -> Option<u32> {
    match &expr.kind {
        ExprKind::ImplicitMember(name) => {
            Some(name.span.start.saturating_sub(1)).filter(|start| *start == expr.span.start)
        }
        ExprKind::Call { callee, .. } => leading_implicit_member(callee),
        ExprKind::Field { object, .. } | ExprKind::Index { object, .. } => leading_implicit_member(object),
        ExprKind::Unwrap(inner) => leading_implicit_member(inner),
        ExprKind::Binary { lhs, .. } => leading_implicit_member(lhs),
        _ => None,
    }
}
