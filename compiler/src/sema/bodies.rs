//! Checking each module's code against its collected items: function bodies (with the missing
//! `return` check), struct field defaults, module variable initializers (typed on first use,
//! so one may depend on another declared later) and the program's `main`.

use super::checker::Checker;
use super::flow::block_diverges;
use super::scope::{Local, ModuleItem};
use super::types::*;
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
                        context.closure_owner = format!("struct {}", declaration.name.text);
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
                ast::Item::Enum(declaration) => self.check_enum_defaults(module, declaration),
                ast::Item::Import(_) => {}
            }
        }
    }

    pub(super) fn check_function(&mut self, module: ModuleId, id: FunctionId, declaration: &ast::FunctionDecl) {
        let info = self.items.function(id).clone();
        let mut context = self.context(module, Some(info.result.clone()));
        context.closure_owner = format!("fn {} {}", info.name, self.display(&info.ty()));
        context.scopes.push(0);
        for (param, ty) in declaration.params.iter().zip(&info.params) {
            if let Some(previous) = context.lookup(&param.name.text) {
                self.parameter_declared_twice(context.file, &param.name, previous.span);
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
            self.missing_return(context.file, declaration, result);
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
                    self.invalid_main_signature(file, span);
                }
            }
            _ => {
                self.missing_main(root);
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
                self.cyclic_initializer(file, span, &name);
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
        context.closure_owner = format!("var {}", declaration.name.text);
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
