//! Checking calls: what the callee is (a function of this module or another, a built-in, a
//! function value, or method syntax `x.f(a)` calling `f(x, a)`), and the arguments against
//! the parameters. The built-ins that accept several types are in `generic_builtins`.

use super::builtins::Builtin;
use super::checker::Checker;
use super::results::{CallInfo, CallTarget, NameRef, NodeKey};
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind};

/// An argument of a call: an expression still to check, or the receiver of method syntax,
/// already checked.
#[derive(Clone, Copy)]
pub(super) enum Argument<'e> {
    Expr(&'e Expr),
    Checked(&'e Type, Span),
}

impl Argument<'_> {
    pub(super) fn span(&self) -> Span {
        match self {
            Argument::Expr(expr) => expr.span,
            Argument::Checked(_, span) => *span,
        }
    }
}

/// What a call expression's callee turned out to be.
pub(super) enum Callee {
    Function(FunctionId),
    Builtin(Builtin),
    Value(Type),
}

impl Checker<'_> {
    pub(super) fn check_call(
        &mut self,
        context: &mut Context,
        callee: &Expr,
        args: &[Expr],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let arguments: Vec<Argument<'_>> = args.iter().map(Argument::Expr).collect();
        match &callee.kind {
            ExprKind::Name(name) if context.lookup(&name.text).is_none() => {
                match self.scope_item(context.module, &name.text) {
                    Some(ModuleItem::Function(id)) => {
                        return self.call_function(
                            context,
                            Callee::Function(id),
                            &name.text,
                            &arguments,
                            span,
                            expected,
                        );
                    }
                    // A struct named like a built-in function was reported (E0206); calls
                    // still go to the built-in, so that error is not repeated at every call.
                    Some(ModuleItem::Struct(_)) if Builtin::lookup(&name.text, context.is_stdlib).is_none() => {
                        self.struct_not_callable(context.file, callee.span, &name.text, true);
                        self.check_arguments_only(context, &arguments);
                        return Type::Error;
                    }
                    Some(ModuleItem::Struct(_)) | None => {
                        if let Some(builtin) = Builtin::lookup(&name.text, context.is_stdlib) {
                            return self.call_function(
                                context,
                                Callee::Builtin(builtin),
                                &name.text,
                                &arguments,
                                span,
                                expected,
                            );
                        }
                    }
                    Some(_) => {}
                }
            }
            ExprKind::Field { object, field } => {
                if let Some(module) = self.module_reference(context, object) {
                    let display_name = format!("{}.{}", self.program.module(module).name, field.text);
                    if let Some(builtin) = self.native_export(module, &field.text) {
                        return self.call_function(
                            context,
                            Callee::Builtin(builtin),
                            &display_name,
                            &arguments,
                            span,
                            expected,
                        );
                    }
                    let callee_kind = match self.module_member(context, module, field) {
                        Some(ModuleItem::Function(id)) => Callee::Function(id),
                        Some(ModuleItem::Variable(id)) => {
                            // Code generation evaluates the callee `m.var` as an expression
                            // to get the function value, so it needs the callee's type as
                            // well as what the name refers to.
                            self.record_name(context.file, field.span, NameRef::Variable(id));
                            let ty = self.variable_type(id);
                            self.results
                                .expr_types
                                .insert(NodeKey::new(context.file, callee.span), &ty);
                            Callee::Value(ty)
                        }
                        Some(ModuleItem::Struct(_)) => {
                            self.struct_not_callable(context.file, field.span, &field.text, false);
                            Callee::Value(Type::Error)
                        }
                        _ => Callee::Value(Type::Error),
                    };
                    return self.call_function(context, callee_kind, &display_name, &arguments, span, expected);
                }
                return self.check_method_call(context, callee, object, field, &arguments, span, expected);
            }
            _ => {}
        }
        let callee_type = self.value(context, callee, None);
        let name = callee_text(callee).unwrap_or_default();
        self.call_function(context, Callee::Value(callee_type), &name, &arguments, span, expected)
    }

    /// `object.field(args)`: a function value stored in a field, or method syntax.
    pub(super) fn check_method_call(
        &mut self,
        context: &mut Context,
        callee: &Expr,
        object: &Expr,
        field: &ast::Name,
        args: &[Argument<'_>],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let object_type = self.value(context, object, None);
        if object_type == Type::Error {
            self.check_arguments_only(context, args);
            return Type::Error;
        }
        if let Type::Struct(id) = &object_type
            && let Some(info) = self
                .items
                .struct_info(*id)
                .fields
                .iter()
                .find(|known| known.name == field.text)
        {
            let ty = info.ty.clone();
            self.results
                .expr_types
                .insert(NodeKey::new(context.file, callee.span), &ty);
            return self.call_function(context, Callee::Value(ty), &field.text, args, span, expected);
        }
        // Method syntax, resolved in the order of LANGUAGE.md section 10: a function of this
        // module whose first parameter accepts the receiver; the `pub fn`s of imported modules
        // that accept it (two are ambiguous); a built-in of section 5; a method of arrays and
        // maps (`sort_by`, `map`, ...). Local variables are not candidates and do not hide any
        // (as in Rust or Swift, a method is never looked up among locals), so
        // `let len = xs.len()` leaves `xs.len()` working. A function of this module whose
        // first parameter cannot take the receiver is kept aside: it is no candidate when
        // anything else fits (a local `fn contains(xs: [int], ...)` must not hide
        // `strings.contains` for a `str`), but when nothing else fits, calling it reports
        // the mismatch.
        let mut unfit_local = None;
        let mut chosen: Option<(Callee, String)> = None;
        if let Some(ModuleItem::Function(id)) = self.scope_item(context.module, &field.text) {
            let fits = self
                .items
                .function(id)
                .params
                .first()
                .is_some_and(|first| object_type.is_assignable_to(first));
            if fits {
                chosen = Some((Callee::Function(id), field.text.clone()));
            } else {
                unfit_local = Some((Callee::Function(id), field.text.clone()));
            }
        }
        if chosen.is_none() {
            let imported = self.imported_method_candidates(context, &object_type, &field.text);
            if imported.len() > 1 {
                let names: Vec<String> = imported.iter().map(|(_, name)| format!("`{name}`")).collect();
                self.ambiguous_method(context.file, field, &names);
                self.check_arguments_only(context, args);
                return Type::Error;
            }
            chosen = imported.into_iter().next();
        }
        if chosen.is_none() && unfit_local.is_none() {
            chosen = Builtin::lookup(&field.text, context.is_stdlib)
                .map(|builtin| (Callee::Builtin(builtin), field.text.clone()));
        }
        if chosen.is_none() {
            let method = match &object_type {
                Type::Array(_) => Builtin::method(&field.text, false),
                Type::Map(..) => Builtin::method(&field.text, true),
                _ => None,
            };
            chosen = method.map(|method| (Callee::Builtin(method), field.text.clone()));
        }
        let Some((callee, name)) = chosen.or(unfit_local) else {
            let hint = self.method_hint(context, &object_type, &field.text);
            self.no_such_method(context, &object_type, field, hint);
            self.check_arguments_only(context, args);
            return Type::Error;
        };
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(Argument::Checked(&object_type, object.span));
        all.extend_from_slice(args);
        self.call_function(context, callee, &name, &all, span, expected)
    }

    /// The functions of imported modules that method syntax `x.name(...)` may call: native
    /// exports of that name, and `pub fn`s whose first parameter accepts the receiver.
    fn imported_method_candidates(
        &mut self,
        context: &Context,
        object_type: &Type,
        name: &str,
    ) -> Vec<(Callee, String)> {
        let mut candidates: Vec<(Callee, String)> = Vec::new();
        for (import_name, target) in &self.program.module(context.module).imports {
            let Some(target) = target else { continue };
            if let Some(builtin) = self.native_export(*target, name) {
                candidates.push((Callee::Builtin(builtin), format!("{}.{name}", import_name.text)));
                continue;
            }
            if let Some(ModuleItem::Function(id)) = self.scope_item(*target, name) {
                let info = self.items.function(id);
                if info.is_pub
                    && info.module == *target
                    && info
                        .params
                        .first()
                        .is_some_and(|first| object_type.is_assignable_to(first))
                    && !candidates
                        .iter()
                        .any(|(callee, _)| matches!(callee, Callee::Function(known) if *known == id))
                {
                    candidates.push((Callee::Function(id), format!("{}.{name}", import_name.text)));
                }
            }
        }
        candidates
    }

    /// Checks the arguments of a call already reported as wrong (no such function or method,
    /// an ambiguous one, a wrong count), with no parameter types to expect: a function
    /// expression's untyped parameters are then of no known type, which is not reported again
    /// (E0370 would only repeat the call's error).
    pub(super) fn check_arguments_only(&mut self, context: &mut Context, args: &[Argument<'_>]) {
        for arg in args {
            if let Argument::Expr(expr) = arg {
                if let ExprKind::Function(function) = &expr.kind {
                    self.closure_parameters_hint = Some(vec![Type::Error; function.params.len()]);
                }
                self.value(context, expr, None);
            }
        }
    }

    pub(super) fn argument_type(&mut self, context: &mut Context, arg: Argument<'_>, expected: Option<&Type>) -> Type {
        match arg {
            Argument::Expr(expr) => self.value(context, expr, expected),
            Argument::Checked(ty, _) => ty.clone(),
        }
    }

    pub(super) fn check_argument(&mut self, context: &mut Context, arg: Argument<'_>, expected: &Type) {
        let ty = self.argument_type(context, arg, Some(expected));
        if !ty.is_assignable_to(expected) {
            self.mismatch(context.file, arg.span(), expected, &ty);
        }
    }

    /// `name` is the callee as written, or empty when it is too complex to quote.
    pub(super) fn wrong_count(
        &mut self,
        context: &mut Context,
        name: &str,
        expected: usize,
        args: &[Argument<'_>],
        span: Span,
    ) {
        self.wrong_argument_count(context.file, span, name, expected, args.len());
        self.check_arguments_only(context, args);
    }

    pub(super) fn call_function(
        &mut self,
        context: &mut Context,
        callee: Callee,
        name: &str,
        args: &[Argument<'_>],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let target = match callee {
            Callee::Function(id) => CallTarget::Function(id),
            Callee::Builtin(builtin) => CallTarget::Builtin(builtin),
            Callee::Value(_) => CallTarget::Value,
        };
        self.results.calls.insert(
            NodeKey::new(context.file, span),
            CallInfo {
                target,
                receiver_is_first_argument: matches!(args.first(), Some(Argument::Checked(..))),
            },
        );
        let (params, result) = match callee {
            Callee::Function(id) => {
                let info = self.items.function(id);
                (info.params.clone(), info.result.clone())
            }
            Callee::Builtin(builtin) => match builtin.signature() {
                Some(signature) => signature,
                None => return self.call_generic_builtin(context, builtin, args, span, expected),
            },
            Callee::Value(Type::Function(params, result)) => (params, result.map(|result| *result)),
            Callee::Value(Type::Error) => {
                self.check_arguments_only(context, args);
                return Type::Error;
            }
            Callee::Value(other) => {
                self.not_callable(context.file, span, name, &other);
                self.check_arguments_only(context, args);
                return Type::Error;
            }
        };
        if params.len() != args.len() {
            self.wrong_count(context, name, params.len(), args, span);
            return result.unwrap_or(Type::Void);
        }
        for (arg, param) in args.iter().zip(&params) {
            self.check_argument(context, *arg, param);
        }
        result.unwrap_or(Type::Void)
    }
}

/// The callee of a call as the user wrote it, for messages: a name or a chain of fields
/// (`f`, `hm.handler`, `game.player.on_hit`), possibly in parentheses. `None` for anything
/// more complex, which messages then describe in words.
fn callee_text(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(name) => Some(name.text.clone()),
        ExprKind::Field { object, field } => Some(format!("{}.{}", callee_text(object)?, field.text)),
        ExprKind::Paren(inner) => callee_text(inner),
        _ => None,
    }
}
