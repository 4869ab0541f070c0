//! Semantic analysis: loading every module of a program, resolving names across modules and
//! type checking, producing the checked program and its diagnostics.
//!
//! The passes, in order: `module_loading` (with an optional `parse_cache`), `items` (collect
//! names, then resolve signatures through `type_resolution`), and the type checker (`bodies`,
//! `statements`, `expressions`, `operators`, `structs`, `module_members`, `calls`,
//! `generic_builtins`, `flow`; for section 9 `enums`, `enum_values`, `patterns_check`,
//! `match_check`), which share the `checker` state and the names in `scope`, and
//! build their diagnostics through `errors`.

mod bodies;
mod body_threads;
pub mod builtins;
mod calls;
mod checker;
mod closures;
mod enum_values;
mod enums;
mod errors;
mod expressions;
mod flow;
mod generic_builtins;
mod incremental;
#[cfg(test)]
mod incremental_tests;
pub mod interface;
mod item_reuse;
mod items;
mod literals;
mod match_check;
mod methods;
mod module_loading;
mod module_members;
mod module_parsing;
mod operators;
mod parse_cache;
// Used by the checker of enums and match (issue 16), next.
#[allow(dead_code)]
pub(crate) mod patterns;
mod patterns_check;
mod program;
pub mod results;
mod scope;
mod statements;
mod structs;
mod type_resolution;
pub mod types;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::source::{SourceLoader, SourceMap};
use crate::syntax::stage_times::{self, Stage, measure};
use checker::Checker;
use interface::ModuleInterface;
pub use module_parsing::compile_threads;
pub use parse_cache::ParseCache;
pub use program::{CheckedProgram, ModuleData, Program, RootLoadError};
pub use types::{ModuleId, Type};

/// Loads the program whose main file is `root`, with every module it imports, and checks it.
pub fn check_program(root: &Path, loader: &mut dyn SourceLoader) -> Result<CheckedProgram, RootLoadError> {
    check(root, loader, None)
}

/// Like [`check_program`], but finds the files that did not change since an earlier check in
/// `parse_cache` instead of parsing them again, and keeps the new trees there (hot reload
/// checks the whole program again on every save).
pub fn check_program_with_cache(
    root: &Path,
    loader: &mut dyn SourceLoader,
    parse_cache: &mut ParseCache,
) -> Result<CheckedProgram, RootLoadError> {
    check(root, loader, Some(parse_cache))
}

