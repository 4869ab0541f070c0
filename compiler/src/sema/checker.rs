//! The `Checker`: the state of checking one program (the item tables, each module's scope, the
//! diagnostics and the side tables for code generation), the order of its passes, and the
//! small helpers every pass uses. The passes are `impl Checker` blocks in the other files.

use super::patterns::EnumTable;
use super::program::Program;
use super::results::{NameRef, NodeKey, TypeckResults};
use super::scope::{Context, ModuleItem, ModuleScope};
use super::types::*;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

pub struct Checker<'p> {
    pub(super) program: &'p Program,
    pub(super) items: Items,
    pub(super) scopes: Vec<ModuleScope>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) results: TypeckResults,
    /// Every enum, described for the match checker once their variants are resolved.
    pub(super) enum_table: EnumTable,
    /// The parameter types for the function expression about to be checked when its
    /// parameters are known but its result is to be inferred (`xs.map(fn(x) => x * 2)`):
    /// set just before checking the argument, taken by the function expression.
    pub(super) closure_parameters_hint: Option<Vec<crate::sema::types::Type>>,
}

impl<'p> Checker<'p> {
    pub fn new(program: &'p Program) -> Checker<'p> {
        Checker {
            program,
            items: Items::default(),
            scopes: Vec::new(),
            diagnostics: Vec::new(),
            results: TypeckResults::default(),
            enum_table: EnumTable::new(),
            closure_parameters_hint: None,
        }
    }

    pub fn check_all(&mut self) {
        self.collect_items();
        self.resolve_signatures();
        self.check_struct_cycles();
        self.build_enum_table();
        for index in 0..self.program.modules.len() {
            self.check_module(ModuleId(index as u32));
        }
        self.check_main();
        self.finish_closures();
    }

    pub(super) fn context(&self, module: ModuleId, result: Option<Option<Type>>) -> Context {
        let data = self.program.module(module);
        Context {
            module,
            file: data.file,
            is_stdlib: data.is_stdlib,
            result,
            locals: Vec::new(),
            scopes: Vec::new(),
            loop_depth: 0,
            closure_frames: Vec::new(),
            closure_owner: String::new(),
        }
    }

    pub(super) fn record_name(&mut self, file: FileId, span: Span, name: NameRef) {
        self.results.names.insert(NodeKey::new(file, span), name);
    }

    /// Records a use of a local and the name that bound it.
    pub(super) fn record_local_use(&mut self, file: FileId, span: Span, definition: Span) {
        self.record_name(file, span, NameRef::Local);
        self.results
            .local_definitions
            .insert(NodeKey::new(file, span), definition);
    }

    pub(super) fn record_local(&mut self, file: FileId, span: Span, ty: &Type) {
        self.results.locals.insert(NodeKey::new(file, span), ty.clone());
    }

    pub(super) fn display(&self, ty: &Type) -> String {
        self.items.display(ty)
    }

    pub(super) fn scope_item(&self, module: ModuleId, name: &str) -> Option<ModuleItem> {
        self.scopes[module.0 as usize].items.get(name).copied()
    }
}
