//! One walk over a function body's syntax tree, shared by the passes that only read it.
//!
//! A pass implements `Visitor`, overrides the hooks for the nodes it cares about and calls
//! the matching `walk_*` function from an override to go on into the children (as rustc's
//! and syn's visitors do). Every construct of the language is walked here once, so a new
//! statement or expression kind is added in one place and the compiler's `match`es in this
//! file point at every pass that must think about it; a pass that forgets to walk into a
//! child cannot silently miss a call or a name.
//!
//! The order of the walk is the order of evaluation and scoping: a `let`'s type and value
//! come before the name it binds, a pattern after the value it matches, a loop's variable
//! before its body.

use super::ast::{
    ArmBody, Block, ElseBranch, Expr, ExprKind, FunctionBody, FunctionExpr, IfCondition, Match, Name, Pattern,
    PatternKind, Statement, StatementKind, StringPart, TypeExpr, TypeExprKind,
};

/// A read-only pass over syntax trees. `'ast` is the trees' lifetime, so a pass may keep
/// references to the nodes it visits.
pub trait Visitor<'ast>: Sized {
    fn visit_block(&mut self, block: &'ast Block) {
        walk_block(self, block);
    }

    fn visit_statement(&mut self, statement: &'ast Statement) {
        walk_statement(self, statement);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        walk_expr(self, expr);
    }

    fn visit_match(&mut self, match_node: &'ast Match) {
        walk_match(self, match_node);
    }

    fn visit_function_expr(&mut self, function: &'ast FunctionExpr) {
        walk_function_expr(self, function);
    }

    fn visit_pattern(&mut self, pattern: &'ast Pattern) {
        walk_pattern(self, pattern);
    }

    fn visit_type_expr(&mut self, ty: &'ast TypeExpr) {
        walk_type_expr(self, ty);
    }

    /// A name an expression reads (`ExprKind::Name`); a field's name is part of its
    /// `ExprKind::Field` and is not visited here.
    fn visit_name(&mut self, _name: &'ast Name) {}

    /// A name a statement, a pattern or a closure's parameter declares.
    fn visit_binding(&mut self, _name: &'ast Name) {}
}

pub fn walk_block<'ast, V: Visitor<'ast>>(visitor: &mut V, block: &'ast Block) {
    for statement in &block.statements {
        visitor.visit_statement(statement);
    }
}

pub fn walk_else_branch<'ast, V: Visitor<'ast>>(visitor: &mut V, else_branch: &'ast Option<ElseBranch>) {
    match else_branch {
        Some(ElseBranch::Block(block)) => visitor.visit_block(block),
        Some(ElseBranch::If(statement)) => visitor.visit_statement(statement),
        None => {}
    }
}

pub fn walk_statement<'ast, V: Visitor<'ast>>(visitor: &mut V, statement: &'ast Statement) {
    match &statement.kind {
        StatementKind::Let { name, ty, init, .. } => {
            if let Some(ty) = ty {
                visitor.visit_type_expr(ty);
            }
            visitor.visit_expr(init);
            visitor.visit_binding(name);
        }
        StatementKind::Assign { target, value, .. } => {
            visitor.visit_expr(target);
            visitor.visit_expr(value);
        }
        StatementKind::Expr(expr) => visitor.visit_expr(expr),
        StatementKind::If {
            condition,
            then_block,
            else_branch,
        } => {
            visitor.visit_expr(condition);
            visitor.visit_block(then_block);
            walk_else_branch(visitor, else_branch);
        }
        StatementKind::IfLet {
            pattern,
            value,
            then_block,
            else_branch,
        } => {
            visitor.visit_expr(value);
            visitor.visit_pattern(pattern);
            visitor.visit_block(then_block);
            walk_else_branch(visitor, else_branch);
        }
        StatementKind::LetElse {
            pattern,
            value,
            else_block,
        } => {
            visitor.visit_expr(value);
            visitor.visit_pattern(pattern);
            if let Some(block) = else_block {
                visitor.visit_block(block);
            }
        }
        StatementKind::Match(match_statement) => visitor.visit_match(match_statement),
        StatementKind::While { condition, body } => {
            visitor.visit_expr(condition);
            visitor.visit_block(body);
        }
        StatementKind::ForRange {
            variable,
            start,
            end,
            body,
            ..
        } => {
            visitor.visit_expr(start);
            visitor.visit_expr(end);
            visitor.visit_binding(variable);
            visitor.visit_block(body);
        }
        StatementKind::ForEach {
            first,
            second,
            iterable,
            body,
        } => {
            visitor.visit_expr(iterable);
            visitor.visit_binding(first);
            if let Some(second) = second {
                visitor.visit_binding(second);
            }
            visitor.visit_block(body);
        }
        StatementKind::Return(Some(value)) => visitor.visit_expr(value),
        StatementKind::Return(None) | StatementKind::Break | StatementKind::Continue | StatementKind::Error => {}
    }
}

pub fn walk_match<'ast, V: Visitor<'ast>>(visitor: &mut V, match_node: &'ast Match) {
    visitor.visit_expr(&match_node.scrutinee);
    for arm in &match_node.arms {
        visitor.visit_pattern(&arm.pattern);
        if let Some(guard) = &arm.guard {
            visitor.visit_expr(guard);
        }
        match &arm.body {
            ArmBody::Block(block) => visitor.visit_block(block),
            ArmBody::Value(value) => visitor.visit_expr(value),
        }
    }
}

pub fn walk_expr<'ast, V: Visitor<'ast>>(visitor: &mut V, expr: &'ast Expr) {
    match &expr.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Nil | ExprKind::Str(_) => {}
        ExprKind::ImplicitMember(_) | ExprKind::Error => {}
        ExprKind::Interpolated(parts) => {
            for part in parts {
                if let StringPart::Expr(inner) = part {
                    visitor.visit_expr(inner);
                }
            }
        }
        ExprKind::Name(name) => visitor.visit_name(name),
        ExprKind::Array(items) => items.iter().for_each(|item| visitor.visit_expr(item)),
        ExprKind::Map(entries) => {
            for (key, value) in entries {
                visitor.visit_expr(key);
                visitor.visit_expr(value);
            }
        }
        ExprKind::StructLiteral(literal) => literal.fields.iter().for_each(|field| visitor.visit_expr(&field.value)),
        ExprKind::Unary { operand, .. } => visitor.visit_expr(operand),
        ExprKind::Binary { lhs, rhs, .. } => {
            visitor.visit_expr(lhs);
            visitor.visit_expr(rhs);
        }
        ExprKind::Call { callee, args } => {
            visitor.visit_expr(callee);
            args.iter().for_each(|arg| visitor.visit_expr(arg));
        }
        ExprKind::Field { object, .. } => visitor.visit_expr(object),
        ExprKind::Index { object, index } => {
            visitor.visit_expr(object);
            visitor.visit_expr(index);
        }
        ExprKind::Unwrap(inner) | ExprKind::Paren(inner) => visitor.visit_expr(inner),
        ExprKind::Match(match_value) => visitor.visit_match(match_value),
        ExprKind::If(if_value) => {
            match &if_value.condition {
                IfCondition::Bool(condition) => visitor.visit_expr(condition),
                IfCondition::Let { pattern, value } => {
                    visitor.visit_expr(value);
                    visitor.visit_pattern(pattern);
                }
            }
            visitor.visit_expr(&if_value.then_value);
            visitor.visit_expr(&if_value.else_value);
        }
        ExprKind::Function(function) => visitor.visit_function_expr(function),
    }
}

