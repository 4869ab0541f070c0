//! The diagnostics of statements: expression statements whose value is unused, bindings that cannot be inferred, `if let` and `for` over
//! the wrong kind of value, `break` outside a loop, `return` against the result type, and
//! assignments to what cannot be assigned.

use super::super::checker::Checker;
use super::super::types::*;
use super::wording::indefinite_article;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

impl Checker<'_> {
    /// An expression statement that is not a call, `match` or `if` (LANGUAGE.md section 11):
    /// its value would be thrown away. The help depends on what it most likely meant.
    pub(in crate::sema) fn unused_value(&mut self, file: FileId, expr: &Expr) {
        let help = match &expr.kind {
            ExprKind::Unary {
                op: op @ (UnaryOp::Negate | UnaryOp::BitNot),
                ..
            } => {
                let symbol = if *op == UnaryOp::Negate { "-" } else { "~" };
                format!(
                    "a line that starts with `{symbol}` is a statement of its own, not the end of the line above: \
                     to continue an expression, end the line above with its operator, or put the whole \
                     expression in parentheses"
                )
            }
            ExprKind::Binary {
                op: BinaryOp::Equal, ..
            } => "to assign, write `=`; to check a condition, use `if` or `assert(...)`".to_string(),
            ExprKind::Call { .. } => {
                "building an enum value is not a call: use the value (`let v = ...`), or remove it".to_string()
            }
            ExprKind::Name(_) | ExprKind::Field { .. } | ExprKind::Index { .. } => {
                "use the value (`let v = ...`, a call, an assignment), or remove this line".to_string()
            }
            _ => "use the value (`let v = ...`, `print(...)`, an assignment), or remove it".to_string(),
        };
        self.error(
            Code::UnusedValue,
            file,
            expr.span,
            "the value of this expression is unused",
        )
        .with_label("computed, then thrown away")
        .with_help(help);
    }

    pub(in crate::sema) fn cannot_infer_binding(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::CannotInfer,
            file,
            span,
            format!("cannot infer the type of `{name}`"),
        )
        .with_label("`nil` alone does not say which optional type this is")
        .with_help(format!("write the type: `let {name}: ?int = nil`"));
    }

    pub(in crate::sema) fn array_loop_binds_one(&mut self, file: FileId, span: Span) {
        self.error(
            Code::NotIterable,
            file,
            span,
            "a `for` over an array binds one variable",
        )
        .with_label("unexpected second variable")
        .with_help("to count the elements, write `for i in 0..len(xs)` and use `xs[i]`");
    }

    pub(in crate::sema) fn not_iterable(&mut self, file: FileId, span: Span, ty: &Type) {
        let shown = self.display(ty);
        let mut diagnostic = Diagnostic::error(
            Code::NotIterable,
            file,
            span,
            format!("cannot iterate over a value of type `{shown}`"),
        )
        .with_label("not a range, array or map");
        if *ty == Type::Int {
            diagnostic = diagnostic.with_help("to count up to a number, write `for i in 0..n`");
        }
        self.diagnostics.push(diagnostic);
    }

    /// `word` is `break` or `continue`.
    pub(in crate::sema) fn outside_loop(&mut self, file: FileId, span: Span, word: &str) {
        self.error(
            Code::BreakOutsideLoop,
            file,
            span,
            format!("`{word}` outside of a loop"),
        )
        .with_label(format!("`{word}` must be inside `while` or `for`"));
    }

    pub(in crate::sema) fn return_type_mismatch(&mut self, file: FileId, span: Span, result: &Type, found: &Type) {
        let (expected, found) = (self.display(result), self.display(found));
        self.error(
            Code::ReturnMismatch,
            file,
            span,
            format!("this function returns `{expected}`, but the value is `{found}`"),
        )
        .with_label(format!("expected `{expected}`, found `{found}`"));
    }

    pub(in crate::sema) fn return_without_value(&mut self, file: FileId, span: Span, result: &Type) {
        let expected = self.display(result);
        self.error(
            Code::ReturnMismatch,
            file,
            span,
            format!("this function returns `{expected}`, but `return` has no value"),
        )
        .with_label("missing value");
    }

    pub(in crate::sema) fn return_value_without_result(&mut self, file: FileId, span: Span) {
        self.error(
            Code::ReturnMismatch,
            file,
            span,
            "this function has no result type, but `return` has a value",
        )
        .with_label("unexpected value")
        .with_help("declare the result type: `fn name(...) -> T`");
    }

    /// `target op= value` whose result does not fit the target.
    pub(in crate::sema) fn compound_assignment_mismatch(
        &mut self,
        file: FileId,
        span: Span,
        op: BinaryOp,
        target: &Type,
        result: &Type,
    ) {
        let (expected, found) = (self.display(target), self.display(result));
        self.error(
            Code::TypeMismatch,
            file,
            span,
            format!(
                "`{}=` would store {} `{found}` into {} `{expected}`",
                op.symbol(),
                indefinite_article(&found),
                indefinite_article(&expected)
            ),
        );
    }

    pub(in crate::sema) fn assign_to_immutable_local(&mut self, file: FileId, span: Span, name: &str, declared: Span) {
        self.error(
            Code::AssignToImmutable,
            file,
            span,
            format!("cannot assign to `{name}`: it is not a `var`"),
        )
        .with_label("cannot assign")
        .with_secondary(file, declared, "declared with `let` (or bound by a loop or `if let`)")
        .with_help(format!("declare it with `var {name}` to make it mutable"));
    }

    pub(in crate::sema) fn assign_to_module_constant(
        &mut self,
        file: FileId,
        span: Span,
        name: &str,
        declared_file: FileId,
        declared_span: Span,
    ) {
        self.error(
            Code::AssignToImmutable,
            file,
            span,
            format!("cannot assign to module constant `{name}`"),
        )
        .with_label("cannot assign")
        .with_secondary(declared_file, declared_span, "declared with `let`")
        .with_help(format!("declare it with `var {name}` to make it mutable"));
    }

    /// `m.name = ...` for a `let` of the imported module `m`.
    pub(in crate::sema) fn assign_to_imported_constant(
        &mut self,
        file: FileId,
        span: Span,
        module_name: &str,
        name: &str,
        declared_file: FileId,
        declared_span: Span,
    ) {
        self.error(
            Code::AssignToImmutable,
            file,
            span,
            format!("cannot assign to `{module_name}.{name}`, a constant"),
        )
        .with_label("cannot assign")
        .with_secondary(declared_file, declared_span, "declared with `let`");
    }

    /// `name = ...` where `name` is a function, struct, import or built-in.
    pub(in crate::sema) fn not_assignable_name(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::InvalidAssignTarget,
            file,
            span,
            format!("cannot assign to `{name}`"),
        )
        .with_label("not a variable");
    }

    pub(in crate::sema) fn invalid_assign_target(&mut self, file: FileId, span: Span) {
        self.error(
            Code::InvalidAssignTarget,
            file,
            span,
            "cannot assign to this expression",
        )
        .with_label("not a variable, element or field");
    }
}
