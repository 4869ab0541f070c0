//! The symbol index of a checked program: every name in the source that refers to something,
//! with what it refers to. Built in one walk over the syntax trees, reading the checker's side
//! tables (`sema::results`) for what only the checker knows (locals, calls, variants, types).
//! The walk recurses over the tree like the checker does; callers with hostile input run it
//! on a thread with a large stack, as the command line runs the checker.

use std::collections::HashMap;

use super::Symbol;
use crate::sema::CheckedProgram;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::{EnumId, ModuleId, StructId, Type};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Expr, ExprKind, PatternKind};
use crate::syntax::visit::{Visitor, walk_expr, walk_pattern, walk_type_expr};

/// One name in the source and the symbol it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: Symbol,
    /// Whether this is where the symbol is declared.
    pub is_definition: bool,
}

/// Every occurrence of every symbol, by file and by symbol.
#[derive(Debug, Default)]
pub struct SymbolIndex {
    /// Per file, sorted by start offset.
    pub by_file: HashMap<FileId, Vec<Occurrence>>,
    pub by_symbol: HashMap<Symbol, Vec<(FileId, Span)>>,
}

impl SymbolIndex {
    /// The index of the whole program at once.
    pub fn build(checked: &CheckedProgram) -> SymbolIndex {
        let mut index = SymbolIndex::default();
        for (position, module) in checked.program.modules.iter().enumerate() {
            let found = module_occurrences(checked, ModuleId(position as u32));
            index.add_file(module.file, &found);
            index.by_file.insert(module.file, found);
        }
        index
    }

    /// Adds a file's occurrences to `by_symbol`.
    pub fn add_file(&mut self, file: FileId, occurrences: &[Occurrence]) {
        for occurrence in occurrences {
            self.by_symbol
                .entry(occurrence.symbol)
                .or_default()
                .push((file, occurrence.span));
        }
    }

    /// The occurrence whose name contains `offset` (its end included, where editors put the
    /// cursor after typing a name).
    pub fn at(&self, file: FileId, offset: u32) -> Option<Occurrence> {
        occurrence_at(self.by_file.get(&file)?, offset)
    }
}

/// The occurrence among `occurrences` (of one file, sorted) whose name contains `offset`.
pub fn occurrence_at(occurrences: &[Occurrence], offset: u32) -> Option<Occurrence> {
    let after = occurrences.partition_point(|occurrence| occurrence.span.start <= offset);
    occurrences[..after]
        .iter()
        .rev()
        .take(2)
        .find(|occurrence| occurrence.span.end >= offset)
        .copied()
}

/// Every occurrence in the file of `module`, sorted by start offset: one walk over that
/// module's tree only, so that an editor's request about one file costs that file.
pub fn module_occurrences(checked: &CheckedProgram, module: ModuleId) -> Vec<Occurrence> {
    let data = checked.program.module(module);
    let mut walker = Walker {
        checked,
        module,
        file: data.file,
        found: Vec::new(),
    };
    for item in &data.ast.items {
        walker.item(item);
    }
    let mut found = walker.found;
    found.sort_by_key(|occurrence| (occurrence.span.start, occurrence.span.end));
    found.dedup_by_key(|occurrence| occurrence.span);
    found
}

struct Walker<'a> {
    checked: &'a CheckedProgram,
    module: ModuleId,
    file: FileId,
    found: Vec<Occurrence>,
}

