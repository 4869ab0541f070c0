//! The type checker: expressions, statements, function bodies, struct defaults and module
//! variable initializers, against the items collected by `items`.

use super::Program;
use super::builtins::{Builtin, PUBLIC_BUILTINS};
use super::items::{ModuleItem, ModuleScope};
use super::results::{CallInfo, CallTarget, NameRef, NodeKey, TypeckResults};
use super::types::*;
use crate::diagnostics::{Building, Code, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, StatementKind, UnaryOp};

/// A local variable in scope.
#[derive(Clone, Debug)]
struct Local {
    name: String,
    ty: Type,
    mutable: bool,
    span: Span,
}

/// The context of the code being checked: a function body or a module-level initializer.
struct Context {
    module: ModuleId,
    file: FileId,
    is_stdlib: bool,
    /// `Some(None)` in a function without a result; `None` outside functions.
    result: Option<Option<Type>>,
    locals: Vec<Local>,
    /// Start index in `locals` of each open block.
    scopes: Vec<usize>,
    loop_depth: usize,
}

impl Context {
    fn lookup(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|local| local.name == name)
    }
}

/// An argument of a call: an expression still to check, or the receiver of method syntax,
/// already checked.
#[derive(Clone, Copy)]
enum Argument<'e> {
    Expr(&'e Expr),
    Checked(&'e Type, Span),
}

impl Argument<'_> {
    fn span(&self) -> Span {
        match self {
            Argument::Expr(expr) => expr.span,
            Argument::Checked(_, span) => *span,
        }
    }
}

/// What a call expression's callee turned out to be.
enum Callee {
    Function(FunctionId),
    Builtin(Builtin),
    Value(Type),
}

pub struct Checker<'p> {
    pub(super) program: &'p Program,
    pub(super) items: Items,
    pub(super) scopes: Vec<ModuleScope>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) results: TypeckResults,
}

impl<'p> Checker<'p> {
    pub fn new(program: &'p Program) -> Checker<'p> {
        Checker {
            program,
            items: Items::default(),
            scopes: Vec::new(),
            diagnostics: Vec::new(),
            results: TypeckResults::default(),
        }
    }

    pub fn check_all(&mut self) {
        self.collect_items();
        self.resolve_signatures();
        self.check_struct_cycles();
        for index in 0..self.program.modules.len() {
            self.check_module(ModuleId(index as u32));
        }
        self.check_main();
    }

    fn context(&self, module: ModuleId, result: Option<Option<Type>>) -> Context {
        let data = self.program.module(module);
        Context {
            module,
            file: data.file,
            is_stdlib: data.is_stdlib,
            result,
            locals: Vec::new(),
            scopes: Vec::new(),
            loop_depth: 0,
        }
    }

    fn error(&mut self, code: Code, file: FileId, span: Span, message: impl Into<String>) -> Building<'_> {
        self.diagnostics.push(Diagnostic::error(code, file, span, message));
        Building(self.diagnostics.last_mut().unwrap())
    }

    fn record_name(&mut self, file: FileId, span: Span, name: NameRef) {
        self.results.names.insert(NodeKey::new(file, span), name);
    }

    fn record_local(&mut self, file: FileId, span: Span, ty: &Type) {
        self.results.locals.insert(NodeKey::new(file, span), ty.clone());
    }

    fn display(&self, ty: &Type) -> String {
        self.items.display(ty)
    }