fn check(
    root: &Path,
    loader: &mut dyn SourceLoader,
    parse_cache: Option<&mut ParseCache>,
) -> Result<CheckedProgram, RootLoadError> {
    let text = loader.load_shared(root).map_err(|error| RootLoadError {
        path: root.to_path_buf(),
        error,
    })?;
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    let mut parse_cache = parse_cache;
    if let Some(cache) = parse_cache.as_deref_mut() {
        cache.select_root(root);
    }
    let program = measure(Stage::Load, || {
        module_loading::load_modules(
            root,
            text,
            loader,
            parse_cache.as_deref_mut(),
            &mut sources,
            &mut diagnostics,
        )
    });
    let has_syntax_errors = diagnostics.iter().any(Diagnostic::is_error);
    let (items, interfaces, results) = if has_syntax_errors {
        // Name resolution and type checking on a tree with holes in it would mostly report
        // consequences of the syntax errors; like rustc, stop here.
        if let Some(parse_cache) = parse_cache {
            parse_cache.bodies.checked_none();
        }
        (types::Items::default(), Vec::new(), results::TypeckResults::default())
    } else {
        let mut checker = Checker::new(&program);
        let mut parse_cache = parse_cache;
        checker.check_all(parse_cache.as_deref_mut().map(|cache| (&mut cache.bodies, &sources)));
        diagnostics.extend(checker.diagnostics);
        let interfaces = measure(Stage::Interfaces, || {
            (0..program.modules.len())
                .map(|index| {
                    let module = ModuleId(index as u32);
                    let compute = || ModuleInterface::of(&checker.items, &checker.scopes[index], module);
                    match parse_cache.as_deref_mut() {
                        // Under hot reload, an unchanged module's interface is the one it had.
                        Some(cache) => cache.bodies.interface(&program, module, &sources, compute),
                        None => Arc::new(compute()),
                    }
                })
                .collect()
        });
        if let Some(cache) = parse_cache
            && diagnostics.iter().any(Diagnostic::is_error)
        {
            cache.bodies.forget_interfaces();
        }
        (checker.items, interfaces, checker.results)
    };
    diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.file, diagnostic.primary.span.start));
    stage_times::report();
    Ok(CheckedProgram {
        sources,
        program,
        items,
        interfaces,
        results,
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use super::*;
    use crate::source::InMemoryFiles as Files;

    fn module_names(checked: &CheckedProgram, order: &[ModuleId]) -> Vec<String> {
        order
            .iter()
            .map(|id| checked.program.module(*id).name.clone())
            .collect()
    }

    #[test]
    fn initialization_order_is_depth_first_post_order_skipping_cycles() {
        let mut files = Files(HashMap::from([
            ("main.ln", "import a\nimport c\nfn main() {}\n"),
            ("a.ln", "import b\n"),
            ("b.ln", "import a\n"),
            ("c.ln", "import b\n"),
        ]));
        let checked = check_program(Path::new("main.ln"), &mut files).unwrap();
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let order = checked.program.initialization_order();
        assert_eq!(module_names(&checked, &order), ["b", "a", "c", "main"]);
    }

    #[test]
    fn a_sibling_file_wins_over_the_standard_library() {
        let mut files = Files(HashMap::from([
            ("main.ln", "import math\nfn main() { print(math.mine()) }\n"),
            ("math.ln", "pub fn mine() -> int { return 1 }\n"),
        ]));
        let checked = check_program(Path::new("main.ln"), &mut files).unwrap();
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        assert!(!checked.program.modules[1].is_stdlib);
    }

    #[test]
    fn interfaces_change_only_when_exports_change() {
        let check = |library: &'static str| {
            let mut files = Files(HashMap::from([
                ("main.ln", "import lib\nfn main() {}\n"),
                ("lib.ln", library),
            ]));
            check_program(Path::new("main.ln"), &mut files).unwrap().interfaces[1].hash_value()
        };
        let original = check("pub fn f(x: int) -> int { return x }\nfn private() {}\n");
        let body_changed = check("pub fn f(x: int) -> int { return x + 1 }\nfn private() {}\n");
        let private_changed = check("pub fn f(x: int) -> int { return x }\nfn private(y: int) {}\n");
        let signature_changed = check("pub fn f(x: float) -> int { return 1 }\nfn private() {}\n");
        assert_eq!(original, body_changed);
        assert_eq!(original, private_changed);
        assert_ne!(original, signature_changed);
    }

    #[test]
    fn enum_changes_change_the_interface_and_private_enums_do_not() {
        let check = |lib: &'static str| {
            let mut files = Files(HashMap::from([
                ("main.ln", "import lib\nfn main() {}\n"),
                ("lib.ln", lib),
            ]));
            check_program(Path::new("main.ln"), &mut files).unwrap().interfaces[1].hash_value()
        };
        let original = check("pub enum E { A, B(x: int) }\nenum P { C }\n");
        assert_eq!(original, check("pub enum E { A, B(x: int) }\nenum P { C, D }\n"));
        assert_ne!(
            original,
            check("pub enum E { A, B(x: int, y: int = 0) }\nenum P { C }\n")
        );
        assert_ne!(original, check("pub enum E { A, C, B(x: int) }\nenum P { C }\n"));
    }

    #[test]
    fn section_9_side_tables_name_variants_pattern_types_and_bindings() {
        let source = "enum Shape { Circle(radius: float), Empty }\n\
                      fn main() {\n\
                      let s: ?Shape = .Circle(1.0)\n\
                      match s { .Circle(r) => print(r), _ => {} }\n\
                      }\n";
        let mut files = Files(HashMap::from([("main.ln", source)]));
        let checked = check_program(Path::new("main.ln"), &mut files).unwrap();
        let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.is_empty(), "{:?}", checked.diagnostics);
        let at = |text: &str| {
            let start = source.find(text).unwrap() as u32;
            crate::source::Span {
                start,
                end: start + text.len() as u32,
            }
        };
        let file = checked.program.modules[0].file;
        let shape = types::Type::Enum(types::EnumId(0));
        let circle = results::VariantRef {
            enum_id: types::EnumId(0),
            variant: 0,
        };
        assert_eq!(checked.results.variant(file, at(".Circle(1.0)")), Some(circle));
        assert_eq!(checked.results.variant(file, at(".Circle(r)")), Some(circle));
        let optional_shape = types::Type::optional(shape);
        assert_eq!(
            checked.results.pattern_type(file, at(".Circle(r)")),
            Some(&optional_shape)
        );
        let binding =
            crate::source::Span::new(at(".Circle(r)").start as usize + 8, at(".Circle(r)").start as usize + 9);
        assert_eq!(checked.results.pattern_type(file, binding), Some(&types::Type::Float));
        assert_eq!(checked.results.local(file, binding), Some(&types::Type::Float));
    }

    #[test]
    fn a_parse_cache_gives_the_results_of_parsing_again() {
        let mut parse_cache = ParseCache::default();
        for main in [
            "import lib\nfn main() { lib.f() }\n",
            "import lib\nfn main() { lib.g() }\n",
        ] {
            let files = || Files(HashMap::from([("main.ln", main), ("lib.ln", "pub fn f() {}\n")]));
            let cached = check_program_with_cache(Path::new("main.ln"), &mut files(), &mut parse_cache).unwrap();
            let fresh = check_program(Path::new("main.ln"), &mut files()).unwrap();
            assert_eq!(cached.diagnostics, fresh.diagnostics);
            for (cached, fresh) in cached.program.modules.iter().zip(&fresh.program.modules) {
                assert_eq!(cached.ast, fresh.ast);
            }
        }
    }
}
