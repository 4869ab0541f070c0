//! Which functions can run while module initializers are still running.
//!
//! Only such functions can read a module variable before its initializer ran (LANGUAGE.md
//! section 6), so only they need the "initialized?" check on each read; everywhere else a
//! read is a plain load, and a module constant with a literal initializer is the literal.
//! The analysis is conservative: a function is reachable if an initializer or a struct field
//! default calls it directly, transitively, or — once any reachable code calls a function
//! value — if its address is taken anywhere.

use crate::sema::CheckedProgram;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::FunctionId;
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, ExprKind};
use crate::syntax::visit::{Visitor, walk_expr};

/// What one body refers to.
#[derive(Default)]
pub(crate) struct References {
    /// Functions it calls directly (method syntax included).
    pub(crate) calls: Vec<FunctionId>,
    /// Functions it takes as values (`f`, `m.f`), which can then be called from anywhere.
    pub(crate) address_taken: Vec<FunctionId>,
    /// It calls a function value, or a built-in that calls one (`xs.map(f)`).
    pub(crate) calls_values: bool,
    /// A struct literal: its omitted fields' defaults are script code.
    builds_structs: bool,
}

struct Walker<'a> {
    checked: &'a CheckedProgram,
    file: FileId,
    found: References,
}

impl<'ast> Visitor<'ast> for Walker<'_> {
    fn visit_name(&mut self, name: &'ast ast::Name) {
        if let Some(NameRef::Function(id)) = self.checked.results.name(self.file, name.span) {
            self.found.address_taken.push(id);
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        match &expr.kind {
            ExprKind::StructLiteral(_) => {
                self.found.builds_structs = true;
                walk_expr(self, expr);
            }
            ExprKind::Call { callee, args } => {
                match self.checked.results.call(self.file, expr.span).map(|call| call.target) {
                    Some(CallTarget::Function(id)) => {
                        self.found.calls.push(id);
                        // The callee's own expression names the function; only a receiver
                        // (method syntax) needs walking.
                        if let ExprKind::Field { object, .. } = &callee.kind {
                            self.visit_expr(object);
                        }
                    }
                    Some(CallTarget::Builtin(builtin)) => {
                        // `xs.map(f)`, `sort_by`: the built-in calls its function argument.
                        self.found.calls_values |= builtin.calls_function_values();
                        if let ExprKind::Field { object, .. } = &callee.kind {
                            self.visit_expr(object);
                        }
                    }
                    Some(CallTarget::Value) | None => {
                        self.found.calls_values = true;
                        self.visit_expr(callee);
                    }
                }
                args.iter().for_each(|arg| self.visit_expr(arg));
            }
            // `m.f` names a function of module `m` by its field.
            ExprKind::Field { object, field } => {
                self.visit_name(field);
                self.visit_expr(object);
            }
            // A closure's body is counted as its enclosing function's (the default walk goes
            // into it): it can only run once that function made it.
            _ => walk_expr(self, expr),
        }
    }
}

/// Whether running `statement` (of a body in `file`) may run other script code: it calls a
/// script function or a function value, or builds a struct (whose defaults are script code).
/// Only then can the statement reach a hot-reload safe point outside its own loops.
pub fn statement_may_run_script_code(checked: &CheckedProgram, file: FileId, statement: &ast::Statement) -> bool {
    let mut walker = Walker {
        checked,
        file,
        found: References::default(),
    };
    walker.visit_statement(statement);
    !walker.found.calls.is_empty() || walker.found.calls_values || walker.found.builds_structs
}

/// What the bodies of one module's functions refer to, by function (those walked so far: a
/// function no root reached is walked when an edit makes it reachable), kept between the checks
/// of a hot-reload session (`REFERENCES`): a module whose check was reused has the same tree
/// and the same side-table part of its bodies (and the item ids did not move, or its check would not have
/// been reused), so its functions refer to the same things, and walking every body of the
/// program again on each save would make a reload cost grow with the program.
type ModuleReferences = std::collections::HashMap<FunctionId, std::sync::Arc<References>>;

/// The memo's key holds the tree and the part themselves, so that neither address is reused
/// by another while the entry lives.
type MemoKey = (
    std::sync::Arc<ast::Module>,
    std::sync::Arc<crate::sema::results::ResultTables>,
);

