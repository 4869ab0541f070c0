//! The diagnostics of enum declarations and enum values: repeated variants, unknown variants
//! (with their "did you mean"), payload counts, `()` on a variant without payload, variants and
//! enums used as values, `.V` without a known enum, and `==` on enums holding functions.

use super::super::checker::Checker;
use super::super::types::*;
use super::wording::did_you_mean_qualified;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Checker<'_> {
    pub(in crate::sema) fn variant_declared_twice(&mut self, file: FileId, name: &ast::Name, previous: Span) {
        self.error(
            Code::DuplicateVariant,
            file,
            name.span,
            format!("the variant `{}` is declared twice", name.text),
        )
        .with_label("declared again here")
        .with_secondary(file, previous, "first declared here");
    }

    /// `Empty()` in a declaration: the parser keeps the `()` so that this can say to drop it.
    pub(in crate::sema) fn empty_payload_in_declaration(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::EmptyPayloadParentheses,
            file,
            span,
            format!("the variant `{name}` has empty parentheses"),
        )
        .with_label("a payload needs at least one field")
        .with_help(format!(
            "write `{name}` without parentheses for a variant without payload"
        ));
    }

    pub(in crate::sema) fn unknown_variant(&mut self, file: FileId, id: EnumId, name: &ast::Name) {
        let info = self.items.enum_info(id);
        let enum_name = info.name.clone();
        let candidates: Vec<String> = info.variants.iter().map(|variant| variant.name.clone()).collect();
        let suggestion = did_you_mean_qualified(".", &name.text, candidates.iter().map(String::as_str));
        let mut diagnostic = self
            .error(
                Code::UnknownVariant,
                file,
                name.span,
                format!("the enum `{enum_name}` has no variant `{}`", name.text),
            )
            .with_label("not a variant of the enum");
        if let Some(suggestion) = suggestion {
            diagnostic.set_help(suggestion);
        }
    }

    pub(in crate::sema) fn unknown_implicit_member(
        &mut self,
        file: FileId,
        span: Span,
        name: &str,
        expected: Option<&Type>,
    ) {
        let label = match expected {
            Some(ty) if *ty != Type::Error => format!("the expected type here is `{}`, not an enum", self.display(ty)),
            _ => "no enum type is expected here".to_string(),
        };
        let help = if self.statement_leading_dot == Some(span.start) {
            format!(
                "a line that starts with `.` is a statement of its own: to go on with the line above \
                 (a method chain), end that line with `.` and start this one with `{name}`; \
                 for a variant, name the enum: `Enum.{name}`"
            )
        } else {
            format!("name the enum: `Enum.{name}`")
        };
        self.error(
            Code::UnknownImplicitMember,
            file,
            span,
            format!("cannot tell which enum `.{name}` belongs to"),
        )
        .with_label(label)
        .with_help(help);
    }

    pub(in crate::sema) fn variant_not_a_value(
        &mut self,
        file: FileId,
        span: Span,
        enum_name: &str,
        variant: &VariantInfo,
    ) {
        self.error(
            Code::VariantNotAValue,
            file,
            span,
            format!(
                "the variant `{enum_name}.{}` has a payload and needs parentheses",
                variant.name
            ),
        )
        .with_label("a variant is not a function value")
        .with_help(format!("give its payload: `{enum_name}.{}(...)`", variant.name));
    }

    pub(in crate::sema) fn empty_payload_parentheses(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::EmptyPayloadParentheses,
            file,
            span,
            format!("the variant `{name}` has no payload"),
        )
        .with_label("these parentheses are not allowed")
        .with_help(format!("write `.{name}` without `()`"));
    }

    /// A value (`is_pattern` false) or pattern with the wrong number of payload fields.
    pub(in crate::sema) fn payload_count_mismatch(
        &mut self,
        file: FileId,
        span: Span,
        variant: &VariantInfo,
        given: usize,
        is_pattern: bool,
    ) {
        let total = variant.fields.len();
        let required = variant.required_fields();
        let wanted = if is_pattern || required == total {
            plural(total, "payload field")
        } else {
            format!("{required} to {total} payload fields")
        };
        let names: Vec<String> = variant
            .fields
            .iter()
            .map(|field| {
                let default = if field.has_default { " = ..." } else { "" };
                format!("{}: {}{default}", field.name, self.display(&field.ty))
            })
            .collect();
        let mut diagnostic = self
            .error(
                Code::WrongPayloadCount,
                file,
                span,
                format!(
                    "the variant `{}` takes {wanted}, but {given} {} given",
                    variant.name,
                    if given == 1 { "was" } else { "were" }
                ),
            )
            .with_label(format!("{} here", plural(given, "payload field")));
        if variant.has_payload {
            diagnostic.set_help(format!("its payload is `{}({})`", variant.name, names.join(", ")));
        } else {
            diagnostic.set_help(format!("`{}` has no payload", variant.name));
        }
    }

    pub(in crate::sema) fn enum_not_a_value(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::EnumNotAValue,
            file,
            span,
            format!("`{name}` is an enum, not a value"),
        )
        .with_label("not a value")
        .with_help(format!("write one of its variants: `{name}.Variant`"));
    }

    pub(in crate::sema) fn enum_holds_function(&mut self, file: FileId, span: Span, ty: &Type) {
        let shown = self.display(ty);
        self.error(
            Code::EnumHoldsFunction,
            file,
            span,
            format!("values of `{shown}` cannot be compared"),
        )
        .with_label("a payload of this enum holds a function value")
        .with_help("function values have no equality; compare the variants with `match` instead");
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
