//! The `Checker`: the state of checking one program (the item tables, each module's scope, the
//! diagnostics and the side tables for code generation), the order of its passes, and the
//! small helpers every pass uses. The passes are `impl Checker` blocks in the other files.

use super::incremental::{BodyCache, Fingerprints, ItemHashes};
use super::patterns::EnumTable;
use super::program::Program;
use super::results::{NameRef, NodeKey, TypeckResults};
use super::scope::{Context, ModuleItem, ModuleScope};
use super::types::*;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::stage_times::{Stage, measure};

pub struct Checker<'p> {
    pub(super) program: &'p Program,
    pub(super) items: Items,
    pub(super) scopes: Vec<std::sync::Arc<ModuleScope>>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) results: TypeckResults,
    /// Every enum, described for the match checker once their variants are resolved.
    pub(super) enum_table: EnumTable,
    /// The parameter types for the function expression about to be checked when its
    /// parameters are known but its result is to be inferred (`xs.map(fn(x) => x * 2)`):
    /// set just before checking the argument, taken by the function expression.
    pub(super) closure_parameters_hint: Option<Vec<crate::sema::types::Type>>,
    /// Where the `.name` that begins the expression statement being checked starts, if one
    /// does: a line starting with `.` is most likely a method chain continued the Swift way.
    pub(super) statement_leading_dot: Option<u32>,
    /// How many unknown names were looked up for a "did you mean" (`Checker::unknown_name`).
    pub(super) unknown_name_hints: usize,
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
            statement_leading_dot: None,
            unknown_name_hints: 0,
        }
    }

    /// Checks the whole program; with a cache (hot reload), the bodies of a module whose
    /// check is known from an earlier one are not checked again (`sema::incremental`).
    pub fn check_all(&mut self, cache: Option<(&mut BodyCache, &SourceMap)>) {
        let mut cache = cache;
        self.collect_and_resolve(cache.as_mut().map(|(bodies, _)| &mut bodies.items));
        measure(Stage::Tables, || {
            self.check_struct_cycles();
            self.build_enum_table();
        });
        measure(Stage::Bodies, || match cache {
            None => {
                // Each module's side tables are a part of their own, as under incremental
                // checking: one table of every expression of a large program grew by
                // doubling (its peak was old and new table together) and its inserts missed
                // the cache; a module's tables stay small.
                self.finish_closures();
                self.results.finish_part();
                let modules: Vec<ModuleId> = (0..self.program.modules.len() as u32).map(ModuleId).collect();
                let settled = self.settle_variables(&modules);
                for checked in self.check_bodies(settled, super::compile_threads()) {
                    self.diagnostics.extend(checked.diagnostics);
                    self.results.add_part_of_files(checked.tables, &checked.files);
                }
            }
            Some((cache, sources)) => self.check_modules_incrementally(cache, sources),
        });
        measure(Stage::Finish, || {
            self.check_main();
            self.finish_closures();
        });
    }

    fn check_modules_incrementally(&mut self, cache: &mut BodyCache, sources: &SourceMap) {
        let program = self.program;
        cache.start(program);
        let text_hashes = cache.text_hashes(program, sources);
        let last_hashes = cache.item_hashes.take();
        let reusing = match (&last_hashes, cache.items.last_edited()) {
            (Some(last), Some(edited)) => Some((last, edited)),
            _ => None,
        };
        let item_hashes = ItemHashes::new(program, &self.items, sources, reusing);
        let fingerprints = Fingerprints::new(program, &item_hashes, &text_hashes);
        cache.item_hashes = Some(item_hashes);
        cache.set_fingerprints(&fingerprints);
        // What the passes over the whole program recorded is a part of its own.
        self.finish_closures();
        self.results.finish_part();
        let mut to_check = Vec::new();
        for index in 0..program.modules.len() {
            let module = ModuleId(index as u32);
            if let Some(reused) = cache.reuse(program, module, &self.items, &fingerprints, sources) {
                self.results.add_part_of_files(reused.tables, &reused.files);
                self.results.mark_module_part(program.module(module).file);
                for (id, ty) in reused.variables {
                    let variable = &mut self.items.variables[id.0 as usize];
                    if variable.state == VariableState::Pending {
                        variable.state = VariableState::Done;
                        variable.ty = ty;
                    }
                }
                continue;
            }
            to_check.push(module);
        }
        // Variables first, then bodies on several threads (`body_threads`).
        let settled = self.settle_variables(&to_check);
        for checked in self.check_bodies(settled, super::compile_threads()) {
            let file = program.module(checked.module).file;
            self.diagnostics.extend(checked.diagnostics);
            self.results.add_part_of_files(checked.tables.clone(), &checked.files);
            self.results.mark_module_part(file);
            cache.record(
                program,
                checked.module,
                &self.items,
                &fingerprints,
                sources,
                checked.tables,
                checked.typed,
                checked.reported,
            );
        }
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
        self.results.locals.insert(NodeKey::new(file, span), ty);
    }

    pub(super) fn display(&self, ty: &Type) -> String {
        self.items.display(ty)
    }

    pub(super) fn scope_item(&self, module: ModuleId, name: &str) -> Option<ModuleItem> {
        self.scopes[module.0 as usize].items.get(name).copied()
    }
}