pub fn walk_function_expr<'ast, V: Visitor<'ast>>(visitor: &mut V, function: &'ast FunctionExpr) {
    for param in &function.params {
        visitor.visit_binding(&param.name);
        if let Some(ty) = &param.ty {
            visitor.visit_type_expr(ty);
        }
    }
    if let Some(result) = &function.result {
        visitor.visit_type_expr(result);
    }
    match &function.body {
        FunctionBody::Block(block) => visitor.visit_block(block),
        FunctionBody::Expr(body) => visitor.visit_expr(body),
    }
}

pub fn walk_pattern<'ast, V: Visitor<'ast>>(visitor: &mut V, pattern: &'ast Pattern) {
    match &pattern.kind {
        PatternKind::Binding(name) => visitor.visit_binding(name),
        PatternKind::Variant { fields, .. } => {
            for field in fields.iter().flatten() {
                visitor.visit_pattern(field);
            }
        }
        PatternKind::Or(alternatives) => alternatives
            .iter()
            .for_each(|alternative| visitor.visit_pattern(alternative)),
        PatternKind::Wildcard
        | PatternKind::Int(_)
        | PatternKind::Str(_)
        | PatternKind::Bool(_)
        | PatternKind::Nil
        | PatternKind::Range { .. }
        | PatternKind::Error => {}
    }
}

pub fn walk_type_expr<'ast, V: Visitor<'ast>>(visitor: &mut V, ty: &'ast TypeExpr) {
    match &ty.kind {
        TypeExprKind::Named { .. } | TypeExprKind::Error => {}
        TypeExprKind::Array(inner) | TypeExprKind::Optional(inner) => visitor.visit_type_expr(inner),
        TypeExprKind::Map(key, value) => {
            visitor.visit_type_expr(key);
            visitor.visit_type_expr(value);
        }
        TypeExprKind::Function(params, result) => {
            params.iter().for_each(|param| visitor.visit_type_expr(param));
            if let Some(result) = result {
                visitor.visit_type_expr(result);
            }
        }
    }
}