impl Walker<'_> {
    fn add(&mut self, span: Span, symbol: Symbol, is_definition: bool) {
        self.found.push(Occurrence {
            span,
            symbol,
            is_definition,
        });
    }

    fn import_named(&self, name: &str) -> Option<ModuleId> {
        self.checked
            .program
            .module(self.module)
            .imports
            .iter()
            .find(|(import, _)| import.text == name)
            .and_then(|(_, target)| *target)
    }

    fn struct_named(&self, module: ModuleId, name: &str) -> Option<StructId> {
        let position = self
            .checked
            .items
            .structs
            .iter()
            .position(|info| info.module == module && info.name == name)?;
        Some(StructId(position as u32))
    }

    fn enum_named(&self, module: ModuleId, name: &str) -> Option<EnumId> {
        let position = self
            .checked
            .items
            .enums
            .iter()
            .position(|info| info.module == module && info.name == name)?;
        Some(EnumId(position as u32))
    }

    fn item(&mut self, item: &ast::Item) {
        let checked = self.checked;
        let items = &checked.items;
        match item {
            ast::Item::Import(import) => {
                if let Some(target) = self.import_named(&import.module.text) {
                    self.add(import.module.span, Symbol::Module(target), true);
                }
            }
            ast::Item::Struct(declaration) => {
                let id = items
                    .structs
                    .iter()
                    .position(|info| info.file == self.file && info.span == declaration.name.span);
                if let Some(id) = id.map(|id| StructId(id as u32)) {
                    self.add(declaration.name.span, Symbol::Struct(id), true);
                    for (index, field) in declaration.fields.iter().enumerate() {
                        self.add(field.name.span, Symbol::Field(id, index), true);
                    }
                }
                for field in &declaration.fields {
                    self.visit_type_expr(&field.ty);
                    if let Some(default) = &field.default {
                        self.visit_expr(default);
                    }
                }
            }
            ast::Item::Enum(declaration) => {
                let id = items
                    .enums
                    .iter()
                    .position(|info| info.file == self.file && info.span == declaration.name.span);
                if let Some(id) = id.map(|id| EnumId(id as u32)) {
                    self.add(declaration.name.span, Symbol::Enum(id), true);
                    for (index, variant) in declaration.variants.iter().enumerate() {
                        self.add(variant.name.span, Symbol::Variant(id, index), true);
                    }
                }
                for variant in &declaration.variants {
                    for field in variant.payload.iter().flatten() {
                        self.visit_type_expr(&field.ty);
                        if let Some(default) = &field.default {
                            self.visit_expr(default);
                        }
                    }
                }
            }
            ast::Item::Function(declaration) => {
                let id = items
                    .functions
                    .iter()
                    .position(|info| info.file == self.file && info.span == declaration.name.span);
                if let Some(id) = id {
                    self.add(
                        declaration.name.span,
                        Symbol::Function(crate::sema::types::FunctionId(id as u32)),
                        true,
                    );
                }
                for param in &declaration.params {
                    self.visit_binding(&param.name);
                    self.visit_type_expr(&param.ty);
                }
                if let Some(result) = &declaration.result {
                    self.visit_type_expr(result);
                }
                self.visit_block(&declaration.body);
            }
            ast::Item::Variable(declaration) => {
                let id = items
                    .variables
                    .iter()
                    .position(|info| info.file == self.file && info.span == declaration.name.span);
                if let Some(id) = id {
                    self.add(
                        declaration.name.span,
                        Symbol::Variable(crate::sema::types::VariableId(id as u32)),
                        true,
                    );
                }
                if let Some(ty) = &declaration.ty {
                    self.visit_type_expr(ty);
                }
                self.visit_expr(&declaration.init);
            }
        }
    }

    /// `Name` or `module.Name` as a type, a struct literal's name or an enum's name.
    fn type_name(&mut self, module: Option<&ast::Name>, name: &ast::Name) {
        let target = match module {
            Some(module_name) => {
                let Some(target) = self.import_named(&module_name.text) else {
                    return;
                };
                self.add(module_name.span, Symbol::Module(target), false);
                target
            }
            None => self.module,
        };
        if let Some(id) = self.struct_named(target, &name.text) {
            self.add(name.span, Symbol::Struct(id), false);
        } else if let Some(id) = self.enum_named(target, &name.text) {
            self.add(name.span, Symbol::Enum(id), false);
        }
    }

    /// `object.field` not called (a call's callee goes through `call`).
    fn field(&mut self, whole: &Expr, object: &Expr, field: &ast::Name, call_span: Option<Span>) {
        let checked = self.checked;
        let results = &checked.results;
        let variant_key = call_span.unwrap_or(whole.span);
        if let Some(variant) = results.variant(self.file, variant_key) {
            self.add(field.span, Symbol::Variant(variant.enum_id, variant.variant), false);
            // The object is `Enum` or `module.Enum`.
            match &object.kind {
                ExprKind::Name(name) => self.add(name.span, Symbol::Enum(variant.enum_id), false),
                ExprKind::Field { object, field } => {
                    if let ExprKind::Name(module) = &object.kind
                        && let Some(target) = self.import_named(&module.text)
                    {
                        self.add(module.span, Symbol::Module(target), false);
                    }
                    self.add(field.span, Symbol::Enum(variant.enum_id), false);
                }
                _ => self.visit_expr(object),
            }
            return;
        }
        if let Some(call_span) = call_span
            && let Some(call) = results.call(self.file, call_span)
            && let CallTarget::Function(id) = call.target
        {
            self.add(field.span, Symbol::Function(id), false);
            if call.receiver_is_first_argument {
                self.visit_expr(object);
            } else if let ExprKind::Name(module) = &object.kind
                && let Some(target) = self.import_named(&module.text)
            {
                self.add(module.span, Symbol::Module(target), false);
            }
            return;
        }
        // `module.item`: the object is the name of an import, not shadowed by a local.
        if let ExprKind::Name(module) = &object.kind
            && results.name(self.file, module.span).is_none()
            && let Some(target) = self.import_named(&module.text)
        {
            self.add(module.span, Symbol::Module(target), false);
            match results.name(self.file, field.span) {
                Some(NameRef::Function(id)) => self.add(field.span, Symbol::Function(id), false),
                Some(NameRef::Variable(id)) => self.add(field.span, Symbol::Variable(id), false),
                _ => {
                    if let Some(id) = self.enum_named(target, &field.text) {
                        self.add(field.span, Symbol::Enum(id), false);
                    } else if let Some(id) = self.struct_named(target, &field.text) {
                        self.add(field.span, Symbol::Struct(id), false);
                    }
                }
            }
            return;
        }
        if let Some(Type::Struct(id)) = results.expr_type(self.file, object.span)
            && let Some(index) = checked
                .items
                .struct_info(*id)
                .fields
                .iter()
                .position(|known| known.name == field.text)
        {
            self.add(field.span, Symbol::Field(*id, index), false);
        }
        self.visit_expr(object);
    }

    fn implicit_member(&mut self, name: &ast::Name, value_span: Span) {
        if let Some(variant) = self.checked.results.variant(self.file, value_span) {
            self.add(name.span, Symbol::Variant(variant.enum_id, variant.variant), false);
        }
    }
}

