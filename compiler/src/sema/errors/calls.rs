//! The diagnostics of calls: argument counts, callees that are no functions, ambiguous
//! method syntax, and arguments a built-in does not accept.

use super::super::checker::Checker;
use super::super::types::*;
use super::wording::quoted_or;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Checker<'_> {
    /// `name` is the callee as written, or empty when it is too complex to quote.
    pub(in crate::sema) fn wrong_argument_count(
        &mut self,
        file: FileId,
        span: Span,
        name: &str,
        expected: usize,
        given: usize,
    ) {
        let plural = if expected == 1 { "" } else { "s" };
        let given = match given {
            1 => "1 was".to_string(),
            count => format!("{count} were"),
        };
        let subject = quoted_or(name, "this function value");
        self.error(
            Code::WrongArgumentCount,
            file,
            span,
            format!("{subject} takes {expected} argument{plural} but {given} given"),
        )
        .with_label(format!("expected {expected} argument{plural}"));
    }

    /// A struct's name called like a function; `construct_hint` adds how to build one.
    pub(in crate::sema) fn struct_not_callable(&mut self, file: FileId, span: Span, name: &str, construct_hint: bool) {
        let mut diagnostic = self
            .error(
                Code::NotCallable,
                file,
                span,
                format!("`{name}` is a struct, not a function"),
            )
            .with_label("not callable");
        if construct_hint {
            diagnostic.set_help(format!("construct it with `{name} {{ field: value }}`"));
        }
    }

    /// A call of a value of type `ty`, which is no function; `name` is the callee as written,
    /// or empty.
    pub(in crate::sema) fn not_callable(&mut self, file: FileId, span: Span, name: &str, ty: &Type) {
        let shown = self.display(ty);
        let subject = quoted_or(name, "this expression");
        self.error(
            Code::NotCallable,
            file,
            span,
            format!("{subject} is not a function: its type is `{shown}`"),
        )
        .with_label("not callable");
    }

    /// Method syntax `x.field(...)` with several candidates, `names` quoted.
    pub(in crate::sema) fn ambiguous_method(&mut self, file: FileId, field: &ast::Name, names: &[String]) {
        self.error(
            Code::AmbiguousMethod,
            file,
            field.span,
            format!("method call `.{}` is ambiguous", field.text),
        )
        .with_label(format!("could be {}", names.join(" or ")))
        .with_help("call the function directly, for example `module.function(x, ...)`");
    }

    /// The built-in `name` does not accept its first argument, shown as `shown`.
    pub(in crate::sema) fn builtin_rejects_argument(
        &mut self,
        file: FileId,
        span: Span,
        name: &str,
        shown: &str,
        accepted: &str,
    ) {
        self.error(
            Code::TypeMismatch,
            file,
            span,
            format!("`{name}` does not accept a value of type `{shown}`"),
        )
        .with_label(format!("expected {accepted}"));
    }

    pub(in crate::sema) fn builtin_cannot_print(&mut self, file: FileId, span: Span, name: &str, shown: &str) {
        self.error(
            Code::NotPrintable,
            file,
            span,
            format!("`{name}` cannot print a value of type `{shown}`"),
        )
        .with_label("only `int`, `float`, `bool`, `str` and enums of printable payloads can be printed");
    }
}

impl Checker<'_> {
    /// `x.name(...)` where nothing of that name accepts `x`, with a hint when one is known
    /// (`method_hint`).
    pub(in crate::sema) fn no_such_method(
        &mut self,
        context: &crate::sema::scope::Context,
        ty: &Type,
        field: &ast::Name,
        hint: Option<String>,
    ) {
        let Some(help) = hint else {
            self.no_such_field(context, ty, field, true);
            return;
        };
        let shown = self.display(ty);
        self.error(
            Code::NoSuchField,
            context.file,
            field.span,
            format!("type `{shown}` has no field or method `{}`", field.text),
        )
        .with_label("unknown field or method")
        .with_help(help);
    }
}
