//! Which functions can run, and so are compiled: start-up follows what a program can do,
//! not how much code it holds (issue 20: a game calls a small part of its code at first).
//!
//! A function can run if it is reachable from a root — `main`, a module variable's
//! initializer, a struct or enum payload field default, or a module's `on_reload` (which a
//! hot-reload session calls) — through the bodies of functions that can run: their direct
//! calls (method syntax included), the functions whose address they take (a function value
//! can only come from code that ran and named the function), and the bodies of the function
//! expressions written in them (a closure can only be made by its enclosing code). Built-ins
//! are not script functions and never call one except through a function value, which was
//! taken in code that can run. So a function outside the set can never be called, and not
//! compiling it is invisible to the program.

use std::sync::Arc;

use crate::codegen::reachability::{
    References, function_references, initializer_references, reachable_from_initializers,
};
use crate::sema::CheckedProgram;
use crate::sema::types::{FunctionId, ModuleId};

/// Functions a running program may call without any code naming them: the program's
/// `main`, and each module's `on_reload` under hot reload (LANGUAGE.md section 7 item 5).
fn is_called_by_the_runtime(checked: &CheckedProgram, id: FunctionId) -> bool {
    let info = &checked.items.functions[id.0 as usize];
    (info.module == ModuleId(0) && info.name == "main") || (info.name == "on_reload" && info.params.is_empty())
}

/// The functions that can run without any script code calling them: those the runtime calls,
/// and those module-level code calls or takes as values.
fn roots(checked: &CheckedProgram, module_level: &References) -> Vec<FunctionId> {
    (0..checked.items.functions.len() as u32)
        .map(FunctionId)
        .filter(|id| is_called_by_the_runtime(checked, *id))
        .chain(module_level.calls.iter().copied())
        .chain(module_level.address_taken.iter().copied())
        .collect()
}

/// For each function (indexed by `FunctionId`): whether it can run (see the file's comment),
/// given what each body refers to and what module-level code refers to.
pub(crate) fn functions_that_can_run_from(
    checked: &CheckedProgram,
    per_function: &[Arc<References>],
    module_level: &References,
) -> Vec<bool> {
    let mut can_run = vec![false; per_function.len()];
    let mut work = roots(checked, module_level);
    while let Some(id) = work.pop() {
        if std::mem::replace(&mut can_run[id.0 as usize], true) {
            continue;
        }
        let found = &per_function[id.0 as usize];
        work.extend(found.calls.iter().copied());
        work.extend(found.address_taken.iter().copied());
    }
    can_run
}

/// For each function of `checked` (indexed by `FunctionId`): whether it can run. `lang run`
/// and release builds compile only these; a hot-reload session compiles these and keeps them
/// compiled (see `runtime/hot/src/jit/plan.rs`).
pub fn functions_that_can_run(checked: &CheckedProgram) -> Vec<bool> {
    ProgramAnalysis::of(checked).functions_that_can_run(checked)
}

/// What code generation derives from the whole program's bodies: what each function refers
/// to, what module-level code refers to, and which functions may run during initialization.
/// A hot-reload version makes it once and shares it among the compiles of its modules
/// (`jit::HotModule::compile_with`): each module's compile making it again made the first
/// start of a program of N modules walk the program N times (issue 20).
pub struct ProgramAnalysis {
    /// What each function's body refers to (by `FunctionId`; empty for a function that
    /// cannot run), see `function_references`.
    pub(crate) references: Vec<Arc<References>>,
    /// What module variable initializers and field defaults refer to.
    pub(crate) module_level: References,
    /// Per function: whether it may run while module initializers run.
    pub(crate) runs_during_initialization: Vec<bool>,
}

impl ProgramAnalysis {
    /// The analysis of `checked`.
    pub fn of(checked: &CheckedProgram) -> ProgramAnalysis {
        let module_level = initializer_references(checked);
        // Only the bodies of functions that can run are walked (the others' references stay
        // empty), so `functions_that_can_run` finds the same set from them.
        let references = function_references(checked, &roots(checked, &module_level));
        let runs_during_initialization = reachable_from_initializers(&references, &module_level);
        ProgramAnalysis {
            references,
            module_level,
            runs_during_initialization,
        }
    }

