//! Giving back the spare capacity of a parsed tree's vectors and strings.
//!
//! A parser collects each list by pushing, so a vector's capacity runs ahead of its length:
//! a block of one statement holds room for four, and a statement is a few hundred bytes. A
//! tree is kept for as long as the program is checked, compiled or hot-reloaded, so that room
//! was a large part of the compiler's peak memory at 100,000 lines (issue 20); one walk after
//! parsing returns it, whichever parser built the tree.

use super::ast::*;

/// Shrinks every vector and string of `module` to its length.
pub fn shrink_module(module: &mut Module) {
    shrink_vec(&mut module.items);
    for item in &mut module.items {
        match item {
            Item::Import(import) => shrink_name(&mut import.module),
            Item::Struct(declaration) => {
                shrink_name(&mut declaration.name);
                shrink_fields(&mut declaration.fields);
            }
            Item::Enum(declaration) => {
                shrink_name(&mut declaration.name);
                shrink_vec(&mut declaration.variants);
                for variant in &mut declaration.variants {
                    shrink_name(&mut variant.name);
                    if let Some(payload) = &mut variant.payload {
                        shrink_fields(payload);
                    }
                }
            }
            Item::Function(function) => {
                shrink_name(&mut function.name);
                shrink_vec(&mut function.params);
                for param in &mut function.params {
                    shrink_name(&mut param.name);
                    shrink_type(&mut param.ty);
                }
                if let Some(result) = &mut function.result {
                    shrink_type(result);
                }
                shrink_block(&mut function.body);
            }
            Item::Variable(variable) => {
                shrink_name(&mut variable.name);
                if let Some(ty) = &mut variable.ty {
                    shrink_type(ty);
                }
                shrink_expr(&mut variable.init);
            }
        }
    }
}

fn shrink_vec<T>(vector: &mut Vec<T>) {
    // Equal length and capacity is the common case once a vector was built exactly; the
    // call would be a no-op then, but the check keeps the walk cheap.
    if vector.capacity() != vector.len() {
        vector.shrink_to_fit();
    }
}

fn shrink_string(text: &mut String) {
    if text.capacity() != text.len() {
        text.shrink_to_fit();
    }
}

fn shrink_name(name: &mut Name) {
    shrink_string(&mut name.text);
}

fn shrink_fields(fields: &mut Vec<FieldDecl>) {
    shrink_vec(fields);
    for field in fields {
        shrink_name(&mut field.name);
        shrink_type(&mut field.ty);
        if let Some(default) = &mut field.default {
            shrink_expr(default);
        }
    }
}

fn shrink_type(ty: &mut TypeExpr) {
    match &mut ty.kind {
        TypeExprKind::Named { module, name } => {
            if let Some(module) = module {
                shrink_name(module);
            }
            shrink_name(name);
        }
        TypeExprKind::Array(element) | TypeExprKind::Optional(element) => shrink_type(element),
        TypeExprKind::Map(key, value) => {
            shrink_type(key);
            shrink_type(value);
        }
        TypeExprKind::Function(params, result) => {
            shrink_vec(params);
            params.iter_mut().for_each(shrink_type);
            if let Some(result) = result {
                shrink_type(result);
            }
        }
        TypeExprKind::Error => {}
    }
}

fn shrink_block(block: &mut Block) {
    shrink_vec(&mut block.statements);
    for statement in &mut block.statements {
        shrink_statement(statement);
    }
}

fn shrink_statement(statement: &mut Statement) {
    match &mut statement.kind {
        StatementKind::Let { name, ty, init, .. } => {
            shrink_name(name);
            if let Some(ty) = ty {
                shrink_type(ty);
            }
            shrink_expr(init);
        }
        StatementKind::Assign { target, value, .. } => {
            shrink_expr(target);
            shrink_expr(value);
        }
        StatementKind::Expr(expr) => shrink_expr(expr),
        StatementKind::If {
            condition,
            then_block,
            else_branch,
        } => {
            shrink_expr(condition);
            shrink_block(then_block);
            shrink_else(else_branch);
        }
        StatementKind::IfLet {
            pattern,
            value,
            then_block,
            else_branch,
        } => {
            shrink_pattern(pattern);
            shrink_expr(value);
            shrink_block(then_block);
            shrink_else(else_branch);
        }
        StatementKind::LetElse {
            pattern,
            value,
            else_block,
        } => {
            shrink_pattern(pattern);
            shrink_expr(value);
            if let Some(block) = else_block {
                shrink_block(block);
            }
        }
        StatementKind::Match(matched) => shrink_match(matched),
        StatementKind::While { condition, body } => {
            shrink_expr(condition);
            shrink_block(body);
        }
        StatementKind::ForRange {
            variable,
            start,
            end,
            body,
            ..
        } => {
            shrink_name(variable);
            shrink_expr(start);
            shrink_expr(end);
            shrink_block(body);
        }
        StatementKind::ForEach {
            first,
            second,
            iterable,
            body,
        } => {
            shrink_name(first);
            if let Some(second) = second {
                shrink_name(second);
            }
            shrink_expr(iterable);
            shrink_block(body);
        }
        StatementKind::Return(Some(value)) => shrink_expr(value),
        StatementKind::Return(None) | StatementKind::Break | StatementKind::Continue | StatementKind::Error => {}
    }
}

