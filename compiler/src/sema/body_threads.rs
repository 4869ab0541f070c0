//! Checking the bodies of many modules on several threads (issue 20: checking the bodies of
//! a 100,000-line program was a third of `lang run --hmr`'s start, on one core of two).
//!
//! A body may use a module variable of any module, whose type is inferred from its
//! initializer the first time it is needed (`Checker::variable_type`), which writes the item
//! tables that every body check reads. So the check goes in two steps:
//!
//! 1. `settle_variables`, on the calling thread, module by module in program order: the
//!    initializers of each module's variables, in source order (a variable's initializer may
//!    type variables of other modules first, as before). What they record goes into the
//!    module's own side tables, and their diagnostics are the checker's.
//! 2. `check_bodies`: every module's struct defaults, enum defaults and function bodies, each
//!    module by one checker (a copy of the item tables, now only read, on each thread),
//!    continuing the module's side tables of step 1; the modules come back in program order.
//!
//! The results do not depend on the number of threads: each module's part and diagnostics
//! are made by one checker from the same item tables, and are joined in module order.
//! `LANG_COMPILE_THREADS=1` checks on the calling thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::checker::Checker;
use super::results::ResultTables;
use super::scope::ModuleItem;
use super::types::{ModuleId, Type, VariableId, VariableState};
use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::ast;

/// Modules a thread should at least have to check for a second thread to be worth its start
/// and its copy of the item tables (a reload checks one or two modules, on the calling thread).
const MODULES_PER_THREAD: usize = 4;

/// The stack of a checking thread: that of the thread `lang` checks programs on (`cli`'s
/// compiler thread), since checking recurses as deeply as the code nests (up to the lexer's
/// limit); the space is only reserved.
const CHECKER_STACK_SIZE: usize = crate::threads::DEEP_STACK_SIZE;

/// A module whose variables are typed, its bodies still to check.
pub(super) struct SettledModule {
    module: ModuleId,
    /// What its initializers recorded: the start of the module's side tables.
    tables: ResultTables,
    /// The variables whose types its initializers settled (those of other modules included).
    typed: Vec<(VariableId, Option<Type>)>,
    /// Whether its initializers reported a diagnostic.
    reported: bool,
}

/// A module checked: its side tables (its part of the check) and what the caller keeps.
pub(super) struct CheckedModule {
    pub(super) module: ModuleId,
    pub(super) tables: Arc<ResultTables>,
    /// The files whose nodes `tables` holds.
    pub(super) files: Vec<FileId>,
    /// The diagnostics of its bodies (those of its initializers are already the checker's).
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) typed: Vec<(VariableId, Option<Type>)>,
    /// Whether its initializers or its bodies reported a diagnostic.
    pub(super) reported: bool,
}

impl<'p> Checker<'p> {
    /// Step 1 (see the file's comment): types the variables of `modules`, in order.
    pub(super) fn settle_variables(&mut self, modules: &[ModuleId]) -> Vec<SettledModule> {
        modules
            .iter()
            .map(|&module| {
                let diagnostics_before = self.diagnostics.len();
                let pending: Vec<bool> = self
                    .items
                    .variables
                    .iter()
                    .map(|variable| variable.state == VariableState::Pending)
                    .collect();
                self.type_module_variables(module);
                let tables = std::mem::take(&mut *self.results);
                let typed = pending
                    .iter()
                    .enumerate()
                    .filter(|(id, was_pending)| **was_pending && self.items.variables[*id].state == VariableState::Done)
                    .map(|(id, _)| (VariableId(id as u32), self.items.variables[id].ty.clone()))
                    .collect();
                SettledModule {
                    module,
                    tables,
                    typed,
                    reported: self.diagnostics.len() != diagnostics_before,
                }
            })
            .collect()
    }

