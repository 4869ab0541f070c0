//! The diagnostics of the type checker that are built in more than one place or need more
//! than a message: mismatched types, unknown names, fields and modules (with the one "did
//! you mean" rule), private items, reserved names and argument counts; and the wording
//! helpers of messages.

use super::builtins::{BUILTIN_TYPES, PUBLIC_BUILTINS};
use super::checker::Checker;
use super::scope::{Context, ModuleItem};
use super::types::*;
use crate::diagnostics::{Building, Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn error(&mut self, code: Code, file: FileId, span: Span, message: impl Into<String>) -> Building<'_> {
        self.diagnostics.push(Diagnostic::error(code, file, span, message));
        Building(self.diagnostics.last_mut().unwrap())
    }

    pub(super) fn mismatch(&mut self, file: FileId, span: Span, expected: &Type, found: &Type) {
        let (expected_text, found_text) = (self.display(expected), self.display(found));
        if *found == Type::Nil {
            self.error(
                Code::NotOptional,
                file,
                span,
                format!("`nil` is not a value of type `{expected_text}`"),
            )
            .with_label(format!("expected `{expected_text}`, found `nil`"))
            .with_help(format!(
                "only optional types can be `nil`; did you mean `?{expected_text}`?"
            ));
            return;
        }
        let mut diagnostic = self
            .error(Code::TypeMismatch, file, span, "mismatched types")
            .with_label(format!("expected `{expected_text}`, found `{found_text}`"));
        let help = match (expected, found) {
            (Type::Float, Type::Int) => {
                Some("convert with `float(...)`; there are no implicit conversions".to_string())
            }
            (Type::Int, Type::Float) => Some("convert with `int(...)`, which truncates toward zero".to_string()),
            (Type::Str, Type::Int | Type::Float | Type::Bool) => Some("convert with `str(...)`".to_string()),
            (_, Type::Nil) => Some(format!(
                "only optional types can be `nil`; did you mean `?{expected_text}`?"
            )),
            (_, Type::Optional(inner)) if **inner == *expected => {
                Some("unwrap the optional with `!` or `if let`".to_string())
            }
            _ => None,
        };
        if let Some(help) = help {
            diagnostic.set_help(help);
        }
    }

    pub(super) fn cannot_infer_empty(&mut self, file: FileId, span: Span, what: &str, example: &str) {
        self.error(
            Code::CannotInfer,
            file,
            span,
            format!("cannot infer the element type of this {what}"),
        )
        .with_label("type needed")
        .with_help(format!("give it a type from context, for example `{example}`"));
    }

    pub(super) fn unknown_name(&mut self, context: &Context, name: &ast::Name) {
        let mut candidates: Vec<&str> = context.locals.iter().map(|local| local.name.as_str()).collect();
        candidates.extend(self.scopes[context.module.0 as usize].order.iter().map(String::as_str));
        candidates.extend(PUBLIC_BUILTINS.iter().map(|(name, _)| *name));
        let suggestion = did_you_mean(&name.text, candidates.into_iter());
        let mut diagnostic = self
            .error(
                Code::UnknownName,
                context.file,
                name.span,
                format!("cannot find `{}` in this scope", name.text),
            )
            .with_label("not found");
        if let Some(suggestion) = suggestion {
            diagnostic.set_help(suggestion);
        } else if lang_stdlib::module_source(&name.text).is_some() {
            diagnostic.set_help(format!(
                "`{0}` is a standard-library module: add `import {0}`",
                name.text
            ));
        }
    }

    /// A written type names nothing in scope: `candidates` are the built-in types and the
    /// module's structs.
    pub(super) fn unknown_type(&mut self, module: ModuleId, file: FileId, name: &ast::Name) {
        let text = name.text.as_str();
        let mut candidates: Vec<String> = BUILTIN_TYPES.iter().map(|name| name.to_string()).collect();
        candidates.extend(
            self.scopes[module.0 as usize]
                .items
                .iter()
                .filter(|(_, item)| matches!(item, ModuleItem::Struct(_)))
                .map(|(name, _)| name.clone()),
        );
        let mut diagnostic = Diagnostic::error(Code::UnknownType, file, name.span, format!("unknown type `{text}`"))
            .with_label("not a type in scope");
        if let Some(suggestion) = did_you_mean(text, candidates.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_help(suggestion);
        }
        self.diagnostics.push(diagnostic);
    }

    /// A struct literal names no struct of this module.
    pub(super) fn unknown_struct(&mut self, context: &Context, name: &ast::Name) {
        let candidates: Vec<String> = self.scopes[context.module.0 as usize]
            .items
            .iter()
            .filter(|(_, item)| matches!(item, ModuleItem::Struct(_)))
            .map(|(name, _)| name.clone())
            .collect();
        let suggestion = did_you_mean(&name.text, candidates.iter().map(String::as_str));
        let mut diagnostic = self
            .error(
                Code::UnknownType,
                context.file,
                name.span,
                format!("unknown struct `{}`", name.text),
            )
            .with_label("no struct of this name");
        if let Some(suggestion) = suggestion {
            diagnostic.set_help(suggestion);
        }
    }

    /// `m.name` names no item of the imported module `m`: the hint is one of its public items.
    pub(super) fn unknown_module_item(&mut self, file: FileId, module: ModuleId, name: &ast::Name) {
        let module_name = self.program.module(module).name.clone();
        let candidates: Vec<String> = self.scopes[module.0 as usize]
            .order
            .iter()
            .filter(|candidate| self.is_public(module, candidate))
            .cloned()
            .collect();
        let suggestion = closest(&name.text, candidates.iter().map(String::as_str))
            .map(|suggestion| did_you_mean_text(&format!("{module_name}.{suggestion}")));
        let mut diagnostic = self
            .error(
                Code::UnknownModuleItem,
                file,
                name.span,
                format!("module `{module_name}` has no item `{}`", name.text),
            )
            .with_label("not found in the module");
        if let Some(suggestion) = suggestion {
            diagnostic.set_help(suggestion);
        }
    }

    pub(super) fn no_such_field(&mut self, context: &Context, ty: &Type, field: &ast::Name, as_method: bool) {
        let shown = self.display(ty);
        let what = if as_method { "field or method" } else { "field" };
        let mut diagnostic = Diagnostic::error(
            Code::NoSuchField,
            context.file,
            field.span,
            format!("type `{shown}` has no {what} `{}`", field.text),
        )
        .with_label(format!("unknown {what}"));
        if let Type::Struct(id) = ty {
            let names: Vec<&str> = self
                .items
                .struct_info(*id)
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect();
            if let Some(suggestion) = did_you_mean(&field.text, names.iter().copied()) {
                diagnostic = diagnostic.with_help(suggestion);
            } else if !names.is_empty() {
                diagnostic = diagnostic.with_help(format!("its fields are: {}", names.join(", ")));
            }
        } else if as_method {
            diagnostic = diagnostic.with_help(format!(
                "method syntax `x.{0}(...)` calls a function `{0}` whose first parameter accepts `x`; none is in scope",
                field.text
            ));
        }
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn reserved_name(&mut self, file: crate::source::FileId, name: &ast::Name, what: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::ReservedName,
                file,
                name.span,
                format!("`{}` is the name of a {what}", name.text),
            )
            .with_label("reserved name")
            .with_help("module-level items may not reuse the names of built-ins; choose another name"),
        );
    }

    pub(super) fn private_item(
        &mut self,
        file: crate::source::FileId,
        name: &ast::Name,
        module_name: &str,
        declared_file: crate::source::FileId,
        declared_span: crate::source::Span,
    ) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::PrivateItem,
                file,
                name.span,
                format!("`{}` is private to module `{module_name}`", name.text),
            )
            .with_label("not visible here")
            .with_secondary(declared_file, declared_span, "declared here without `pub`")
            .with_help(format!("mark it `pub` in `{module_name}` to use it from other modules")),
        );
    }
}

/// `name` in backticks, or `fallback` when there is no name to show.
pub(super) fn quoted_or(name: &str, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_string()
    } else {
        format!("`{name}`")
    }
}

/// "a" or "an" before a type as displayed, for messages like "an `int` is never `nil`": "an"
/// before a vowel (`int`, `Item`), "a" otherwise (`float`, `[int]`, `?int`). It goes by the
/// spelling, which is right for every built-in type and most struct names.
pub(super) fn indefinite_article(shown: &str) -> &'static str {
    match shown.chars().next() {
        Some(first) if "aeiouAEIOU".contains(first) => "an",
        _ => "a",
    }
}

/// The help "did you mean `X`?" when one of `candidates` is close enough to `name` to be a
/// likely typo. Every such hint of the checker goes through here.
pub(super) fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    closest(name, candidates).map(did_you_mean_text)
}

fn did_you_mean_text(suggestion: &str) -> String {
    format!("did you mean `{suggestion}`?")
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely
/// typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .filter(|candidate| *candidate != name && !candidate.starts_with("__"))
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, candidate)| (*distance, *candidate))
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}
