//! Checking each module's code against its collected items: function bodies (with the missing
//! `return` check), struct field defaults, module variable initializers (typed on first use,
//! so one may depend on another declared later) and the program's `main`.

use super::checker::Checker;
use super::flow::block_diverges;
use super::scope::{Local, ModuleItem};
use super::types::*;
use crate::diagnostics::Code;
use crate::source::Span;
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn check_module(&mut self, module: ModuleId) {
        let program = self.program;
        let data = program.module(module);
        for item in &data.ast.items {
            match item {
                ast::Item::Variable(declaration) => {
                    if let Some(ModuleItem::Variable(id)) = self.scope_item(module, &declaration.name.text)
                        && self.items.variable(id).span == declaration.name.span
                    {
                        self.variable_type(id);
                    }
                }
                ast::Item::Struct(declaration) => {
                    let Some(ModuleItem::Struct(id)) = self.scope_item(module, &declaration.name.text) else {
                        continue;
                    };
                    if self.items.struct_info(id).span != declaration.name.span {
                        continue;
                    }
                    for field in &declaration.fields {
                        let Some(default) = &field.default else { continue };
                        let Some(info) = self
                            .items
                            .struct_info(id)
                            .fields
                            .iter()
                            .find(|known| known.span == field.name.span)
                        else {
                            continue;
                        };
                        let ty = info.ty.clone();
                        let mut context = self.context(module, None);
                        self.check_against(&mut context, default, &ty);
                    }
                }
                ast::Item::Function(declaration) => {
                    let Some(ModuleItem::Function(id)) = self.scope_item(module, &declaration.name.text) else {
                        continue;
                    };
                    if self.items.function(id).span != declaration.name.span {
                        continue;
                    }
                    self.check_function(module, id, declaration);
                }
                ast::Item::Import(_) => {}
            }
        }
    }

    pub(super) fn check_function(&mut self, module: ModuleId, id: FunctionId, declaration: &ast::FunctionDecl) {
        let info = self.items.function(id).clone();
        let mut context = self.context(module, Some(info.result.clone()));
        context.scopes.push(0);
        for (param, ty) in declaration.params.iter().zip(&info.params) {
            if let Some(previous) = context.lookup(&param.name.text) {
                let previous = previous.span;
                self.error(
                    Code::DuplicateDefinition,
                    context.file,
                    param.name.span,
                    format!("parameter `{}` is declared twice", param.name.text),
                )
                .with_secondary(context.file, previous, "first declared here");
            }
            // Parameters may be reassigned inside the body, as in Go, C or Lua: the language
            // has no way to declare them mutable, and copying each into a `var` helps nobody.
            self.record_local(context.file, param.name.span, ty);
            context.locals.push(Local {
                name: param.name.text.clone(),
                ty: ty.clone(),
                mutable: true,
                span: param.name.span,
            });
        }
        self.check_block_statements(&mut context, &declaration.body);
        if let Some(result) = &info.result
            && !block_diverges(&self.results, context.file, &declaration.body)
        {
            let end = Span {
                start: declaration.body.span.end.saturating_sub(1),
                end: declaration.body.span.end,
            };
            let result = self.display(result);
            self.error(
                Code::MissingReturn,
                context.file,
                end,
                format!(
                    "function `{}` may end without returning a value of type `{result}`",
                    declaration.name.text
                ),
            )
            .with_label("the end of the body is reachable")
            .with_secondary(
                context.file,
                declaration.result.as_ref().map_or(declaration.name.span, |ty| ty.span),
                format!("the function promises to return `{result}`"),
            )
            .with_help("add a `return` on every path, or end with `panic(...)`");
        }
    }

    pub(super) fn check_main(&mut self) {
        let Some(root) = self.program.modules.first() else {
            return;
        };
        let file = root.file;
        match self.scope_item(ModuleId(0), "main") {
            Some(ModuleItem::Function(id)) => {
                let info = self.items.function(id);
                if !info.params.is_empty() || info.result.is_some() {
                    let span = info.span;
                    self.error(
                        Code::MissingMain,
                        file,
                        span,
                        "`main` must take no parameters and return nothing",
                    )
                    .with_label("invalid signature for `main`")
                    .with_help(
                        "write `fn main() { ... }`; read arguments with `args()` and set the exit code with `exit(n)`",
                    );
                }
            }
            _ => {
                let end = root.ast.items.last().map_or(Span::default(), |item| match item {
                    ast::Item::Import(import) => import.span,
                    ast::Item::Struct(declaration) => declaration.span,
                    ast::Item::Function(declaration) => declaration.span,
                    ast::Item::Variable(declaration) => declaration.span,
                });
                let end = Span {
                    start: end.end,
                    end: end.end,
                };
                self.error(
                    Code::MissingMain,
                    file,
                    end,
                    format!("`{}` has no `main` function", root.name),
                )
                .with_label("expected `fn main()` in this file")
                .with_help("the file given to `lang` is the program's entry point: add `fn main() { ... }`");
            }
        }
    }

    /// The type of a module variable, checking its initializer the first time.
    pub(super) fn variable_type(&mut self, id: VariableId) -> Type {
        let info = self.items.variable(id);
        match info.state {
            VariableState::Done => return info.ty.clone().unwrap_or(Type::Error),
            VariableState::InProgress => {
                if let Some(ty) = &info.ty {
                    return ty.clone();
                }
                let (file, span, name) = (info.file, info.span, info.name.clone());
                self.error(
                    Code::CyclicInitializer,
                    file,
                    span,
                    format!("the type of `{name}` depends on its own initializer"),
                )
                .with_label("cycle through this variable")
                .with_help(format!("give `{name}` a type: `let {name}: T = ...`"));
                self.items.variables[id.0 as usize].ty = Some(Type::Error);
                return Type::Error;
            }
            VariableState::Pending => {}
        }
        let module = info.module;
        let item_index = info.item_index;
        let declared = info.ty.clone();
        self.items.variables[id.0 as usize].state = VariableState::InProgress;
        let program = self.program;
        let ast::Item::Variable(declaration) = &program.module(module).ast.items[item_index] else {
            return Type::Error;
        };
        let mut context = self.context(module, None);
        let ty = match &declared {
            Some(ty) => {
                self.check_against(&mut context, &declaration.init, ty);
                ty.clone()
            }
            None => self.inferred(&mut context, &declaration.init, &declaration.name),
        };
        let variable = &mut self.items.variables[id.0 as usize];
        variable.state = VariableState::Done;
        if variable.ty.is_none() {
            variable.ty = Some(ty.clone());
        }
        variable.ty.clone().unwrap_or(ty)
    }
}