    /// The variables `module` declares, in source order (a name declared twice: the first).
    fn type_module_variables(&mut self, module: ModuleId) {
        let program = self.program;
        for item in &program.module(module).ast.items {
            if let ast::Item::Variable(declaration) = item
                && let Some(ModuleItem::Variable(id)) = self.scope_item(module, &declaration.name.text)
                && self.items.variable(id).span == declaration.name.span
            {
                self.variable_type(id);
            }
        }
    }

    /// Step 2 (see the file's comment): checks the bodies of the settled modules on up to
    /// `threads` threads (this one among them); the results in the order given.
    pub(super) fn check_bodies(&mut self, settled: Vec<SettledModule>, threads: usize) -> Vec<CheckedModule> {
        let threads = threads.min(settled.len() / MODULES_PER_THREAD).max(1);
        if threads == 1 {
            return settled.into_iter().map(|module| self.check_bodies_of(module)).collect();
        }
        let count = settled.len();
        let work: Vec<Mutex<Option<SettledModule>>> =
            settled.into_iter().map(|module| Mutex::new(Some(module))).collect();
        let next = AtomicUsize::new(0);
        let done: Mutex<Vec<Option<CheckedModule>>> = Mutex::new((0..count).map(|_| None).collect());
        // The first checker takes the item tables and gives them back; the others copy them.
        let items = std::mem::take(&mut self.items);
        let mut checkers: Vec<Checker<'p>> = (1..threads).map(|_| self.body_checker(items.clone())).collect();
        checkers.insert(0, self.body_checker(items));
        let run = |checker: &mut Checker<'p>| {
            loop {
                let position = next.fetch_add(1, Ordering::Relaxed);
                if position >= count {
                    break;
                }
                let taken = work[position]
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take();
                let Some(module) = taken else { continue };
                let checked = checker.check_bodies_of(module);
                done.lock().unwrap_or_else(|poisoned| poisoned.into_inner())[position] = Some(checked);
            }
        };
        std::thread::scope(|scope| {
            let mut checkers = checkers.iter_mut();
            let first = checkers.next();
            for checker in checkers {
                // A thread that cannot start leaves its share to the others (the queue is
                // shared), this one among them.
                let _ = std::thread::Builder::new()
                    .name("checker".into())
                    .stack_size(CHECKER_STACK_SIZE)
                    .spawn_scoped(scope, || run(checker));
            }
            if let Some(first) = first {
                run(first);
            }
        });
        self.items = std::mem::take(&mut checkers[0].items);
        done.into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .into_iter()
            .flatten()
            .collect()
    }

    /// A checker of bodies with these item tables and this checker's scopes and enum table.
    fn body_checker(&self, items: super::types::Items) -> Checker<'p> {
        let mut checker = Checker::new(self.program);
        checker.items = items;
        checker.scopes = self.scopes.clone();
        checker.enum_table = self.enum_table.clone();
        checker
    }

    /// Checks the bodies of one settled module, continuing its side tables.
    fn check_bodies_of(&mut self, settled: SettledModule) -> CheckedModule {
        let SettledModule {
            module,
            tables,
            typed,
            reported,
        } = settled;
        let diagnostics_before = self.diagnostics.len();
        *self.results = tables;
        let body_bytes: usize = self
            .program
            .module(module)
            .ast
            .items
            .iter()
            .map(|item| match item {
                ast::Item::Function(function) => (function.span.end - function.span.start) as usize,
                _ => 0,
            })
            .sum();
        self.results.reserve_for_bodies(body_bytes);
        self.check_module(module);
        // Closures are numbered and their cells chosen per item, inside one module: the
        // module's part is finished on its own.
        self.finish_closures();
        let tables = Arc::new(std::mem::take(&mut *self.results));
        let files = tables.files().into_iter().collect();
        let diagnostics = self.diagnostics.split_off(diagnostics_before);
        CheckedModule {
            module,
            tables,
            files,
            reported: reported || !diagnostics.is_empty(),
            diagnostics,
            typed,
        }
    }
}