    fn check_module(&mut self, module: ModuleId) {
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

    fn check_function(&mut self, module: ModuleId, id: FunctionId, declaration: &ast::FunctionDecl) {
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

    fn check_main(&mut self) {
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
    fn variable_type(&mut self, id: VariableId) -> Type {
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

    /// Checks the initializer of a `let`/`var` without a written type and returns its type.
    fn inferred(&mut self, context: &mut Context, init: &Expr, name: &ast::Name) -> Type {
        let ty = self.value(context, init, None);
        if contains_nil(&ty) {
            self.error(
                Code::CannotInfer,
                context.file,
                init.span,
                format!("cannot infer the type of `{}`", name.text),
            )
            .with_label("`nil` alone does not say which optional type this is")
            .with_help(format!("write the type: `let {}: ?int = nil`", name.text));
            return Type::Error;
        }
        ty
    }

    // ----------------------------------------------------------------- statements

    fn check_block(&mut self, context: &mut Context, block: &ast::Block) {
        self.check_block_statements(context, block);
    }

    fn check_block_statements(&mut self, context: &mut Context, block: &ast::Block) {
        context.scopes.push(context.locals.len());
        for statement in &block.statements {
            self.check_statement(context, statement);
        }
        let start = context.scopes.pop().unwrap_or(0);
        context.locals.truncate(start);
    }

    fn check_statement(&mut self, context: &mut Context, statement: &ast::Statement) {
        match &statement.kind {
            StatementKind::Let {
                mutable,
                name,
                ty,
                init,
            } => {
                let ty = match ty {
                    Some(written) => {
                        let ty = self.resolve_type(context.module, written);
                        self.check_against(context, init, &ty);
                        ty
                    }
                    None => self.inferred(context, init, name),
                };
                self.record_local(context.file, name.span, &ty);
                context.locals.push(Local {
                    name: name.text.clone(),
                    ty,
                    mutable: *mutable,
                    span: name.span,
                });
            }
            StatementKind::Assign { target, op, value } => self.check_assignment(context, target, *op, value),
            StatementKind::Expr(expr) => {
                self.check_expr(context, expr, None);
            }
            StatementKind::If {
                condition,
                then_block,
                else_branch,
            } => {
                self.check_against(context, condition, &Type::Bool);
                self.check_block(context, then_block);
                self.check_else(context, else_branch);
            }
            StatementKind::IfLet {
                name,
                value,
                then_block,
                else_branch,
            } => {
                let ty = self.value(context, value, None);
                let inner = match ty {
                    Type::Optional(inner) => *inner,
                    Type::Error => Type::Error,
                    other => {
                        let shown = self.display(&other);
                        self.error(
                            Code::NotOptional,
                            context.file,
                            value.span,
                            format!("`if let` needs an optional value, found `{shown}`"),
                        )
                        .with_label("not an optional")
                        .with_help("use a plain `let`, or give the value a `?T` type");
                        Type::Error
                    }
                };
                context.scopes.push(context.locals.len());
                self.record_local(context.file, name.span, &inner);
                context.locals.push(Local {
                    name: name.text.clone(),
                    ty: inner,
                    mutable: false,
                    span: name.span,
                });
                self.check_block(context, then_block);
                let start = context.scopes.pop().unwrap_or(0);
                context.locals.truncate(start);
                self.check_else(context, else_branch);
            }
            StatementKind::While { condition, body } => {
                self.check_against(context, condition, &Type::Bool);
                self.check_loop_body(context, body, &[]);
            }
            StatementKind::ForRange {
                variable,
                start,
                end,
                body,
                ..
            } => {
                self.check_against(context, start, &Type::Int);
                self.check_against(context, end, &Type::Int);
                self.check_loop_body(context, body, &[(variable, Type::Int)]);
            }
            StatementKind::ForEach {
                first,
                second,
                iterable,
                body,
            } => {
                let ty = self.value(context, iterable, None);
                let bindings: Vec<(&ast::Name, Type)> = match (&ty, second) {
                    (Type::Array(element), None) => vec![(first, (**element).clone())],
                    (Type::Map(key, _), None) => vec![(first, (**key).clone())],
                    (Type::Map(key, value), Some(second)) => {
                        vec![(first, (**key).clone()), (second, (**value).clone())]
                    }
                    (Type::Error, _) => {
                        let mut bindings = vec![(first, Type::Error)];
                        if let Some(second) = second {
                            bindings.push((second, Type::Error));
                        }
                        bindings
                    }
                    (Type::Array(_), Some(second)) => {
                        self.error(
                            Code::NotIterable,
                            context.file,
                            second.span,
                            "a `for` over an array binds one variable",
                        )
                        .with_label("unexpected second variable")
                        .with_help("to count the elements, write `for i in 0..len(xs)` and use `xs[i]`");
                        vec![(first, Type::Error), (second, Type::Error)]
                    }
                    (other, _) => {
                        let shown = self.display(other);
                        let mut diagnostic = Diagnostic::error(
                            Code::NotIterable,
                            context.file,
                            iterable.span,
                            format!("cannot iterate over a value of type `{shown}`"),
                        )
                        .with_label("not a range, array or map");
                        if *other == Type::Int {
                            diagnostic = diagnostic.with_help("to count up to a number, write `for i in 0..n`");
                        }
                        self.diagnostics.push(diagnostic);
                        let mut bindings = vec![(first, Type::Error)];
                        if let Some(second) = second {
                            bindings.push((second, Type::Error));
                        }
                        bindings
                    }
                };
                let bindings: Vec<(&ast::Name, Type)> = bindings;
                self.check_loop_body(context, body, &bindings);
            }
            StatementKind::Break | StatementKind::Continue => {
                if context.loop_depth == 0 {
                    let word = if statement.kind == StatementKind::Break {
                        "break"
                    } else {
                        "continue"
                    };
                    self.error(
                        Code::BreakOutsideLoop,
                        context.file,
                        statement.span,
                        format!("`{word}` outside of a loop"),
                    )
                    .with_label(format!("`{word}` must be inside `while` or `for`"));
                }
            }
            StatementKind::Return(value) => self.check_return(context, statement.span, value.as_ref()),
            StatementKind::Error => {}
        }
    }

    fn check_else(&mut self, context: &mut Context, else_branch: &Option<ast::ElseBranch>) {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.check_block(context, block),
            Some(ast::ElseBranch::If(statement)) => self.check_statement(context, statement),
            None => {}
        }
    }

    fn check_loop_body(&mut self, context: &mut Context, body: &ast::Block, bindings: &[(&ast::Name, Type)]) {
        context.scopes.push(context.locals.len());
        for (name, ty) in bindings {
            self.record_local(context.file, name.span, ty);
            context.locals.push(Local {
                name: name.text.clone(),
                ty: ty.clone(),
                mutable: false,
                span: name.span,
            });
        }
        context.loop_depth += 1;
        self.check_block(context, body);
        context.loop_depth -= 1;
        let start = context.scopes.pop().unwrap_or(0);
        context.locals.truncate(start);
    }

    fn check_return(&mut self, context: &mut Context, span: Span, value: Option<&Expr>) {
        match (&context.result, value) {
            (Some(Some(result)), Some(value)) => {
                let result = result.clone();
                let ty = self.value(context, value, Some(&result));
                if !ty.is_assignable_to(&result) {
                    let (expected, found) = (self.display(&result), self.display(&ty));
                    self.error(
                        Code::ReturnMismatch,
                        context.file,
                        value.span,
                        format!("this function returns `{expected}`, but the value is `{found}`"),
                    )
                    .with_label(format!("expected `{expected}`, found `{found}`"));
                }
            }
            (Some(Some(result)), None) => {
                let expected = self.display(result);
                self.error(
                    Code::ReturnMismatch,
                    context.file,
                    span,
                    format!("this function returns `{expected}`, but `return` has no value"),
                )
                .with_label("missing value");
            }
            (Some(None), Some(value)) => {
                self.value(context, value, None);
                self.error(
                    Code::ReturnMismatch,
                    context.file,
                    value.span,
                    "this function has no result type, but `return` has a value",
                )
                .with_label("unexpected value")
                .with_help("declare the result type: `fn name(...) -> T`");
            }
            (Some(None), None) | (None, _) => {}
        }
    }

    fn check_assignment(&mut self, context: &mut Context, target: &Expr, op: Option<BinaryOp>, value: &Expr) {
        let target_type = self.assignment_target(context, target);
        if let Some(ty) = &target_type {
            let mut place = target;
            loop {
                self.results
                    .expr_types
                    .insert(NodeKey::new(context.file, place.span), ty.clone());
                match &place.kind {
                    ExprKind::Paren(inner) => place = inner,
                    _ => break,
                }
            }
        }
        match op {
            None => {
                if let Some(target_type) = target_type {
                    self.check_against(context, value, &target_type);
                } else {
                    self.value(context, value, None);
                }
            }
            Some(op) => {
                let Some(target_type) = target_type else {
                    self.value(context, value, None);
                    return;
                };
                let value_type = self.value(context, value, Some(&target_type));
                let span = target.span.to(value.span);
                let result = self.binary_result(context, op, &target_type, &value_type, span, target.span, value.span);
                if !result.is_assignable_to(&target_type) {
                    let (expected, found) = (self.display(&target_type), self.display(&result));
                    self.error(
                        Code::TypeMismatch,
                        context.file,
                        span,
                        format!(
                            "`{}=` would store {} `{found}` into {} `{expected}`",
                            op.symbol(),
                            indefinite_article(&found),
                            indefinite_article(&expected)
                        ),
                    );
                }
            }
        }
    }

    /// Checks that `target` can be assigned to and returns its type (`None` after an error).
    fn assignment_target(&mut self, context: &mut Context, target: &Expr) -> Option<Type> {
        match &target.kind {
            ExprKind::Name(name) => {
                if let Some(local) = context.lookup(&name.text) {
                    let local = local.clone();
                    self.record_name(context.file, name.span, NameRef::Local);
                    if !local.mutable {
                        self.error(
                            Code::AssignToImmutable,
                            context.file,
                            target.span,
                            format!("cannot assign twice to immutable variable `{}`", name.text),
                        )
                        .with_label("cannot assign")
                        .with_secondary(
                            context.file,
                            local.span,
                            "declared with `let` (or bound by a loop or `if let`)",
                        )
                        .with_help(format!("declare it with `var {}` to make it mutable", name.text));
                    }
                    return Some(local.ty);
                }
                match self.scope_item(context.module, &name.text) {
                    Some(ModuleItem::Variable(id)) => {
                        self.record_name(context.file, name.span, NameRef::Variable(id));
                        let ty = self.variable_type(id);
                        let info = self.items.variable(id);
                        if !info.mutable {
                            let (file, span) = (info.file, info.span);
                            self.error(
                                Code::AssignToImmutable,
                                context.file,
                                target.span,
                                format!("cannot assign to module constant `{}`", name.text),
                            )
                            .with_label("cannot assign")
                            .with_secondary(file, span, "declared with `let`")
                            .with_help(format!("declare it with `var {}` to make it mutable", name.text));
                        }
                        Some(ty)
                    }
                    None if Builtin::lookup(&name.text, context.is_stdlib).is_none() => {
                        self.value(context, target, None);
                        None
                    }
                    _ => {
                        self.error(
                            Code::InvalidAssignTarget,
                            context.file,
                            target.span,
                            format!("cannot assign to `{}`", name.text),
                        )
                        .with_label("not a variable");
                        None
                    }
                }
            }
            ExprKind::Field { object, field } => {
                if let Some(module) = self.module_reference(context, object) {
                    let name = field.text.clone();
                    match self.scope_item(module, &name) {
                        Some(ModuleItem::Variable(id)) => {
                            self.record_name(context.file, field.span, NameRef::Variable(id));
                            let ty = self.variable_type(id);
                            let info = self.items.variable(id).clone();
                            let module_name = self.program.module(module).name.clone();
                            if !info.is_pub {
                                self.private_item(context.file, field, &module_name, info.file, info.span);
                            } else if !info.mutable {
                                self.error(
                                    Code::AssignToImmutable,
                                    context.file,
                                    target.span,
                                    format!("cannot assign to `{module_name}.{name}`, a constant"),
                                )
                                .with_label("cannot assign")
                                .with_secondary(
                                    info.file,
                                    info.span,
                                    "declared with `let`",
                                );
                            }
                            return Some(ty);
                        }
                        _ => {
                            self.value(context, target, None);
                            return None;
                        }
                    }
                }
                let ty = self.check_expr(context, target, None);
                if ty == Type::Error { None } else { Some(ty) }
            }
            ExprKind::Index { .. } => {
                let ty = self.check_expr(context, target, None);
                if ty == Type::Error { None } else { Some(ty) }
            }
            ExprKind::Paren(inner) => self.assignment_target(context, inner),
            _ => {
                self.check_expr(context, target, None);
                self.error(
                    Code::InvalidAssignTarget,
                    context.file,
                    target.span,
                    "cannot assign to this expression",
                )
                .with_label("not a variable, element or field");
                None
            }
        }
    }

    // ----------------------------------------------------------------- expressions

    /// Checks `expr` where a value is needed: a call to a function without a result is an
    /// error here.
    fn value(&mut self, context: &mut Context, expr: &Expr, expected: Option<&Type>) -> Type {
        let ty = self.check_expr(context, expr, expected);
        if ty == Type::Void {
            self.error(Code::NoValue, context.file, expr.span, "this call produces no value")
                .with_label("the function has no result type");
            return Type::Error;
        }
        ty
    }

    /// Checks `expr` against an expected type, reporting a mismatch.
    fn check_against(&mut self, context: &mut Context, expr: &Expr, expected: &Type) {
        let ty = self.value(context, expr, Some(expected));
        if !ty.is_assignable_to(expected) {
            self.mismatch(context.file, expr.span, expected, &ty);
        }
    }

    fn mismatch(&mut self, file: FileId, span: Span, expected: &Type, found: &Type) {
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

    fn check_expr(&mut self, context: &mut Context, expr: &Expr, expected: Option<&Type>) -> Type {
        let ty = self.check_expr_kind(context, expr, expected);
        self.results
            .expr_types
            .insert(NodeKey::new(context.file, expr.span), ty.clone());
        ty
    }

    fn check_expr_kind(&mut self, context: &mut Context, expr: &Expr, expected: Option<&Type>) -> Type {
        match &expr.kind {
            ExprKind::Int(value) => {
                if *value == i64::MIN {
                    self.error(
                        Code::IntegerTooLarge,
                        context.file,
                        expr.span,
                        "integer literal is too large for `int`",
                    )
                    .with_help("the largest `int` is 9223372036854775807; only `-9223372036854775808` may be written with this magnitude");
                }
                Type::Int
            }
            ExprKind::Float(_) => Type::Float,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Str(_) => Type::Str,
            ExprKind::Interpolated(parts) => {
                for part in parts {
                    if let ast::StringPart::Expr(inner) = part {
                        let ty = self.value(context, inner, None);
                        if !ty.is_printable() {
                            let shown = self.display(&ty);
                            self.error(
                                Code::NotPrintable,
                                context.file,
                                inner.span,
                                format!("cannot interpolate a value of type `{shown}`"),
                            )
                            .with_label("only `int`, `float`, `bool` and `str` can be interpolated");
                        }
                    }
                }
                Type::Str
            }
            ExprKind::Nil => match expected {
                Some(ty @ Type::Optional(_)) => ty.clone(),
                _ => Type::Nil,
            },
            ExprKind::Name(name) => self.check_name(context, name, expr.span),
            ExprKind::Array(elements) => {
                let expected_element = match expected {
                    Some(Type::Array(element)) => Some((**element).clone()),
                    Some(Type::Optional(inner)) => match &**inner {
                        Type::Array(element) => Some((**element).clone()),
                        _ => None,
                    },
                    _ => None,
                };
                match expected_element {
                    Some(element) => {
                        for item in elements {
                            self.check_against(context, item, &element);
                        }
                        Type::array(element)
                    }
                    None => {
                        let Some((first, rest)) = elements.split_first() else {
                            self.cannot_infer_empty(context.file, expr.span, "array", "let xs: [int] = []");
                            return Type::Error;
                        };
                        let element = self.value(context, first, None);
                        if contains_nil(&element) {
                            self.cannot_infer_empty(context.file, first.span, "array", "let xs: [?int] = [nil]");
                            return Type::Error;
                        }
                        for item in rest {
                            self.check_against(context, item, &element);
                        }
                        Type::array(element)
                    }
                }
            }
            ExprKind::Map(entries) => {
                let expected_entry = match expected {
                    Some(Type::Map(key, value)) => Some(((**key).clone(), (**value).clone())),
                    Some(Type::Optional(inner)) => match &**inner {
                        Type::Map(key, value) => Some(((**key).clone(), (**value).clone())),
                        _ => None,
                    },
                    _ => None,
                };
                let (key, value) = match expected_entry {
                    Some(entry) => entry,
                    None => {
                        let Some((first_key, first_value)) = entries.first() else {
                            self.cannot_infer_empty(context.file, expr.span, "map", "let m: {str: int} = {}");
                            return Type::Error;
                        };
                        let key = self.value(context, first_key, None);
                        let value = self.value(context, first_value, None);
                        if contains_nil(&value) {
                            self.cannot_infer_empty(context.file, first_value.span, "map", "let m: {str: ?int} = {}");
                            return Type::Error;
                        }
                        if !matches!(key, Type::Int | Type::Str | Type::Error) {
                            let shown = self.display(&key);
                            self.error(
                                Code::InvalidMapKey,
                                context.file,
                                first_key.span,
                                format!("a map key must be `int` or `str`, not `{shown}`"),
                            )
                            .with_label("invalid key type");
                        }
                        for (entry_key, entry_value) in &entries[1..] {
                            self.check_against(context, entry_key, &key);
                            self.check_against(context, entry_value, &value);
                        }
                        return Type::Map(Box::new(key), Box::new(value));
                    }
                };
                for (entry_key, entry_value) in entries {
                    self.check_against(context, entry_key, &key);
                    self.check_against(context, entry_value, &value);
                }
                Type::Map(Box::new(key), Box::new(value))
            }
            ExprKind::StructLiteral { module, name, fields } => {
                self.check_struct_literal(context, module.as_ref(), name, fields, expr.span)
            }
            ExprKind::Unary { op, operand } => self.check_unary(context, *op, operand, expr.span),
            ExprKind::Binary { op, lhs, rhs } => {
                if op.is_comparison()
                    && let ExprKind::Binary { op: inner, .. } = &lhs.kind
                    && inner.is_comparison()
                {
                    self.error(
                        Code::ChainedComparison,
                        context.file,
                        expr.span,
                        "comparison operators cannot be chained",
                    )
                    .with_label("a chain of comparisons")
                    .with_help("combine the comparisons with `and`: `a < b and b < c`");
                    self.value(context, lhs, None);
                    self.value(context, rhs, None);
                    return Type::Bool;
                }
                let lhs_type = self.value(context, lhs, None);
                let rhs_expected = if lhs_type == Type::Nil { None } else { Some(&lhs_type) };
                let rhs_type = self.value(context, rhs, rhs_expected);
                self.binary_result(context, *op, &lhs_type, &rhs_type, expr.span, lhs.span, rhs.span)
            }
            ExprKind::Call { callee, args } => self.check_call(context, callee, args, expr.span, expected),
            ExprKind::Field { object, field } => self.check_field(context, object, field),
            ExprKind::Index { object, index } => {
                let object_type = self.value(context, object, None);
                match object_type {
                    Type::Array(element) => {
                        self.check_against(context, index, &Type::Int);
                        *element
                    }
                    Type::Map(key, value) => {
                        self.check_against(context, index, &key);
                        *value
                    }
                    Type::Error => {
                        self.value(context, index, None);
                        Type::Error
                    }
                    other => {
                        self.value(context, index, None);
                        let shown = self.display(&other);
                        let mut diagnostic = self
                            .error(
                                Code::NotIndexable,
                                context.file,
                                object.span,
                                format!("cannot index into a value of type `{shown}`"),
                            )
                            .with_label("not an array or a map");
                        if other == Type::Str {
                            diagnostic
                                .set_help("strings are not indexed; `import strings` and use `byte_at` or `chars`");
                        }
                        Type::Error
                    }
                }
            }
            ExprKind::Unwrap(inner) => {
                let expected_inner = expected.map(|ty| Type::optional(ty.clone()));
                let ty = self.value(context, inner, expected_inner.as_ref());
                match ty {
                    Type::Optional(inner) => *inner,
                    Type::Error => Type::Error,
                    other => {
                        let shown = self.display(&other);
                        self.error(
                            Code::NotOptional,
                            context.file,
                            expr.span,
                            format!("cannot unwrap a value of type `{shown}`"),
                        )
                        .with_label("`!` needs an optional value")
                        .with_help("remove the `!`: this value can never be `nil`");
                        Type::Error
                    }
                }
            }
            ExprKind::Paren(inner) => self.check_expr(context, inner, expected),
            ExprKind::Error => Type::Error,
        }
    }

    fn cannot_infer_empty(&mut self, file: FileId, span: Span, what: &str, example: &str) {
        self.error(
            Code::CannotInfer,
            file,
            span,
            format!("cannot infer the element type of this {what}"),
        )
        .with_label("type needed")
        .with_help(format!("give it a type from context, for example `{example}`"));
    }

    fn check_name(&mut self, context: &mut Context, name: &ast::Name, span: Span) -> Type {
        if let Some(local) = context.lookup(&name.text) {
            let ty = local.ty.clone();
            self.record_name(context.file, name.span, NameRef::Local);
            return ty;
        }
        match self.scope_item(context.module, &name.text) {
            Some(ModuleItem::Function(id)) => {
                self.record_name(context.file, name.span, NameRef::Function(id));
                return self.items.function(id).ty();
            }
            Some(ModuleItem::Variable(id)) => {
                self.record_name(context.file, name.span, NameRef::Variable(id));
                return self.variable_type(id);
            }
            Some(ModuleItem::Struct(_)) => {
                self.error(
                    Code::NotAValue,
                    context.file,
                    span,
                    format!("`{}` is a struct, not a value", name.text),
                )
                .with_label("not a value")
                .with_help(format!("construct one with `{} {{ ... }}`", name.text));
                return Type::Error;
            }
            Some(ModuleItem::Import(_)) => {
                self.error(
                    Code::ModuleNotValue,
                    context.file,
                    span,
                    format!("`{}` is a module, not a value", name.text),
                )
                .with_label("not a value")
                .with_help(format!("use one of its items: `{}.name`", name.text));
                return Type::Error;
            }
            None => {}
        }
        if let Some(builtin) = Builtin::lookup(&name.text, context.is_stdlib) {
            self.record_name(context.file, name.span, NameRef::Builtin(builtin));
            return match builtin.signature() {
                Some((params, result)) => Type::Function(params, result.map(Box::new)),
                None => {
                    self.error(
                        Code::NotAValue,
                        context.file,
                        span,
                        format!("the built-in `{}` cannot be used as a value", name.text),
                    )
                    .with_label("only callable")
                    .with_help("it accepts several types; wrap it in a function of your own to pass it around");
                    Type::Error
                }
            };
        }
        self.unknown_name(context, name);
        Type::Error
    }

    fn unknown_name(&mut self, context: &Context, name: &ast::Name) {
        let mut candidates: Vec<&str> = context.locals.iter().map(|local| local.name.as_str()).collect();
        candidates.extend(self.scopes[context.module.0 as usize].order.iter().map(String::as_str));
        candidates.extend(PUBLIC_BUILTINS.iter().map(|(name, _)| *name));
        let suggestion = closest(&name.text, candidates.into_iter()).map(str::to_string);
        let mut diagnostic = self
            .error(
                Code::UnknownName,
                context.file,
                name.span,
                format!("cannot find `{}` in this scope", name.text),
            )
            .with_label("not found");
        if let Some(suggestion) = suggestion {
            diagnostic.set_help(format!("did you mean `{suggestion}`?"));
        } else if lang_stdlib::module_source(&name.text).is_some() {
            diagnostic.set_help(format!(
                "`{0}` is a standard-library module: add `import {0}`",
                name.text
            ));
        }
    }

    /// If `object` names an imported module (and no local shadows it), that module.
    fn module_reference(&self, context: &Context, object: &Expr) -> Option<ModuleId> {
        let ExprKind::Name(name) = &object.kind else {
            return None;
        };
        if context.lookup(&name.text).is_some() {
            return None;
        }
        match self.scope_item(context.module, &name.text) {
            Some(ModuleItem::Import(module)) => Some(module),
            _ => None,
        }
    }

    /// The item `m.name` of an imported module, reporting unknown and private items.
    /// A function the standard-library module `module` exports natively (`sort.sort_by`).
    fn native_export(&self, module: ModuleId, name: &str) -> Option<Builtin> {
        let data = self.program.module(module);
        if !data.is_stdlib {
            return None;
        }
        Builtin::module_export(&data.name, name)
    }

    fn module_member(&mut self, context: &Context, module: ModuleId, name: &ast::Name) -> Option<ModuleItem> {
        let module_name = self.program.module(module).name.clone();
        let Some(item) = self.scope_item(module, &name.text) else {
            let candidates: Vec<String> = self.scopes[module.0 as usize]
                .order
                .iter()
                .filter(|candidate| self.is_public(module, candidate))
                .cloned()
                .collect();
            let suggestion = closest(&name.text, candidates.iter().map(String::as_str)).map(str::to_string);
            let mut diagnostic = self
                .error(
                    Code::UnknownModuleItem,
                    context.file,
                    name.span,
                    format!("module `{module_name}` has no item `{}`", name.text),
                )
                .with_label("not found in the module");
            if let Some(suggestion) = suggestion {
                diagnostic.set_help(format!("did you mean `{module_name}.{suggestion}`?"));
            }
            return None;
        };
        let (is_pub, file, span) = match item {
            ModuleItem::Function(id) => {
                let info = self.items.function(id);
                (info.is_pub, info.file, info.span)
            }
            ModuleItem::Struct(id) => {
                let info = self.items.struct_info(id);
                (info.is_pub, info.file, info.span)
            }
            ModuleItem::Variable(id) => {
                let info = self.items.variable(id);
                (info.is_pub, info.file, info.span)
            }
            ModuleItem::Import(_) => {
                self.error(
                    Code::UnknownModuleItem,
                    context.file,
                    name.span,
                    format!(
                        "`{}` is a module imported by `{module_name}`, not one of its items",
                        name.text
                    ),
                )
                .with_help(format!("import `{}` directly", name.text));
                return None;
            }
        };
        if !is_pub {
            self.private_item(context.file, name, &module_name, file, span);
        }
        Some(item)
    }

    fn is_public(&self, module: ModuleId, name: &str) -> bool {
        match self.scope_item(module, name) {
            Some(ModuleItem::Function(id)) => self.items.function(id).is_pub,
            Some(ModuleItem::Struct(id)) => self.items.struct_info(id).is_pub,
            Some(ModuleItem::Variable(id)) => self.items.variable(id).is_pub,
            _ => false,
        }
    }

    fn check_field(&mut self, context: &mut Context, object: &Expr, field: &ast::Name) -> Type {
        if let Some(module) = self.module_reference(context, object) {
            return match self.module_member(context, module, field) {
                Some(ModuleItem::Function(id)) => {
                    self.record_name(context.file, field.span, NameRef::Function(id));
                    self.items.function(id).ty()
                }
                Some(ModuleItem::Variable(id)) => {
                    self.record_name(context.file, field.span, NameRef::Variable(id));
                    self.variable_type(id)
                }
                Some(ModuleItem::Struct(_)) => {
                    self.error(
                        Code::NotAValue,
                        context.file,
                        field.span,
                        format!("`{}` is a struct, not a value", field.text),
                    )
                    .with_label("not a value");
                    Type::Error
                }
                _ => Type::Error,
            };
        }
        let object_type = self.value(context, object, None);
        match &object_type {
            Type::Struct(id) => {
                if let Some(info) = self
                    .items
                    .struct_info(*id)
                    .fields
                    .iter()
                    .find(|known| known.name == field.text)
                {
                    return info.ty.clone();
                }
                self.no_such_field(context, &object_type, field, false);
                Type::Error
            }
            Type::Error => Type::Error,
            _ => {
                self.no_such_field(context, &object_type, field, false);
                Type::Error
            }
        }
    }

    fn no_such_field(&mut self, context: &Context, ty: &Type, field: &ast::Name, as_method: bool) {
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
            if let Some(suggestion) = closest(&field.text, names.iter().copied()) {
                diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
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

    fn check_struct_literal(
        &mut self,
        context: &mut Context,
        module: Option<&ast::Name>,
        name: &ast::Name,
        fields: &[ast::FieldInit],
        span: Span,
    ) -> Type {
        let id = match module {
            Some(module_name) => {
                let Some(target) = self.imported_module(context.module, module_name) else {
                    self.check_field_values(context, fields);
                    return Type::Error;
                };
                match self.module_member(context, target, name) {
                    Some(ModuleItem::Struct(id)) => Some(id),
                    Some(_) => {
                        self.error(
                            Code::UnknownType,
                            context.file,
                            name.span,
                            format!("`{}.{}` is not a struct", module_name.text, name.text),
                        )
                        .with_label("not a struct");
                        None
                    }
                    None => None,
                }
            }
            None => match self.scope_item(context.module, &name.text) {
                Some(ModuleItem::Struct(id)) => Some(id),
                _ => {
                    let candidates: Vec<String> = self.scopes[context.module.0 as usize]
                        .items
                        .iter()
                        .filter(|(_, item)| matches!(item, ModuleItem::Struct(_)))
                        .map(|(name, _)| name.clone())
                        .collect();
                    let suggestion = closest(&name.text, candidates.iter().map(String::as_str)).map(str::to_string);
                    let mut diagnostic = self
                        .error(
                            Code::UnknownType,
                            context.file,
                            name.span,
                            format!("unknown struct `{}`", name.text),
                        )
                        .with_label("no struct of this name");
                    if let Some(suggestion) = suggestion {
                        diagnostic.set_help(format!("did you mean `{suggestion}`?"));
                    }
                    None
                }
            },
        };
        let Some(id) = id else {
            self.check_field_values(context, fields);
            return Type::Error;
        };
        let declared = self.items.struct_info(id).fields.clone();
        let mut given: Vec<(&str, Span)> = Vec::new();
        for init in fields {
            if let Some((_, previous)) = given.iter().find(|(name, _)| *name == init.name.text) {
                let previous = *previous;
                self.error(
                    Code::DuplicateField,
                    context.file,
                    init.name.span,
                    format!("field `{}` is given twice", init.name.text),
                )
                .with_label("given again here")
                .with_secondary(context.file, previous, "first given here");
                self.value(context, &init.value, None);
                continue;
            }
            given.push((&init.name.text, init.name.span));
            match declared.iter().find(|field| field.name == init.name.text) {
                Some(field) => self.check_against(context, &init.value, &field.ty),
                None => {
                    self.value(context, &init.value, None);
                    self.no_such_field(context, &Type::Struct(id), &init.name, false);
                }
            }
        }
        let missing: Vec<&str> = declared
            .iter()
            .filter(|field| !field.has_default && !given.iter().any(|(name, _)| *name == field.name))
            .map(|field| field.name.as_str())
            .collect();
        if !missing.is_empty() {
            let struct_name = self.items.struct_info(id).name.clone();
            let (file, declared_span) = (self.items.struct_info(id).file, self.items.struct_info(id).span);
            let list = missing
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let plural = if missing.len() == 1 { "" } else { "s" };
            self.error(
                Code::MissingField,
                context.file,
                span,
                format!("missing field{plural} {list} in `{struct_name}`"),
            )
            .with_label(format!(
                "{list} ha{} no default and must be given",
                if missing.len() == 1 { "s" } else { "ve" }
            ))
            .with_secondary(file, declared_span, "struct declared here");
        }
        Type::Struct(id)
    }

    fn check_field_values(&mut self, context: &mut Context, fields: &[ast::FieldInit]) {
        for init in fields {
            self.value(context, &init.value, None);
        }
    }

    fn check_unary(&mut self, context: &mut Context, op: UnaryOp, operand: &Expr, span: Span) -> Type {
        if op == UnaryOp::Negate && matches!(operand.kind, ExprKind::Int(_)) {
            // `-9223372036854775808` is the one place a literal of magnitude 2^63 is valid.
            self.results
                .expr_types
                .insert(NodeKey::new(context.file, operand.span), Type::Int);
            return Type::Int;
        }
        let ty = self.value(context, operand, None);
        let valid = match op {
            UnaryOp::Negate => ty.is_numeric(),
            UnaryOp::BitNot => ty == Type::Int,
            UnaryOp::Not => ty == Type::Bool,
        };
        if valid || ty == Type::Error {
            return ty;
        }
        let shown = self.display(&ty);
        let expected = match op {
            UnaryOp::Negate => "`int` or `float`",
            UnaryOp::BitNot => "`int`",
            UnaryOp::Not => "`bool`",
        };
        self.error(
            Code::InvalidOperands,
            context.file,
            span,
            format!("cannot apply `{}` to a value of type `{shown}`", op.symbol()),
        )
        .with_label(format!("expected {expected}"));
        Type::Error
    }

    fn binary_result(
        &mut self,
        context: &Context,
        op: BinaryOp,
        lhs: &Type,
        rhs: &Type,
        span: Span,
        lhs_span: Span,
        rhs_span: Span,
    ) -> Type {
        use BinaryOp::*;
        if *lhs == Type::Error || *rhs == Type::Error {
            return match op {
                Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual | And | Or => Type::Bool,
                _ if *lhs == Type::Error => rhs.clone(),
                _ => lhs.clone(),
            };
        }
        let result = match op {
            Add if lhs == rhs && matches!(lhs, Type::Int | Type::Float | Type::Str) => Some(lhs.clone()),
            Subtract | Multiply | Divide | Remainder if lhs == rhs && lhs.is_numeric() => Some(lhs.clone()),
            BitAnd | BitOr | BitXor | ShiftLeft | ShiftRight if *lhs == Type::Int && *rhs == Type::Int => {
                Some(Type::Int)
            }
            And | Or if *lhs == Type::Bool && *rhs == Type::Bool => Some(Type::Bool),
            Less | LessEqual | Greater | GreaterEqual
                if lhs == rhs && matches!(lhs, Type::Int | Type::Float | Type::Str) =>
            {
                Some(Type::Bool)
            }
            Equal | NotEqual if comparable(lhs, rhs) => Some(Type::Bool),
            _ => None,
        };
        if let Some(result) = result {
            return result;
        }
        let (left, right) = (self.display(lhs), self.display(rhs));
        if matches!(op, Equal | NotEqual) && (*lhs == Type::Nil || *rhs == Type::Nil) {
            let (other, other_span) = if *lhs == Type::Nil {
                (&right, rhs_span)
            } else {
                (&left, lhs_span)
            };
            self.error(
                Code::NotOptional,
                context.file,
                span,
                format!("{} `{other}` is never `nil`", indefinite_article(other)),
            )
            .with_label("comparison with `nil`")
            .with_secondary(context.file, other_span, format!("this is `{other}`, not an optional"))
            .with_help("only values of optional types `?T` can be compared with `nil`");
            return Type::Bool;
        }
        let mut diagnostic = self
            .error(
                Code::InvalidOperands,
                context.file,
                span,
                format!("cannot apply `{}` to `{left}` and `{right}`", op.symbol()),
            )
            .with_secondary(context.file, lhs_span, format!("this is `{left}`"))
            .with_secondary(context.file, rhs_span, format!("this is `{right}`"));
        let help = match (lhs, rhs) {
            (Type::Int, Type::Float) | (Type::Float, Type::Int) => {
                Some("there are no implicit conversions: convert one side with `float(...)` or `int(...)`".to_string())
            }
            (Type::Str, _) | (_, Type::Str) if op == Add => {
                Some("convert the other side with `str(...)`, or use interpolation: \"{x}\"".to_string())
            }
            _ if matches!(op, And | Or) => Some(format!("`{}` needs `bool` on both sides", op.symbol())),
            _ if matches!(op, BitAnd | BitOr | BitXor | ShiftLeft | ShiftRight) => {
                Some("bitwise operators work on `int` only".to_string())
            }
            _ => None,
        };
        diagnostic.set_label("invalid operands");
        if let Some(help) = help {
            diagnostic.set_help(help);
        }
        Type::Error
    }

    // ----------------------------------------------------------------- calls

    fn check_call(
        &mut self,
        context: &mut Context,
        callee: &Expr,
        args: &[Expr],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let arguments: Vec<Argument<'_>> = args.iter().map(Argument::Expr).collect();
        match &callee.kind {
            ExprKind::Name(name) if context.lookup(&name.text).is_none() => {
                match self.scope_item(context.module, &name.text) {
                    Some(ModuleItem::Function(id)) => {
                        return self.call_function(
                            context,
                            Callee::Function(id),
                            &name.text,
                            &arguments,
                            span,
                            expected,
                        );
                    }
                    // A struct named like a built-in function was reported (E0206); calls
                    // still go to the built-in, so that error is not repeated at every call.
                    Some(ModuleItem::Struct(_)) if Builtin::lookup(&name.text, context.is_stdlib).is_none() => {
                        self.error(
                            Code::NotCallable,
                            context.file,
                            callee.span,
                            format!("`{}` is a struct, not a function", name.text),
                        )
                        .with_label("not callable")
                        .with_help(format!("construct it with `{} {{ field: value }}`", name.text));
                        self.check_arguments_only(context, &arguments);
                        return Type::Error;
                    }
                    Some(ModuleItem::Struct(_)) | None => {
                        if let Some(builtin) = Builtin::lookup(&name.text, context.is_stdlib) {
                            return self.call_function(
                                context,
                                Callee::Builtin(builtin),
                                &name.text,
                                &arguments,
                                span,
                                expected,
                            );
                        }
                    }
                    Some(_) => {}
                }
            }
            ExprKind::Field { object, field } => {
                if let Some(module) = self.module_reference(context, object) {
                    let display_name = format!("{}.{}", self.program.module(module).name, field.text);
                    if let Some(builtin) = self.native_export(module, &field.text) {
                        return self.call_function(
                            context,
                            Callee::Builtin(builtin),
                            &display_name,
                            &arguments,
                            span,
                            expected,
                        );
                    }
                    let callee_kind = match self.module_member(context, module, field) {
                        Some(ModuleItem::Function(id)) => Callee::Function(id),
                        Some(ModuleItem::Variable(id)) => {
                            // Code generation evaluates the callee `m.var` as an expression
                            // to get the function value, so it needs the callee's type as
                            // well as what the name refers to.
                            self.record_name(context.file, field.span, NameRef::Variable(id));
                            let ty = self.variable_type(id);
                            self.results
                                .expr_types
                                .insert(NodeKey::new(context.file, callee.span), ty.clone());
                            Callee::Value(ty)
                        }
                        Some(ModuleItem::Struct(_)) => {
                            self.error(
                                Code::NotCallable,
                                context.file,
                                field.span,
                                format!("`{}` is a struct, not a function", field.text),
                            )
                            .with_label("not callable");
                            Callee::Value(Type::Error)
                        }
                        _ => Callee::Value(Type::Error),
                    };
                    return self.call_function(context, callee_kind, &display_name, &arguments, span, expected);
                }
                return self.check_method_call(context, callee, object, field, &arguments, span, expected);
            }
            _ => {}
        }
        let callee_type = self.value(context, callee, None);
        let name = callee_text(callee).unwrap_or_default();
        self.call_function(context, Callee::Value(callee_type), &name, &arguments, span, expected)
    }

    /// `object.field(args)`: a function value stored in a field, or method syntax.
    fn check_method_call(
        &mut self,
        context: &mut Context,
        callee: &Expr,
        object: &Expr,
        field: &ast::Name,
        args: &[Argument<'_>],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let object_type = self.value(context, object, None);
        if object_type == Type::Error {
            self.check_arguments_only(context, args);
            return Type::Error;
        }
        if let Type::Struct(id) = &object_type
            && let Some(info) = self
                .items
                .struct_info(*id)
                .fields
                .iter()
                .find(|known| known.name == field.text)
        {
            let ty = info.ty.clone();
            self.results
                .expr_types
                .insert(NodeKey::new(context.file, callee.span), ty.clone());
            return self.call_function(context, Callee::Value(ty), &field.text, args, span, expected);
        }
        // Method syntax: the candidates are a function of this module, a built-in, and the
        // `pub fn`s of imported modules whose first parameter accepts the receiver. Local
        // variables are not candidates and do not hide any (as in Rust or Swift, a method is
        // never looked up among locals), so `let len = xs.len()` leaves `xs.len()` working.
        // A function of this module whose first parameter cannot take the receiver is kept
        // aside: it is no candidate when an imported function fits (a local
        // `fn contains(xs: [int], ...)` must not make `"text".contains(...)` ambiguous with
        // `strings.contains`), but when nothing else fits, calling it reports the mismatch.
        let mut candidates: Vec<(Callee, String)> = Vec::new();
        let mut unfit_local = None;
        if let Some(ModuleItem::Function(id)) = self.scope_item(context.module, &field.text) {
            let fits = self
                .items
                .function(id)
                .params
                .first()
                .is_some_and(|first| object_type.is_assignable_to(first));
            if fits || object_type == Type::Error {
                candidates.push((Callee::Function(id), field.text.clone()));
            } else {
                unfit_local = Some((Callee::Function(id), field.text.clone()));
            }
        } else if let Some(builtin) = Builtin::lookup(&field.text, context.is_stdlib) {
            candidates.push((Callee::Builtin(builtin), field.text.clone()));
        }
        for (import_name, target) in &self.program.module(context.module).imports {
            let Some(target) = target else { continue };
            if let Some(builtin) = self.native_export(*target, &field.text) {
                candidates.push((Callee::Builtin(builtin), format!("{}.{}", import_name.text, field.text)));
                continue;
            }
            if let Some(ModuleItem::Function(id)) = self.scope_item(*target, &field.text) {
                let info = self.items.function(id);
                if info.is_pub
                    && info.module == *target
                    && info
                        .params
                        .first()
                        .is_some_and(|first| object_type.is_assignable_to(first))
                    && !candidates
                        .iter()
                        .any(|(callee, _)| matches!(callee, Callee::Function(known) if *known == id))
                {
                    candidates.push((Callee::Function(id), format!("{}.{}", import_name.text, field.text)));
                }
            }
        }
        if candidates.is_empty()
            && let Some(local) = unfit_local
        {
            candidates.push(local);
        }
        match candidates.len() {
            0 => {
                self.no_such_field(context, &object_type, field, true);
                self.check_arguments_only(context, args);
                Type::Error
            }
            1 => {
                let (callee, name) = candidates.pop().unwrap_or((Callee::Value(Type::Error), String::new()));
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(Argument::Checked(&object_type, object.span));
                all.extend_from_slice(args);
                self.call_function(context, callee, &name, &all, span, expected)
            }
            _ => {
                let names: Vec<String> = candidates.iter().map(|(_, name)| format!("`{name}`")).collect();
                self.error(
                    Code::AmbiguousMethod,
                    context.file,
                    field.span,
                    format!("method call `.{}` is ambiguous", field.text),
                )
                .with_label(format!("could be {}", names.join(" or ")))
                .with_help("call the function directly, for example `module.function(x, ...)`");
                self.check_arguments_only(context, args);
                Type::Error
            }
        }
    }

    fn check_arguments_only(&mut self, context: &mut Context, args: &[Argument<'_>]) {
        for arg in args {
            if let Argument::Expr(expr) = arg {
                self.value(context, expr, None);
            }
        }
    }

    fn argument_type(&mut self, context: &mut Context, arg: Argument<'_>, expected: Option<&Type>) -> Type {
        match arg {
            Argument::Expr(expr) => self.value(context, expr, expected),
            Argument::Checked(ty, _) => ty.clone(),
        }
    }

    fn check_argument(&mut self, context: &mut Context, arg: Argument<'_>, expected: &Type) {
        let ty = self.argument_type(context, arg, Some(expected));
        if !ty.is_assignable_to(expected) {
            self.mismatch(context.file, arg.span(), expected, &ty);
        }
    }

    /// `name` is the callee as written, or empty when it is too complex to quote.
    fn wrong_count(&mut self, context: &mut Context, name: &str, expected: usize, args: &[Argument<'_>], span: Span) {
        let plural = if expected == 1 { "" } else { "s" };
        let given = match args.len() {
            1 => "1 was".to_string(),
            count => format!("{count} were"),
        };
        let subject = quoted_or(name, "this function value");
        self.error(
            Code::WrongArgumentCount,
            context.file,
            span,
            format!("{subject} takes {expected} argument{plural} but {given} given"),
        )
        .with_label(format!("expected {expected} argument{plural}"));
        self.check_arguments_only(context, args);
    }

    fn call_function(
        &mut self,
        context: &mut Context,
        callee: Callee,
        name: &str,
        args: &[Argument<'_>],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let target = match callee {
            Callee::Function(id) => CallTarget::Function(id),
            Callee::Builtin(builtin) => CallTarget::Builtin(builtin),
            Callee::Value(_) => CallTarget::Value,
        };
        self.results.calls.insert(
            NodeKey::new(context.file, span),
            CallInfo {
                target,
                receiver_is_first_argument: matches!(args.first(), Some(Argument::Checked(..))),
            },
        );
        let (params, result) = match callee {
            Callee::Function(id) => {
                let info = self.items.function(id);
                (info.params.clone(), info.result.clone())
            }
            Callee::Builtin(builtin) => match builtin.signature() {
                Some(signature) => signature,
                None => return self.call_generic_builtin(context, builtin, args, span, expected),
            },
            Callee::Value(Type::Function(params, result)) => (params, result.map(|result| *result)),
            Callee::Value(Type::Error) => {
                self.check_arguments_only(context, args);
                return Type::Error;
            }
            Callee::Value(other) => {
                let shown = self.display(&other);
                let subject = quoted_or(name, "this expression");
                self.error(
                    Code::NotCallable,
                    context.file,
                    span,
                    format!("{subject} is not a function: its type is `{shown}`"),
                )
                .with_label("not callable");
                self.check_arguments_only(context, args);
                return Type::Error;
            }
        };
        if params.len() != args.len() {
            self.wrong_count(context, name, params.len(), args, span);
            return result.unwrap_or(Type::Void);
        }
        for (arg, param) in args.iter().zip(&params) {
            self.check_argument(context, *arg, param);
        }
        result.unwrap_or(Type::Void)
    }

    /// The built-ins that accept several types.
    fn call_generic_builtin(
        &mut self,
        context: &mut Context,
        builtin: Builtin,
        args: &[Argument<'_>],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        let name = builtin.name();
        let arity = match builtin {
            Builtin::Print
            | Builtin::Write
            | Builtin::Str
            | Builtin::Int
            | Builtin::Float
            | Builtin::Len
            | Builtin::Pop
            | Builtin::Keys
            | Builtin::Sort
            | Builtin::Abs => 1,
            Builtin::Push
            | Builtin::Fill
            | Builtin::Has
            | Builtin::Remove
            | Builtin::Min
            | Builtin::Max
            | Builtin::SortBy => 2,
            Builtin::Insert => 3,
            _ => args.len(),
        };
        if args.len() != arity {
            self.wrong_count(context, name, arity, args, span);
            return match builtin {
                Builtin::Print | Builtin::Write | Builtin::Push | Builtin::Insert | Builtin::Remove => Type::Void,
                _ => Type::Error,
            };
        }
        let file = context.file;
        let first = self.argument_type(context, args[0], None);
        let first_span = args[0].span();
        let shown = self.display(&first);
        let wrong_first = |checker: &mut Self, accepted: &str| {
            if first != Type::Error {
                checker
                    .error(
                        Code::TypeMismatch,
                        file,
                        first_span,
                        format!("`{name}` does not accept a value of type `{shown}`"),
                    )
                    .with_label(format!("expected {accepted}"));
            }
        };
        match builtin {
            Builtin::Print | Builtin::Write => {
                if !first.is_printable() {
                    self.error(
                        Code::NotPrintable,
                        file,
                        first_span,
                        format!("`{name}` cannot print a value of type `{shown}`"),
                    )
                    .with_label("only `int`, `float`, `bool` and `str` can be printed");
                }
                Type::Void
            }
            Builtin::Str => {
                if !first.is_printable() {
                    wrong_first(self, "`int`, `float`, `bool` or `str`");
                }
                Type::Str
            }
            Builtin::Int => {
                if !matches!(first, Type::Int | Type::Float | Type::Str | Type::Error) {
                    wrong_first(self, "`float` or `str`");
                }
                Type::Int
            }
            Builtin::Float => {
                if !matches!(first, Type::Int | Type::Float | Type::Str | Type::Error) {
                    wrong_first(self, "`int` or `str`");
                }
                Type::Float
            }
            Builtin::Len => {
                if !matches!(first, Type::Str | Type::Array(_) | Type::Map(..) | Type::Error) {
                    wrong_first(self, "a `str`, an array or a map");
                }
                Type::Int
            }
            Builtin::Push => {
                match &first {
                    Type::Array(element) => self.check_argument(context, args[1], element),
                    _ => {
                        wrong_first(self, "an array");
                        self.argument_type(context, args[1], None);
                    }
                }
                Type::Void
            }
            Builtin::Pop => match first {
                Type::Array(element) => *element,
                _ => {
                    wrong_first(self, "an array");
                    Type::Error
                }
            },
            Builtin::Sort => {
                if !matches!(&first, Type::Array(element) if matches!(**element, Type::Int | Type::Float | Type::Str))
                    && first != Type::Error
                {
                    wrong_first(self, "an array of `int`, `float` or `str` (use `sort_by` for others)");
                }
                Type::Void
            }
            Builtin::SortBy => {
                match &first {
                    Type::Array(element) => {
                        let less = Type::Function(
                            vec![(**element).clone(), (**element).clone()],
                            Some(Box::new(Type::Bool)),
                        );
                        self.check_argument(context, args[1], &less);
                    }
                    _ => {
                        wrong_first(self, "an array");
                        self.argument_type(context, args[1], None);
                    }
                }
                Type::Void
            }
            Builtin::Fill => {
                if first != Type::Int && first != Type::Error {
                    self.mismatch(file, first_span, &Type::Int, &first);
                }
                let element_expected = match expected {
                    Some(Type::Array(element)) => Some((**element).clone()),
                    _ => None,
                };
                let element = self.argument_type(context, args[1], element_expected.as_ref());
                if let Some(expected_element) = element_expected {
                    if !element.is_assignable_to(&expected_element) {
                        self.mismatch(file, args[1].span(), &expected_element, &element);
                    }
                    return Type::array(expected_element);
                }
                if contains_nil(&element) {
                    self.cannot_infer_empty(file, args[1].span(), "array", "let xs: [?int] = fill(3, nil)");
                    return Type::Error;
                }
                Type::array(element)
            }
            Builtin::Insert | Builtin::Has | Builtin::Remove => {
                match &first {
                    Type::Map(key, value) => {
                        self.check_argument(context, args[1], key);
                        if builtin == Builtin::Insert {
                            self.check_argument(context, args[2], value);
                        }
                    }
                    _ => {
                        wrong_first(self, "a map");
                        self.check_arguments_only(context, &args[1..]);
                    }
                }
                match builtin {
                    Builtin::Has => Type::Bool,
                    _ => Type::Void,
                }
            }
            Builtin::Keys => match first {
                Type::Map(key, _) => Type::Array(key),
                _ => {
                    wrong_first(self, "a map");
                    Type::Error
                }
            },
            Builtin::Abs => {
                if !first.is_numeric() {
                    wrong_first(self, "`int` or `float`");
                    return Type::Error;
                }
                first
            }
            Builtin::Min | Builtin::Max => {
                if !first.is_numeric() {
                    wrong_first(self, "`int` or `float`");
                    self.check_arguments_only(context, &args[1..]);
                    return Type::Error;
                }
                self.check_argument(context, args[1], &first);
                first
            }
            _ => {
                self.check_arguments_only(context, args);
                Type::Error
            }
        }
    }
}

/// The callee of a call as the user wrote it, for messages: a name or a chain of fields
/// (`f`, `hm.handler`, `game.player.on_hit`), possibly in parentheses. `None` for anything
/// more complex, which messages then describe in words.
fn callee_text(expr: &Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(name) => Some(name.text.clone()),
        ExprKind::Field { object, field } => Some(format!("{}.{}", callee_text(object)?, field.text)),
        ExprKind::Paren(inner) => callee_text(inner),
        _ => None,
    }
}

/// `name` in backticks, or `fallback` when there is no name to show.
fn quoted_or(name: &str, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_string()
    } else {
        format!("`{name}`")
    }
}

/// "a" or "an" before a type as displayed, for messages like "an `int` is never `nil`": "an"
/// before a vowel (`int`, `Item`), "a" otherwise (`float`, `[int]`, `?int`). It goes by the
/// spelling, which is right for every built-in type and most struct names.
fn indefinite_article(shown: &str) -> &'static str {
    match shown.chars().next() {
        Some(first) if "aeiouAEIOU".contains(first) => "an",
        _ => "a",
    }
}

/// Whether `==` may compare values of these types.
fn comparable(lhs: &Type, rhs: &Type) -> bool {
    match (lhs, rhs) {
        (Type::Nil, Type::Optional(_)) | (Type::Optional(_), Type::Nil) => true,
        // `?T == T` compares a present value with `T`'s equality; `nil` is unequal to any `T`.
        (Type::Optional(inner), other) | (other, Type::Optional(inner)) if **inner == *other => {
            !matches!(other, Type::Function(..))
        }
        (Type::Function(..), _) | (_, Type::Function(..)) | (Type::Void, _) | (_, Type::Void) => false,
        (Type::Nil, Type::Nil) => false,
        _ => lhs == rhs,
    }
}

fn contains_nil(ty: &Type) -> bool {
    match ty {
        Type::Nil => true,
        Type::Array(element) => contains_nil(element),
        Type::Map(key, value) => contains_nil(key) || contains_nil(value),
        _ => false,
    }
}

/// Whether control can never reach the end of `block` (LANGUAGE.md section 3): it returns,
/// calls `panic` or `exit`, loops forever with `while true` and no `break`, or branches into
/// paths that all do. It runs after the block was checked, and a call counts by what the
/// checker resolved it to, not by how it is spelled: `"boom".panic()` diverges like
/// `panic("boom")`, while a call of a local variable named `panic` does not.
fn block_diverges(results: &TypeckResults, file: FileId, block: &ast::Block) -> bool {
    block
        .statements
        .iter()
        .any(|statement| statement_diverges(results, file, statement))
}

fn statement_diverges(results: &TypeckResults, file: FileId, statement: &ast::Statement) -> bool {
    match &statement.kind {
        StatementKind::Return(_) => true,
        StatementKind::Expr(expr) => match &expr.kind {
            ExprKind::Call { .. } => matches!(
                results.call(file, expr.span),
                Some(CallInfo {
                    target: CallTarget::Builtin(builtin),
                    ..
                }) if builtin.diverges()
            ),
            _ => false,
        },
        StatementKind::If {
            then_block,
            else_branch,
            ..
        }
        | StatementKind::IfLet {
            then_block,
            else_branch,
            ..
        } => {
            block_diverges(results, file, then_block)
                && match else_branch {
                    Some(ast::ElseBranch::Block(block)) => block_diverges(results, file, block),
                    Some(ast::ElseBranch::If(statement)) => statement_diverges(results, file, statement),
                    None => false,
                }
        }
        StatementKind::While { condition, body } => is_literal_true(condition) && !block_breaks(body),
        _ => false,
    }
}

fn is_literal_true(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Bool(true) => true,
        ExprKind::Paren(inner) => is_literal_true(inner),
        _ => false,
    }
}

/// Whether a `break` in `block` leaves the loop whose body it is (breaks of nested loops
/// do not count).
fn block_breaks(block: &ast::Block) -> bool {
    block.statements.iter().any(|statement| match &statement.kind {
        StatementKind::Break => true,
        StatementKind::If {
            then_block,
            else_branch,
            ..
        }
        | StatementKind::IfLet {
            then_block,
            else_branch,
            ..
        } => {
            block_breaks(then_block)
                || match else_branch {
                    Some(ast::ElseBranch::Block(block)) => block_breaks(block),
                    Some(ast::ElseBranch::If(statement)) => block_breaks(&ast::Block {
                        statements: vec![(**statement).clone()],
                        span: statement.span,
                    }),
                    None => false,
                }
        }
        _ => false,
    })
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely
/// typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
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
