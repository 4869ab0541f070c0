//! The diagnostics of names: unknown names, types, structs, module items and fields (with
//! their "did you mean" hints), private items of other modules, and reserved names.

use super::super::builtins::{BUILTIN_TYPES, PUBLIC_BUILTINS};
use super::super::checker::Checker;
use super::super::scope::{Context, ModuleItem};
use super::super::types::*;
use super::wording::{did_you_mean, did_you_mean_qualified};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast;

/// How many unknown names of one check get a "did you mean" hint.
const UNKNOWN_NAME_HINTS: usize = 200;

/// Names other languages give the empty value; undeclared, each is an error that says `nil`.
const NIL_HABITS: &[&str] = &["null", "None", "NULL", "nullptr", "undefined"];

impl Checker<'_> {
    pub(in crate::sema) fn unknown_name(&mut self, context: &Context, name: &ast::Name) {
        // A habit from another language (section 11): the empty value is `nil` here.
        if NIL_HABITS.contains(&name.text.as_str()) {
            self.error(
                Code::NullHabit,
                context.file,
                name.span,
                format!("`{}` is written `nil` in lang", name.text),
            )
            .with_label("not a name in scope")
            .with_help("use `nil`, the value of an optional (`?T`) that holds nothing");
            return;
        }
        // Each hint compares the name with every name in scope: a file of thousands of unknown
        // names among thousands of locals (generated or hostile) took minutes. Past the first
        // few hundred errors of a check, nobody reads a hint.
        self.unknown_name_hints += 1;
        let suggestion = if self.unknown_name_hints <= UNKNOWN_NAME_HINTS {
            let locals = context.locals.iter().map(|local| local.name.as_str());
            let items = self.scopes[context.module.0 as usize].order.iter().map(String::as_str);
            let builtins = PUBLIC_BUILTINS.iter().map(|(name, _)| *name);
            did_you_mean(&name.text, locals.chain(items).chain(builtins))
        } else {
            None
        };
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
    pub(in crate::sema) fn unknown_type(&mut self, module: ModuleId, file: FileId, name: &ast::Name) {
        let text = name.text.as_str();
        let mut candidates: Vec<String> = BUILTIN_TYPES.iter().map(|name| name.to_string()).collect();
        candidates.extend(
            self.scopes[module.0 as usize]
                .items
                .iter()
                .filter(|(_, item)| matches!(item, ModuleItem::Struct(_) | ModuleItem::Enum(_)))
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
    pub(in crate::sema) fn unknown_struct(&mut self, context: &Context, name: &ast::Name) {
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
    pub(in crate::sema) fn unknown_module_item(&mut self, file: FileId, module: ModuleId, name: &ast::Name) {
        let module_name = self.program.module(module).name.clone();
        let candidates: Vec<String> = self.scopes[module.0 as usize]
            .order
            .iter()
            .filter(|candidate| self.is_public(module, candidate))
            .cloned()
            .collect();
        let qualifier = format!("{module_name}.");
        let suggestion = did_you_mean_qualified(&qualifier, &name.text, candidates.iter().map(String::as_str));
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

    pub(in crate::sema) fn no_such_field(&mut self, context: &Context, ty: &Type, field: &ast::Name, as_method: bool) {
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

    pub(in crate::sema) fn reserved_name(&mut self, file: FileId, name: &ast::Name, what: &str) {
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

    pub(in crate::sema) fn private_item(
        &mut self,
        file: FileId,
        name: &ast::Name,
        module_name: &str,
        declared_file: FileId,
        declared_span: Span,
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

    /// `m.name` where `name` is a module that `m` imports, not an item of `m`.
    pub(in crate::sema) fn import_of_import(&mut self, file: FileId, span: Span, module_name: &str, name: &str) {
        self.error(
            Code::UnknownModuleItem,
            file,
            span,
            format!("`{name}` is a module imported by `{module_name}`, not one of its items"),
        )
        .with_help(format!("import `{name}` directly"));
    }

    /// A struct literal `m.Name { ... }` where `m.Name` is another kind of item.
    pub(in crate::sema) fn not_a_struct(&mut self, file: FileId, span: Span, module_name: &str, name: &str) {
        self.error(
            Code::UnknownType,
            file,
            span,
            format!("`{module_name}.{name}` is not a struct"),
        )
        .with_label("not a struct");
    }

    pub(in crate::sema) fn field_given_twice(&mut self, file: FileId, span: Span, name: &str, previous: Span) {
        self.error(
            Code::DuplicateField,
            file,
            span,
            format!("field `{name}` is given twice"),
        )
        .with_label("given again here")
        .with_secondary(file, previous, "first given here");
    }

    /// A struct literal without the fields `missing`, which have no default.
    pub(in crate::sema) fn missing_fields(&mut self, file: FileId, span: Span, id: StructId, missing: &[&str]) {
        let struct_name = self.items.struct_info(id).name.clone();
        let (declared_file, declared_span) = (self.items.struct_info(id).file, self.items.struct_info(id).span);
        let list = missing
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let plural = if missing.len() == 1 { "" } else { "s" };
        self.error(
            Code::MissingField,
            file,
            span,
            format!("missing field{plural} {list} in `{struct_name}`"),
        )
        .with_label(format!(
            "{list} ha{} no default and must be given",
            if missing.len() == 1 { "s" } else { "ve" }
        ))
        .with_secondary(declared_file, declared_span, "struct declared here");
    }
}
