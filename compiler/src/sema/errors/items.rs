//! The diagnostics of module items: duplicate and self imports, duplicate definitions and
//! fields, recursive structs, written types that are not types, and a missing or wrong `main`.

use super::super::checker::Checker;
use super::super::program::ModuleData;
use super::super::types::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast;

impl Checker<'_> {
    /// A written type that names an imported module.
    pub(in crate::sema) fn module_not_a_type(&mut self, file: FileId, span: Span, text: &str) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::UnknownType,
                file,
                span,
                format!("`{text}` is a module, not a type"),
            )
            .with_label("expected a type")
            .with_help(format!("name a struct of the module: `{text}.Name`")),
        );
    }

    pub(in crate::sema) fn no_such_struct_in_module(
        &mut self,
        file: FileId,
        span: Span,
        module_name: &str,
        name: &str,
    ) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::UnknownType,
                file,
                span,
                format!("module `{module_name}` has no struct `{name}`"),
            )
            .with_label("not a type"),
        );
    }

    pub(in crate::sema) fn nested_optional(&mut self, file: FileId, span: Span) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::NestedOptional,
                file,
                span,
                "an optional of an optional is not allowed",
            )
            .with_label("nested `?`")
            .with_help("one `?` already allows `nil`"),
        );
    }

    /// `name.X` in a written type or struct literal where `name` is not an imported module.
    pub(in crate::sema) fn unknown_module(&mut self, file: FileId, name: &ast::Name) {
        let mut diagnostic = Diagnostic::error(
            Code::UnknownName,
            file,
            name.span,
            format!("unknown module `{}`", name.text),
        )
        .with_label("not an imported module");
        if lang_stdlib::module_source(&name.text).is_some() {
            diagnostic = diagnostic.with_help(format!("add `import {}` at the top of the file", name.text));
        }
        self.diagnostics.push(diagnostic);
    }

    pub(in crate::sema) fn self_import(&mut self, file: FileId, module: &ast::Name) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::DuplicateImport,
                file,
                module.span,
                format!("module `{}` imports itself", module.text),
            )
            .with_label("a module cannot import itself"),
        );
    }

    /// A second item (or import, `is_import`) of one name in a module.
    pub(in crate::sema) fn defined_twice(&mut self, file: FileId, name: &ast::Name, previous: Span, is_import: bool) {
        let what = if is_import {
            Code::DuplicateImport
        } else {
            Code::DuplicateDefinition
        };
        self.diagnostics.push(
            Diagnostic::error(
                what,
                file,
                name.span,
                format!("`{}` is defined more than once", name.text),
            )
            .with_label("defined again here")
            .with_secondary(file, previous, "first defined here")
            .with_help("items of one module (functions, structs, variables and imports) need distinct names"),
        );
    }

    pub(in crate::sema) fn field_declared_twice(&mut self, file: FileId, field: &ast::Name, previous: Span) {
        self.diagnostics.push(
            Diagnostic::error(
                Code::DuplicateField,
                file,
                field.span,
                format!("field `{}` is declared twice", field.text),
            )
            .with_label("declared again here")
            .with_secondary(file, previous, "first declared here"),
        );
    }

    /// The struct `start` contains itself through `field` and the structs of `path` (indices
    /// into the struct table).
    pub(in crate::sema) fn recursive_struct(&mut self, start: usize, path: &[usize], field: &FieldInfo) {
        let info = &self.items.structs[start];
        let name = info.name.clone();
        let through: Vec<String> = path
            .iter()
            .filter(|&&index| index != start)
            .map(|&index| format!("`{}`", self.items.structs[index].name))
            .collect();
        let message = if through.is_empty() {
            format!("struct `{name}` contains itself")
        } else {
            format!("struct `{name}` contains itself through {}", through.join(", "))
        };
        self.diagnostics.push(
            Diagnostic::error(Code::RecursiveStruct, info.file, field.type_span, message)
                .with_label("every instance would need another one first")
                .with_help(format!(
                    "make a field on the cycle optional, for example `{}: ?{}`",
                    field.name,
                    self.items.display(&field.ty)
                )),
        );
    }

    pub(in crate::sema) fn parameter_declared_twice(&mut self, file: FileId, param: &ast::Name, previous: Span) {
        self.error(
            Code::DuplicateDefinition,
            file,
            param.span,
            format!("parameter `{}` is declared twice", param.text),
        )
        .with_secondary(file, previous, "first declared here");
    }

    /// The end of the body of `declaration`, which promises a `result`, is reachable.
    pub(in crate::sema) fn missing_return(&mut self, file: FileId, declaration: &ast::FunctionDecl, result: &Type) {
        let end = Span {
            start: declaration.body.span.end.saturating_sub(1),
            end: declaration.body.span.end,
        };
        let result = self.display(result);
        self.error(
            Code::MissingReturn,
            file,
            end,
            format!(
                "function `{}` may end without returning a value of type `{result}`",
                declaration.name.text
            ),
        )
        .with_label("the end of the body is reachable")
        .with_secondary(
            file,
            declaration.result.as_ref().map_or(declaration.name.span, |ty| ty.span),
            format!("the function promises to return `{result}`"),
        )
        .with_help("add a `return` on every path, or end with `panic(...)`");
    }

    pub(in crate::sema) fn invalid_main_signature(&mut self, file: FileId, span: Span) {
        self.error(
            Code::MissingMain,
            file,
            span,
            "`main` must take no parameters and return nothing",
        )
        .with_label("invalid signature for `main`")
        .with_help("write `fn main() { ... }`; read arguments with `args()` and set the exit code with `exit(n)`");
    }

    /// The main module `root` has no function `main`: reported at the end of its last item.
    pub(in crate::sema) fn missing_main(&mut self, root: &ModuleData) {
        let end = root.ast.items.last().map_or(Span::default(), |item| match item {
            ast::Item::Import(import) => import.span,
            ast::Item::Struct(declaration) => declaration.span,
            ast::Item::Enum(declaration) => declaration.span,
            ast::Item::Function(declaration) => declaration.span,
            ast::Item::Variable(declaration) => declaration.span,
        });
        let end = Span {
            start: end.end,
            end: end.end,
        };
        self.error(
            Code::MissingMain,
            root.file,
            end,
            format!("`{}` has no `main` function", root.name),
        )
        .with_label("expected `fn main()` in this file")
        .with_help("the file given to `lang` is the program's entry point: add `fn main() { ... }`");
    }

    pub(in crate::sema) fn cyclic_initializer(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::CyclicInitializer,
            file,
            span,
            format!("the type of `{name}` depends on its own initializer"),
        )
        .with_label("cycle through this variable")
        .with_help(format!("give `{name}` a type: `let {name}: T = ...`"));
    }
}