std::thread_local! {
    static REFERENCES: std::cell::RefCell<Vec<(MemoKey, ModuleReferences)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// The entries of `REFERENCES` that the last call did not keep. An entry may hold the last
    /// reference to an edited module's old tree and side tables, and freeing those is a tenth of
    /// a body edit's compile at 100,000 lines: they are dropped by
    /// `drop_retired_references`, after the new version is handed over.
    static RETIRED: std::cell::RefCell<Vec<(MemoKey, ModuleReferences)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Frees what the last analyses on this thread no longer need (see `RETIRED`).
pub fn drop_retired_references() {
    let retired = RETIRED.with(|retired| std::mem::take(&mut *retired.borrow_mut()));
    drop(retired);
}

/// What each function's body refers to (indexed by `FunctionId`), closures' bodies counted
/// as their enclosing function's, for the functions reachable from `roots` through the
/// bodies' calls and function values; the others are empty (their bodies are never walked:
/// a function reachable from no root can never run, so nothing it refers to matters, and a
/// program of 100,000 lines whose first second runs a small part of it walked every body at
/// each start). Memoized per module between the checks of a hot-reload session (see
/// `REFERENCES`).
pub(crate) fn function_references(checked: &CheckedProgram, roots: &[FunctionId]) -> Vec<std::sync::Arc<References>> {
    let functions = &checked.items.functions;
    let mut per_function: Vec<Option<std::sync::Arc<References>>> = vec![None; functions.len()];
    // What a caller that never calls `drop_retired_references` left goes now, as it did before
    // there was a retired list: at most one analysis' worth is ever kept.
    drop_retired_references();
    let mut previous = REFERENCES.with(|memo| std::mem::take(&mut *memo.borrow_mut()));
    let mut keys: Vec<Option<MemoKey>> = Vec::with_capacity(checked.program.modules.len());
    let mut found_by_module: Vec<ModuleReferences> = Vec::with_capacity(checked.program.modules.len());
    for module in &checked.program.modules {
        let key: Option<MemoKey> = checked
            .results
            .module_part(module.file)
            .map(|part| (module.ast.clone(), part.clone()));
        let remembered = key.as_ref().and_then(|key| {
            let position = previous.iter().position(|(known, _)| {
                std::sync::Arc::ptr_eq(&known.0, &key.0) && std::sync::Arc::ptr_eq(&known.1, &key.1)
            })?;
            Some(previous.swap_remove(position).1)
        });
        keys.push(key);
        found_by_module.push(remembered.unwrap_or_default());
    }
    // Breadth by rounds: what the memo knows is followed at once, the bodies it does not
    // know are walked together (on several threads when there are many: the first start of
    // a hot-reload session), and what they refer to is the next round's work.
    let mut reached = vec![false; functions.len()];
    let mut work: Vec<FunctionId> = roots.to_vec();
    loop {
        let mut to_walk: Vec<FunctionId> = Vec::new();
        while let Some(id) = work.pop() {
            let Some(info) = functions.get(id.0 as usize) else {
                continue;
            };
            if std::mem::replace(&mut reached[id.0 as usize], true) {
                continue;
            }
            match found_by_module[info.module.0 as usize].get(&id) {
                Some(found) => {
                    work.extend(found.calls.iter().copied());
                    work.extend(found.address_taken.iter().copied());
                    per_function[id.0 as usize] = Some(found.clone());
                }
                None => to_walk.push(id),
            }
        }
        if to_walk.is_empty() {
            break;
        }
        for (id, found) in walk_functions(checked, &to_walk) {
            work.extend(found.calls.iter().copied());
            work.extend(found.address_taken.iter().copied());
            let module = functions[id.0 as usize].module.0 as usize;
            found_by_module[module].insert(id, found.clone());
            per_function[id.0 as usize] = Some(found);
        }
    }
    let mut kept = Vec::new();
    for (key, references) in keys.into_iter().zip(found_by_module) {
        if let Some(key) = key {
            kept.push((key, references));
        }
    }
    REFERENCES.with(|memo| *memo.borrow_mut() = kept);
    RETIRED.with(|retired| retired.borrow_mut().append(&mut previous));
    let empty = std::sync::Arc::new(References::default());
    per_function
        .into_iter()
        .map(|found| found.unwrap_or_else(|| empty.clone()))
        .collect()
}

/// Modules whose bodies a thread should at least have to walk for a second thread to be worth
/// starting (a reload walks the one or two edited modules on the calling thread).
const MODULES_PER_WALKING_THREAD: usize = 8;

/// What the bodies of `ids` refer to, in no particular order.
fn walk_functions(checked: &CheckedProgram, ids: &[FunctionId]) -> Vec<(FunctionId, std::sync::Arc<References>)> {
    let mut by_module: std::collections::BTreeMap<u32, Vec<FunctionId>> = std::collections::BTreeMap::new();
    for id in ids {
        by_module
            .entry(checked.items.functions[id.0 as usize].module.0)
            .or_default()
            .push(*id);
    }
    let by_module: Vec<(u32, Vec<FunctionId>)> = by_module.into_iter().collect();
    let walk = |position: usize| -> Vec<(FunctionId, std::sync::Arc<References>)> {
        let (module, ids) = &by_module[position];
        let file = checked.program.modules[*module as usize].file;
        // The declarations of this module's functions only: a reload at 100,000 lines
        // remembers all but one module, and a map of every declaration of the program
        // cost ~2 ms per call.
        let indices: Vec<usize> = ids.iter().map(|id| id.0 as usize).collect();
        let declarations = checked.function_declarations_of(&indices);
        ids.iter()
            .map(|id| {
                let mut walker = Walker {
                    checked,
                    file,
                    found: References::default(),
                };
                if let Some(declaration) = declarations.get(&(id.0 as usize)) {
                    walker.visit_block(&declaration.body);
                }
                (*id, std::sync::Arc::new(walker.found))
            })
            .collect()
    };
    let threads = crate::sema::compile_threads().min(by_module.len() / MODULES_PER_WALKING_THREAD);
    crate::threads::map_in_order(by_module.len(), threads, "walker", walk)
        .into_iter()
        .flatten()
        .collect()
}

/// What module-level code refers to: every module variable's initializer, and every field
/// default of a struct or of an enum's payload variant.
pub(crate) fn initializer_references(checked: &CheckedProgram) -> References {
    let mut roots = References::default();
    for module in &checked.program.modules {
        let mut walker = Walker {
            checked,
            file: module.file,
            found: References::default(),
        };
        for item in &module.ast.items {
            match item {
                ast::Item::Variable(declaration) => walker.visit_expr(&declaration.init),
                ast::Item::Struct(declaration) => {
                    for field in &declaration.fields {
                        if let Some(default) = &field.default {
                            walker.visit_expr(default);
                        }
                    }
                }
                ast::Item::Enum(declaration) => {
                    let payload_fields = declaration
                        .variants
                        .iter()
                        .flat_map(|variant| variant.payload.iter().flatten());
                    for field in payload_fields {
                        if let Some(default) = &field.default {
                            walker.visit_expr(default);
                        }
                    }
                }
                _ => {}
            }
        }
        roots.calls.append(&mut walker.found.calls);
        roots.address_taken.append(&mut walker.found.address_taken);
        roots.calls_values |= walker.found.calls_values;
    }
    roots
}

/// For each function (indexed by `FunctionId`): whether it may run during initialization,
/// given what each body refers to (`function_references`) and what module-level code refers
/// to (`initializer_references`), the roots.
pub(crate) fn reachable_from_initializers(
    per_function: &[std::sync::Arc<References>],
    roots: &References,
) -> Vec<bool> {
    let mut reachable = vec![false; per_function.len()];
    let mut work: Vec<FunctionId> = roots.calls.clone();
    let mut calls_values = roots.calls_values;
    let all_address_taken: Vec<FunctionId> = roots
        .address_taken
        .iter()
        .chain(per_function.iter().flat_map(|found| found.address_taken.iter()))
        .copied()
        .collect();
    // Addresses taken in bodies `function_references` did not walk are not here: such a body
    // can never run, so the function value it would make never exists.
    let mut values_released = false;
    loop {
        while let Some(id) = work.pop() {
            if std::mem::replace(&mut reachable[id.0 as usize], true) {
                continue;
            }
            let found = &per_function[id.0 as usize];
            work.extend(found.calls.iter().copied());
            calls_values |= found.calls_values;
        }
        if calls_values && !values_released {
            values_released = true;
            work.extend(all_address_taken.iter().copied());
            continue;
        }
        break;
    }
    reachable
}