fn shrink_else(branch: &mut Option<ElseBranch>) {
    match branch {
        Some(ElseBranch::Block(block)) => shrink_block(block),
        Some(ElseBranch::If(statement)) => shrink_statement(statement),
        None => {}
    }
}

fn shrink_match(matched: &mut Match) {
    shrink_expr(&mut matched.scrutinee);
    shrink_vec(&mut matched.arms);
    for arm in &mut matched.arms {
        shrink_pattern(&mut arm.pattern);
        if let Some(guard) = &mut arm.guard {
            shrink_expr(guard);
        }
        match &mut arm.body {
            ArmBody::Block(block) => shrink_block(block),
            ArmBody::Value(value) => shrink_expr(value),
        }
    }
}

fn shrink_pattern(pattern: &mut Pattern) {
    match &mut pattern.kind {
        PatternKind::Binding(name) => shrink_name(name),
        PatternKind::Str(text) => shrink_string(text),
        PatternKind::Variant {
            enum_name,
            name,
            fields,
        } => {
            if let Some((module, enum_name)) = enum_name {
                if let Some(module) = module {
                    shrink_name(module);
                }
                shrink_name(enum_name);
            }
            shrink_name(name);
            if let Some(fields) = fields {
                shrink_vec(fields);
                fields.iter_mut().for_each(shrink_pattern);
            }
        }
        PatternKind::Or(alternatives) => {
            shrink_vec(alternatives);
            alternatives.iter_mut().for_each(shrink_pattern);
        }
        PatternKind::Wildcard
        | PatternKind::Int(_)
        | PatternKind::Bool(_)
        | PatternKind::Nil
        | PatternKind::Range { .. }
        | PatternKind::Error => {}
    }
}

fn shrink_expr(expr: &mut Expr) {
    match &mut expr.kind {
        ExprKind::Str(text) => shrink_string(text),
        ExprKind::Interpolated(parts) => {
            shrink_vec(parts);
            for part in parts {
                match part {
                    StringPart::Text(text) => shrink_string(text),
                    StringPart::Expr(expr) => shrink_expr(expr),
                    StringPart::Format(..) => {}
                }
            }
        }
        ExprKind::Name(name) | ExprKind::ImplicitMember(name) => shrink_name(name),
        ExprKind::Array(elements) => {
            shrink_vec(elements);
            elements.iter_mut().for_each(shrink_expr);
        }
        ExprKind::Map(entries) => {
            shrink_vec(entries);
            for (key, value) in entries {
                shrink_expr(key);
                shrink_expr(value);
            }
        }
        ExprKind::StructLiteral(literal) => {
            if let Some(module) = &mut literal.module {
                shrink_name(module);
            }
            shrink_name(&mut literal.name);
            shrink_vec(&mut literal.fields);
            for field in &mut literal.fields {
                shrink_name(&mut field.name);
                shrink_expr(&mut field.value);
            }
        }
        ExprKind::Unary { operand, .. } => shrink_expr(operand),
        ExprKind::Binary { lhs, rhs, .. } => {
            shrink_expr(lhs);
            shrink_expr(rhs);
        }
        ExprKind::Call { callee, args } => {
            shrink_expr(callee);
            shrink_vec(args);
            args.iter_mut().for_each(shrink_expr);
        }
        ExprKind::Field { object, field } => {
            shrink_expr(object);
            shrink_name(field);
        }
        ExprKind::Index { object, index } => {
            shrink_expr(object);
            shrink_expr(index);
        }
        ExprKind::Unwrap(inner) | ExprKind::Paren(inner) => shrink_expr(inner),
        ExprKind::Match(matched) => shrink_match(matched),
        ExprKind::If(if_value) => {
            match &mut if_value.condition {
                IfCondition::Bool(condition) => shrink_expr(condition),
                IfCondition::Let { pattern, value } => {
                    shrink_pattern(pattern);
                    shrink_expr(value);
                }
            }
            shrink_expr(&mut if_value.then_value);
            shrink_expr(&mut if_value.else_value);
        }
        ExprKind::Function(function) => {
            shrink_vec(&mut function.params);
            for param in &mut function.params {
                shrink_name(&mut param.name);
                if let Some(ty) = &mut param.ty {
                    shrink_type(ty);
                }
            }
            if let Some(result) = &mut function.result {
                shrink_type(result);
            }
            match &mut function.body {
                FunctionBody::Block(block) => shrink_block(block),
                FunctionBody::Expr(value) => shrink_expr(value),
            }
        }
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Nil | ExprKind::Error => {}
    }
}
