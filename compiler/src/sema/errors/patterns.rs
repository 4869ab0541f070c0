//! The diagnostics of patterns, `match`, `if` used as a value, `if let` and `let ... else`:
//! missing and unreachable arms, patterns that do not fit the matched type, names bound in
//! alternatives or twice, empty ranges, arms and branches of different types, and `let`
//! patterns that always or may not match.

use super::super::checker::Checker;
use super::super::types::*;
use super::wording::indefinite_article;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Checker<'_> {
    /// `head` is the `match` keyword with its scrutinee; `missing` a missed value as a pattern.
    pub(in crate::sema) fn missing_match_arm(&mut self, file: FileId, head: Span, missing: &str) {
        let help = if missing == "_" {
            "add a catch-all arm `_ => ...`, or one that binds a name".to_string()
        } else {
            format!("add an arm `{missing} => ...`, or a catch-all `_ => ...`")
        };
        self.error(
            Code::MissingMatchArm,
            file,
            head,
            format!("this `match` does not cover `{missing}`"),
        )
        .with_label(format!("`{missing}` is not matched"))
        .with_help(help);
    }

    pub(in crate::sema) fn unreachable_arm(&mut self, file: FileId, pattern: Span) {
        self.error(Code::UnreachableArm, file, pattern, "this arm can never run")
            .with_label("every value it matches is matched by an earlier arm")
            .with_help("remove the arm, or move it before the arms that cover it");
    }

    pub(in crate::sema) fn else_completes(&mut self, file: FileId, block: Span) {
        self.error(
            Code::ElseCompletes,
            file,
            block,
            "the `else` block of `let ... else` must not complete",
        )
        .with_label("control can reach the end of this block")
        .with_help("end it with `return`, `break`, `continue`, `panic(...)` or `exit(...)`");
    }

    pub(in crate::sema) fn alternative_binds(&mut self, file: FileId, name: &ast::Name) {
        self.error(
            Code::AlternativeBinds,
            file,
            name.span,
            format!("an alternative of `|` cannot bind `{}`", name.text),
        )
        .with_label("binds a name")
        .with_help("use `_` here, or write one arm per alternative");
    }

    pub(in crate::sema) fn duplicate_binding(&mut self, file: FileId, name: &ast::Name, previous: Span) {
        self.error(
            Code::DuplicateBinding,
            file,
            name.span,
            format!("`{}` is bound twice in this pattern", name.text),
        )
        .with_label("bound again here")
        .with_secondary(file, previous, "first bound here");
    }

    pub(in crate::sema) fn empty_range(&mut self, file: FileId, span: Span) {
        self.error(Code::EmptyRange, file, span, "this range matches no value")
            .with_label("empty range")
            .with_help("`a..b` matches `a` up to `b - 1`, `a..=b` up to `b`; the start must not be past the end");
    }

    /// A pattern (`what`: "an `int` literal", "`nil`", "a variant") on a value of type `ty`.
    pub(in crate::sema) fn pattern_type_mismatch(&mut self, file: FileId, span: Span, what: &str, ty: &Type) {
        let shown = self.display(ty);
        let help = match ty {
            Type::Optional(_) => None,
            _ if what == "`nil`" => Some(format!("{} `{shown}` is never `nil`", indefinite_article(&shown))),
            _ => None,
        };
        let mut diagnostic = self
            .error(
                Code::PatternTypeMismatch,
                file,
                span,
                format!("{what} cannot match a value of type `{shown}`"),
            )
            .with_label(format!("the value matched has type `{shown}`"));
        if let Some(help) = help {
            diagnostic.set_help(help);
        }
    }

    pub(in crate::sema) fn block_arm_in_value(&mut self, file: FileId, block: Span) {
        self.error(
            Code::BlockArmInValue,
            file,
            block,
            "a block cannot be an arm of a `match` used as a value",
        )
        .with_label("each arm of a value `match` is one expression")
        .with_help("write the arm's value as an expression (put a map literal in parentheses)");
    }

    /// An arm or branch (`what`: "arm", "branch") of type `found` where earlier ones have type
    /// `expected`.
    pub(in crate::sema) fn branch_type_mismatch(
        &mut self,
        file: FileId,
        span: Span,
        what: &str,
        expected: &Type,
        found: &Type,
        first: Span,
    ) {
        let (expected_text, found_text) = (self.display(expected), self.display(found));
        self.error(
            Code::BranchTypeMismatch,
            file,
            span,
            format!("this {what} has type `{found_text}`, but an earlier {what} has type `{expected_text}`"),
        )
        .with_label(format!("`{found_text}` here"))
        .with_secondary(file, first, format!("`{expected_text}` here"))
        .with_help(format!("every {what} of a value must have the same type"));
    }

    pub(in crate::sema) fn irrefutable_if_let(&mut self, file: FileId, pattern: Span) {
        self.error(
            Code::IrrefutableIfLet,
            file,
            pattern,
            "this `if let` pattern always matches",
        )
        .with_label("matches every value")
        .with_help("use `let` to bind the names, without `if`");
    }

    pub(in crate::sema) fn refutable_let(&mut self, file: FileId, pattern: Span, missing: &str) {
        self.error(
            Code::RefutableLet,
            file,
            pattern,
            format!("this pattern does not match `{missing}`"),
        )
        .with_label("a `let` pattern must match every value")
        .with_help("add `else { ... }` for the values it does not match");
    }
}
