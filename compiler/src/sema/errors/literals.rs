//! The diagnostics of the section 11 additions around values: `??` on a value that is not
//! optional, and a format precision on a value that is not a `float`.

use super::super::checker::Checker;
use super::super::types::*;
use super::wording::indefinite_article;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};

impl Checker<'_> {
    pub(in crate::sema) fn coalesce_not_optional(&mut self, file: FileId, lhs_span: Span, ty: &Type) {
        let shown = self.display(ty);
        let (message, help) = if *ty == Type::Nil {
            (
                "the left side of `??` is always `nil`".to_string(),
                "write the right side alone".to_string(),
            )
        } else {
            (
                format!("`??` needs an optional on its left, not `{shown}`"),
                format!(
                    "{} `{shown}` is never `nil`: remove `??` and its right side",
                    indefinite_article(&shown)
                ),
            )
        };
        self.error(Code::NotOptional, file, lhs_span, message)
            .with_label(format!("this is `{shown}`"))
            .with_help(help);
    }

    pub(in crate::sema) fn precision_not_on_float(&mut self, file: FileId, span: Span, ty: &Type) {
        let shown = self.display(ty);
        self.error(
            Code::BadFormatSpec,
            file,
            span,
            format!("a precision is only allowed on a `float`, not on `{shown}`"),
        )
        .with_label("this format specification has a precision")
        .with_help("remove `.N`, or convert the value with `float(...)`");
    }
}
