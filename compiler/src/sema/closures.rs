//! Function expressions (LANGUAGE.md section 10): typing a closure from its written types and
//! the expected function type, and finding what it captures.
//!
//! Capture analysis rides on the checker's own name resolution: each closure being checked
//! opens a frame on the context, marking where its locals start; a local found below the
//! innermost frame's start belongs to an enclosing function, so every frame between the
//! local's and the current one captures it (a closure inside a closure gets the variable
//! through the closure around it). A captured local that is also assigned anywhere after its
//! declaration lives in a heap cell shared by everyone who uses it; one that is never
//! reassigned is copied into each closure, which is the same thing for a value that does not
//! change (`finish_closures`).

use super::checker::Checker;
use super::flow::block_diverges;
use super::results::{CaptureInfo, ClosureInfo, NodeKey};
use super::scope::{ClosureFrame, Context, Local};
use super::types::Type;
use crate::syntax::ast::{Expr, ExprKind, FunctionBody, FunctionExpr};

impl Checker<'_> {
    pub(super) fn check_function_expr(
        &mut self,
        context: &mut Context,
        expr: &Expr,
        function: &FunctionExpr,
        expected: Option<&Type>,
    ) -> Type {
        let file = context.file;
        let parameters_hint = self.closure_parameters_hint.take();
        let expected_function = match expected {
            Some(Type::Function(params, result)) => Some((params.clone(), result.as_deref().cloned())),
            Some(Type::Optional(inner)) => match &**inner {
                Type::Function(params, result) => Some((params.clone(), result.as_deref().cloned())),
                _ => None,
            },
            _ => None,
        };
        let mut count_mismatch = false;
        // The expected result still types the body when the parameter count is wrong, so
        // that one mistake is reported once.
        let expected_result = expected_function.as_ref().map(|(_, result)| result.clone());
        // Known parameters and a result to infer (`xs.map(fn(x) => x * 2)`): the parameters
        // are as if expected, the result as if nothing were expected.
        let expected_function = match (expected_function, parameters_hint) {
            (None, Some(params)) if params.len() == function.params.len() => Some((params, None)),
            (expected_function, _) => expected_function,
        };
        let expected_function = match expected_function {
            Some((params, _)) if params.len() != function.params.len() => {
                count_mismatch = true;
                let expected = expected.cloned().unwrap_or(Type::Error);
                self.closure_parameter_count(file, function, &expected, params.len());
                None
            }
            other => other,
        };
        let mut params = Vec::with_capacity(function.params.len());
        for (index, param) in function.params.iter().enumerate() {
            let ty = match (&param.ty, &expected_function) {
                (Some(written), _) => self.resolve_type(context.module, written),
                (None, Some((expected_params, _))) => expected_params[index].clone(),
                // Already reported: the parameter count differs from the expected type's.
                (None, None) if count_mismatch => Type::Error,
                (None, None) => {
                    self.closure_parameter_type_needed(file, &param.name);
                    Type::Error
                }
            };
            params.push(ty);
        }
        let written_result = function
            .result
            .as_ref()
            .map(|written| self.resolve_type(context.module, written));

        // The closure's own frame: its parameters, and no enclosing loop or result.
        let saved_result = context.result.take();
        let saved_loop_depth = std::mem::replace(&mut context.loop_depth, 0);
        context.closure_frames.push(ClosureFrame {
            start: context.locals.len(),
            captures: Vec::new(),
        });
        context.scopes.push(context.locals.len());
        for (param, ty) in function.params.iter().zip(&params) {
            if let Some(previous) = function.params.iter().find(|other| other.name.text == param.name.text)
                && previous.name.span != param.name.span
            {
                self.parameter_declared_twice(file, &param.name, previous.name.span);
            }
            self.record_local(file, param.name.span, ty);
            context.locals.push(Local {
                name: param.name.text.clone(),
                ty: ty.clone(),
                mutable: true,
                span: param.name.span,
            });
        }
        let result = match &function.body {
            FunctionBody::Block(block) => {
                // `-> T`, or the expected result; otherwise the closure returns nothing.
                let result = written_result.or_else(|| expected_result.flatten());
                context.result = Some(result.clone());
                self.check_block_statements(context, block);
                if let Some(result) = &result
                    && !block_diverges(&self.results, file, block)
                {
                    self.closure_missing_return(file, function, block.span, result);
                }
                result
            }
            FunctionBody::Expr(body) => match expected_result {
                Some(Some(result)) => {
                    context.result = Some(Some(result.clone()));
                    self.check_against(context, body, &result);
                    Some(result)
                }
                Some(None) => {
                    // No result is expected: the body is run for its effect, so it must be a
                    // call, as an expression statement must.
                    context.result = Some(None);
                    let call = is_call(body);
                    if !call {
                        self.closure_body_not_call(file, body.span);
                    }
                    // A `match` or `if` of calls checked as a value would add an error at each
                    // call ("produces no value"), though the calls are fine: the one error
                    // says to use a block.
                    if call || !matches!(body.kind, ExprKind::Match(_) | ExprKind::If(_)) {
                        self.check_expr(context, body, None);
                    }
                    None
                }
                None => {
                    context.result = Some(None);
                    match self.check_expr(context, body, None) {
                        Type::Void => None,
                        ty => Some(ty),
                    }
                }
            },
        };
        let start = context.scopes.pop().unwrap_or(0);
        context.locals.truncate(start);
        let frame = context.closure_frames.pop().unwrap_or_default();
        context.result = saved_result;
        context.loop_depth = saved_loop_depth;

        // The environment's order is by name, so that a new version of the body that uses the
        // same variables in another order reads them at the same places (hot reload).
        let mut captures = frame.captures;
        captures.sort_by(|a, b| a.0.cmp(&b.0));
        let captures = captures
            .into_iter()
            .map(|(name, ty, declaration)| CaptureInfo {
                name,
                ty,
                declaration,
                in_cell: false,
            })
            .collect();
        self.results.closures.insert(
            NodeKey::new(file, expr.span),
            ClosureInfo {
                owner: context.closure_owner.clone(),
                // Set by `finish_closures`, in source order.
                ordinal: 0,
                params: params.clone(),
                result: result.clone(),
                captures,
            },
        );
        if params.contains(&Type::Error) || result == Some(Type::Error) {
            return Type::Error;
        }
        let ty = Type::Function(params, result.map(Box::new));
        if let Some(expected) = expected
            && !matches!(expected, Type::Error)
            && expected_function.is_some()
            && !ty.is_assignable_to(expected)
        {
            self.closure_type_mismatch(file, function, expected, &ty);
            return Type::Error;
        }
        ty
    }

    /// Notes a use of the local `name` (just found by `context.lookup`): a use from inside
    /// a closure of a local of an enclosing function is a capture, by every closure between
    /// the two; an assignment is remembered to decide which captured locals need a cell.
    pub(super) fn note_local_use(&mut self, context: &mut Context, name: &str, assigned: bool) {
        let Some(index) = context.locals.iter().rposition(|local| local.name == name) else {
            return;
        };
        let local = &context.locals[index];
        let declaration = NodeKey::new(context.file, local.span);
        if assigned {
            self.results.assigned_locals.insert(declaration);
        }
        let depth = context
            .closure_frames
            .iter()
            .filter(|frame| frame.start <= index)
            .count();
        if depth == context.closure_frames.len() {
            return;
        }
        self.results.captured_locals.insert(declaration);
        let (name, ty) = (local.name.clone(), local.ty.clone());
        for frame in &mut context.closure_frames[depth..] {
            if !frame.captures.iter().any(|(_, _, key)| *key == declaration) {
                frame.captures.push((name.clone(), ty.clone(), declaration));
            }
        }
    }

    /// Decides, once every body is checked, which captured locals live in cells: those also
    /// assigned after their declaration. The others are copied into the closures. And numbers
    /// the function expressions of each item in source order (the order of their `fn`
    /// keywords, outer before inner), which is part of their hot-reload identity.
    pub(super) fn finish_closures(&mut self) {
        // The tables being filled: under incremental checking, one module's.
        let results: &mut super::results::ResultTables = &mut self.results;
        let mut by_owner: std::collections::HashMap<(crate::source::FileId, String), Vec<NodeKey>> =
            std::collections::HashMap::new();
        for (key, closure) in &results.closures {
            by_owner
                .entry((key.file, closure.owner.clone()))
                .or_default()
                .push(*key);
        }
        for keys in by_owner.values_mut() {
            keys.sort_by_key(|key| (key.start, std::cmp::Reverse(key.end)));
            for (ordinal, key) in keys.iter().enumerate() {
                if let Some(closure) = results.closures.get_mut(key) {
                    closure.ordinal = ordinal as u32;
                }
            }
        }
        results.cells = results
            .captured_locals
            .intersection(&results.assigned_locals)
            .copied()
            .collect();
        for closure in results.closures.values_mut() {
            for capture in &mut closure.captures {
                capture.in_cell = results.cells.contains(&capture.declaration);
            }
        }
    }
}

fn is_call(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call { .. } => true,
        ExprKind::Paren(inner) => is_call(inner),
        _ => false,
    }
}