    /// For each function (by `FunctionId`): whether it can run (see the file's comment).
    pub fn functions_that_can_run(&self, checked: &CheckedProgram) -> Vec<bool> {
        functions_that_can_run_from(checked, &self.references, &self.module_level)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{ProgramAnalysis, functions_that_can_run};
    use crate::sema::check_program;
    use crate::source::InMemoryFiles as Files;

    /// The functions (`module.function`) that can run in a program of these files, sorted.
    fn can_run(files: &[(&'static str, &'static str)]) -> Vec<String> {
        let mut loader = Files(files.iter().copied().collect());
        let checked = check_program(Path::new("main.ln"), &mut loader).expect("the program loads");
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let flags = functions_that_can_run(&checked);
        let mut names: Vec<String> = checked
            .items
            .functions
            .iter()
            .zip(flags)
            .filter(|(_, can_run)| *can_run)
            .map(|(info, _)| format!("{}.{}", checked.program.module(info.module).name, info.name))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn only_what_main_calls_transitively() {
        let main = "import shapes\n\
                    fn unused() { print(1) }\n\
                    fn helper() -> int { return shapes.area(2) }\n\
                    fn main() { print(helper()) }\n";
        let shapes = "pub fn area(x: int) -> int { return square(x) }\n\
                      fn square(x: int) -> int { return x * x }\n\
                      pub fn perimeter(x: int) -> int { return 4 * x }\n";
        assert_eq!(
            can_run(&[("main.ln", main), ("shapes.ln", shapes)]),
            ["main.helper", "main.main", "shapes.area", "shapes.square"]
        );
    }

    #[test]
    fn method_syntax_is_a_call() {
        let main = "struct Rect { w: int, h: int }\n\
                    fn area(r: Rect) -> int { return r.w * r.h }\n\
                    fn unused(r: Rect) -> int { return r.w }\n\
                    fn main() { let r = Rect { w: 2, h: 3 }\n print(r.area()) }\n";
        assert_eq!(can_run(&[("main.ln", main)]), ["main.area", "main.main"]);
    }

    #[test]
    fn a_function_value_taken_in_code_that_can_run() {
        let main = "fn twice(x: int) -> int { return 2 * x }\n\
                    fn thrice(x: int) -> int { return 3 * x }\n\
                    fn never() { let f = thrice\n print(f(1)) }\n\
                    fn main() { let f = twice\n print([1, 2].map(f)[0]) }\n";
        assert_eq!(can_run(&[("main.ln", main)]), ["main.main", "main.twice"]);
    }

    #[test]
    fn closure_bodies_count_as_their_enclosing_function() {
        let main = "fn inc(x: int) -> int { return x + 1 }\n\
                    fn make() -> fn() -> int { return fn() => inc(1) }\n\
                    fn unused() -> fn() -> int { return fn() => inc(2) }\n\
                    fn main() { let f = make()\n print(f()) }\n";
        assert_eq!(can_run(&[("main.ln", main)]), ["main.inc", "main.main", "main.make"]);
    }

    #[test]
    fn module_level_code_and_on_reload_are_roots() {
        let main = "import a\n\
                    fn main() { print(a.total) }\n";
        let a = "pub let total = start()\n\
                 let picked = choose\n\
                 struct S { x: int = defaulted() }\n\
                 enum E { One(y: int = payload()), Two }\n\
                 fn start() -> int { return 1 }\n\
                 fn choose() -> int { return 2 }\n\
                 fn defaulted() -> int { return 3 }\n\
                 fn payload() -> int { return 4 }\n\
                 fn on_reload() { print(0) }\n\
                 fn unused() -> int { return 5 }\n";
        assert_eq!(
            can_run(&[("main.ln", main), ("a.ln", a)]),
            [
                "a.choose",
                "a.defaulted",
                "a.on_reload",
                "a.payload",
                "a.start",
                "main.main"
            ]
        );
    }

    /// Only the bodies of functions that can run are walked: `never`'s body names `thrice`,
    /// but nothing reaches `never`, so its references stay empty, and taking `thrice`'s
    /// address there does not make `thrice` a function that may run during initialization.
    #[test]
    fn bodies_of_functions_that_cannot_run_are_not_walked() {
        let main = "let start = first()\n\
                    fn first() -> int { return [1].map(fn(x) => x)[0] }\n\
                    fn thrice(x: int) -> int { return 3 * x }\n\
                    fn never() { let f = thrice\n print(f(1)) }\n\
                    fn main() { print(start) }\n";
        let mut loader = Files([("main.ln", main)].into_iter().collect());
        let checked = check_program(Path::new("main.ln"), &mut loader).expect("the program loads");
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let id = |name: &str| {
            let position = checked.items.functions.iter().position(|info| info.name == name);
            position.expect("the function exists")
        };
        let analysis = ProgramAnalysis::of(&checked);
        let never = &analysis.references[id("never")];
        assert!(
            never.address_taken.is_empty() && !never.calls_values,
            "never's body was walked"
        );
        assert!(analysis.references[id("first")].calls_values);
        assert!(analysis.runs_during_initialization[id("first")]);
        assert!(!analysis.runs_during_initialization[id("thrice")]);
    }
}
