//! The diagnostic for syntax that parses but is not implemented yet (LANGUAGE.md 0.2, section
//! 9: enums, `match`, `if` as a value, patterns in `if let` and `let ... else`). One error per
//! construct, at the construct, so that programs using them fail cleanly before code
//! generation, which never sees them.

use super::super::checker::Checker;
use super::super::types::ModuleId;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Checker<'_> {
    /// `construct` names what is not supported, as the subject of "... not supported yet":
    /// "enums are", "`match` is".
    pub(in crate::sema) fn not_yet_supported(&mut self, file: FileId, span: Span, construct: &str) {
        self.error(
            Code::NotYetSupported,
            file,
            span,
            format!("{construct} not supported yet"),
        )
        .with_label("this part of LANGUAGE.md 0.2 is not implemented yet")
        .with_help(
            "section 9 of LANGUAGE.md describes it; this version of `lang` parses it but cannot check or run it",
        );
    }

    /// Whether `name` is an enum declared in `module`. Enums are reported once, at their
    /// declaration; a use of the name (as a type, a value or `m.Name`) reports nothing more.
    pub(in crate::sema) fn is_unsupported_enum(&self, module: ModuleId, name: &str) -> bool {
        self.program
            .module(module)
            .ast
            .items
            .iter()
            .any(|item| matches!(item, ast::Item::Enum(declaration) if declaration.name.text == name))
    }
}