impl<'ast> Visitor<'ast> for Walker<'_> {
    fn visit_binding(&mut self, name: &'ast ast::Name) {
        self.add(
            name.span,
            Symbol::Local {
                file: self.file,
                span: name.span,
            },
            true,
        );
    }

    fn visit_type_expr(&mut self, ty: &'ast ast::TypeExpr) {
        match &ty.kind {
            ast::TypeExprKind::Named { module, name } => self.type_name(module.as_ref(), name),
            _ => walk_type_expr(self, ty),
        }
    }

    fn visit_pattern(&mut self, pattern: &'ast ast::Pattern) {
        match &pattern.kind {
            PatternKind::Variant {
                enum_name,
                name,
                fields,
            } => {
                if let Some((module, enum_name)) = enum_name {
                    self.type_name(module.as_ref(), enum_name);
                }
                if let Some(variant) = self.checked.results.variant(self.file, pattern.span) {
                    self.add(name.span, Symbol::Variant(variant.enum_id, variant.variant), false);
                }
                for field in fields.iter().flatten() {
                    self.visit_pattern(field);
                }
            }
            _ => walk_pattern(self, pattern),
        }
    }

    fn visit_name(&mut self, name: &'ast ast::Name) {
        match self.checked.results.name(self.file, name.span) {
            Some(NameRef::Local) => {
                if let Some(definition) = self.checked.results.local_definition(self.file, name.span) {
                    let symbol = Symbol::Local {
                        file: self.file,
                        span: definition,
                    };
                    self.add(name.span, symbol, false);
                }
            }
            Some(NameRef::Function(id)) => self.add(name.span, Symbol::Function(id), false),
            Some(NameRef::Variable(id)) => self.add(name.span, Symbol::Variable(id), false),
            Some(NameRef::Builtin(_)) => {}
            None => {
                if let Some(target) = self.import_named(&name.text) {
                    self.add(name.span, Symbol::Module(target), false);
                } else if let Some(id) = self.enum_named(self.module, &name.text) {
                    self.add(name.span, Symbol::Enum(id), false);
                } else if let Some(id) = self.struct_named(self.module, &name.text) {
                    self.add(name.span, Symbol::Struct(id), false);
                }
            }
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        match &expr.kind {
            ExprKind::StructLiteral(literal) => {
                let (module, name, fields) = (&literal.module, &literal.name, &literal.fields);
                self.type_name(module.as_ref(), name);
                let target = match module {
                    Some(module) => self.import_named(&module.text),
                    None => Some(self.module),
                };
                let id = target.and_then(|target| self.struct_named(target, &name.text));
                for field in fields {
                    if let Some(id) = id
                        && let Some(index) = self
                            .checked
                            .items
                            .struct_info(id)
                            .fields
                            .iter()
                            .position(|known| known.name == field.name.text)
                    {
                        self.add(field.name.span, Symbol::Field(id, index), false);
                    }
                    self.visit_expr(&field.value);
                }
            }
            ExprKind::Call { callee, args } => {
                match &callee.kind {
                    ExprKind::Field { object, field } => self.field(callee, object, field, Some(expr.span)),
                    ExprKind::ImplicitMember(name) => self.implicit_member(name, expr.span),
                    ExprKind::Name(name) if self.checked.results.name(self.file, name.span).is_none() => {
                        if let Some(call) = self.checked.results.call(self.file, expr.span)
                            && let CallTarget::Function(id) = call.target
                        {
                            self.add(name.span, Symbol::Function(id), false);
                        }
                    }
                    _ => self.visit_expr(callee),
                }
                args.iter().for_each(|arg| self.visit_expr(arg));
            }
            ExprKind::Field { object, field } => self.field(expr, object, field, None),
            ExprKind::ImplicitMember(name) => self.implicit_member(name, expr.span),
            _ => walk_expr(self, expr),
        }
    }
}
