//! Every diagnostic the type checker builds, by what it is about, and the wording rules of
//! their messages (the one "did you mean" rule among them). The checking code says what went
//! wrong, with the types and spans at hand; these files say how that reads.

mod calls;
mod closures;
mod enums;
mod expressions;
mod items;
mod literals;
mod names;
mod patterns;
mod statements;
mod wording;

use super::checker::Checker;
use crate::diagnostics::{Building, Code, Diagnostic};
use crate::source::{FileId, Span};

impl Checker<'_> {
    /// Records an error and returns it for labels and help to be added.
    pub(in crate::sema) fn error(
        &mut self,
        code: Code,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Building<'_> {
        self.diagnostics.push(Diagnostic::error(code, file, span, message));
        Building(self.diagnostics.last_mut().unwrap())
    }
}
