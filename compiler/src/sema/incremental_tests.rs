//! Tests of incremental checking (`incremental.rs`): which modules a check after an edit
//! checks again, and that its results are always those of a full check.

use std::path::Path;

use crate::sema::{CheckedProgram, ParseCache, check_program, check_program_with_cache};
use crate::source::InMemoryFiles as Files;

fn variable_types(checked: &CheckedProgram) -> Vec<String> {
    checked
        .items
        .variables
        .iter()
        .map(|variable| format!("{} {:?} {:?}", variable.name, variable.ty, variable.state))
        .collect()
}

/// Checks the program with the cache and from scratch, asserts both give the same
/// results, and returns the modules the cached check checked again.
fn check_both(cache: &mut ParseCache, files: &[(&'static str, &str)]) -> Vec<String> {
    let files = || Files(files.iter().map(|(name, text)| (*name, text.to_string())).collect());
    let incremental = check_program_with_cache(Path::new("main.ln"), &mut files(), cache).unwrap();
    let full = check_program(Path::new("main.ln"), &mut files()).unwrap();
    assert_eq!(incremental.diagnostics, full.diagnostics);
    assert!(
        incremental.results.merged() == full.results.merged(),
        "side tables differ"
    );
    assert_eq!(variable_types(&incremental), variable_types(&full));
    let interfaces = |checked: &CheckedProgram| -> Vec<u64> {
        checked
            .interfaces
            .iter()
            .map(|interface| interface.hash_value())
            .collect()
    };
    assert_eq!(interfaces(&incremental), interfaces(&full));
    assert_eq!(format!("{:?}", incremental.items), format!("{:?}", full.items));
    cache.last_checked().to_vec()
}

const MAIN: &str =
    "import lib\nimport util\nfn main() {\n    print(lib.f(1))\n    print(util.g())\n    print(lib.LIMIT)\n}\n";
const LIB: &str = "pub let LIMIT = 10\npub fn f(x: int) -> int { return x + LIMIT }\n";
const UTIL: &str = "pub fn g() -> int { return 2 }\n";

#[test]
fn a_body_edit_checks_only_its_module_and_an_interface_edit_its_importers() {
    let mut cache = ParseCache::default();
    let all = ["main.ln", "lib.ln", "util.ln"];
    assert_eq!(
        check_both(&mut cache, &[("main.ln", MAIN), ("lib.ln", LIB), ("util.ln", UTIL)]),
        all
    );
    // Nothing changed: nothing is checked again.
    assert!(check_both(&mut cache, &[("main.ln", MAIN), ("lib.ln", LIB), ("util.ln", UTIL)]).is_empty());
    // A body edit.
    let lib_body = LIB.replace("x + LIMIT", "x * 2 + LIMIT");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_body), ("util.ln", UTIL)]
        ),
        ["lib.ln"]
    );
    // A comment above a function shifts every span after it: still only that module.
    let lib_comment = lib_body.replace("pub fn f", "// a comment\npub fn f");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_comment), ("util.ln", UTIL)]
        ),
        ["lib.ln"]
    );
    // Above the variable `main` uses (`LIMIT`, untyped): each module's variables are typed
    // with its own check, before any body (`body_threads`), so `main`'s check recorded no
    // node of `lib` and only `lib` is checked again.
    let lib_moved = format!("// a comment\n{lib_comment}");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_moved), ("util.ln", UTIL)]
        ),
        ["lib.ln"]
    );
    let lib_comment = lib_moved;
    // A signature edit: the importer is checked again, the unrelated module is not.
    let lib_signature = lib_comment.replace("-> int { return x * 2 + LIMIT }", "-> float { return 1.5 }");
    assert_ne!(lib_signature, lib_comment);
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_signature), ("util.ln", UTIL)]
        ),
        ["main.ln", "lib.ln"]
    );
    // A function added to the last module: no other item moves, so only the modules that see
    // it are checked (its own and its importer), not `lib`.
    let util_more = format!("{UTIL}fn helper() {{}}\n");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_signature), ("util.ln", &util_more)]
        ),
        ["main.ln", "util.ln"]
    );
    // A function added to `lib` moves the ids of `util`'s items, which come after: `util` is
    // checked too, though it does not import `lib`.
    let lib_more = format!("fn first() {{}}\n{lib_signature}");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", MAIN), ("lib.ln", &lib_more), ("util.ln", &util_more)]
        ),
        all
    );
}

#[test]
fn results_stay_those_of_a_full_check_over_a_sequence_of_edits() {
    let mut cache = ParseCache::default();
    let steps: Vec<[(&'static str, String); 3]> = vec![
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
        // The inferred type of an imported variable changes.
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.replace("LIMIT = 10", "LIMIT = 10.5")),
            ("util.ln", UTIL.into()),
        ],
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
        // A type error in a body, then fixed.
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.replace("return 2", "return \"2\"")),
        ],
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
        // A function added to one module moves the ids of the others.
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", format!("fn first() {{}}\n{LIB}")),
            ("util.ln", UTIL.into()),
        ],
        // The importer's variable is typed by the imported module's use of it.
        [
            ("main.ln", format!("{MAIN}pub let SHARED = [1, 2]\n")),
            (
                "lib.ln",
                format!("import main\n{LIB}fn k() -> int {{ return main.SHARED[0] }}\n"),
            ),
            ("util.ln", UTIL.into()),
        ],
        [
            ("main.ln", format!("{MAIN}pub let SHARED = [1, 2]\n")),
            (
                "lib.ln",
                format!("import main\n{LIB}fn k() -> int {{ return main.SHARED[1] }}\n"),
            ),
            ("util.ln", UTIL.into()),
        ],
        [
            ("main.ln", MAIN.into()),
            ("lib.ln", LIB.into()),
            ("util.ln", UTIL.into()),
        ],
    ];
    for step in &steps {
        let files: Vec<(&'static str, &str)> = step.iter().map(|(name, text)| (*name, text.as_str())).collect();
        check_both(&mut cache, &files);
    }
}

const SHAPES_MAIN: &str = "import shapes
import counter
fn main() {
    let all = [shapes.Shape.Circle(1.0), .Square(2.0), .Dot]
    let areas = all.map(fn(s) => shapes.area(s))
    print(areas.filter(fn(a) => a > 1.0).len())
    let next = counter.make()
    print(next())
    print(next())
    var seen = {\"a\": 1}
    seen[\"b\"] = 2
    print(seen.keys().len())
}
";
const SHAPES: &str = "pub enum Shape {
    Circle(radius: float),
    Square(side: float),
    Dot,
}
pub fn area(s: Shape) -> float {
    return match s {
        .Circle(r) => 3.14 * r * r,
        .Square(side) => side * side,
        .Dot => 0.0,
    }
}
";
const COUNTER: &str = "pub fn make() -> fn() -> int {
    var count = 0
    let step = 1
    return fn() -> int {
        count += step
        return count
    }
}
pub let handlers = [fn(x: int) => x + 1, fn(x: int) => x * 2]
";

#[test]
fn results_with_closures_enums_and_methods_stay_those_of_a_full_check() {
    let mut cache = ParseCache::default();
    let steps: Vec<[(&'static str, String); 3]> = vec![
        [
            ("main.ln", SHAPES_MAIN.into()),
            ("shapes.ln", SHAPES.into()),
            ("counter.ln", COUNTER.into()),
        ],
        // A body edit inside a closure: only its module.
        [
            ("main.ln", SHAPES_MAIN.into()),
            ("shapes.ln", SHAPES.into()),
            ("counter.ln", COUNTER.replace("count += step", "count += step * 2")),
        ],
        // A new closure before the others renumbers them; a captured local no longer assigned
        // leaves its cell.
        [
            ("main.ln", SHAPES_MAIN.into()),
            ("shapes.ln", SHAPES.into()),
            (
                "counter.ln",
                COUNTER
                    .replace("    var count = 0\n", "    var count = 0\n    let unused = fn() => 0\n")
                    .replace("count += step\n", "print(count)\n"),
            ),
        ],
        // A variant added: the importer that builds and matches them is checked again.
        [
            ("main.ln", SHAPES_MAIN.into()),
            (
                "shapes.ln",
                SHAPES
                    .replace("    Dot,\n", "    Dot,\n    Line(length: float),\n")
                    .replace(".Dot => 0.0,", ".Dot => 0.0,\n        .Line(l) => l,"),
            ),
            ("counter.ln", COUNTER.into()),
        ],
        // A non-exhaustive match is reported, then fixed.
        [
            ("main.ln", SHAPES_MAIN.into()),
            ("shapes.ln", SHAPES.replace("        .Dot => 0.0,\n", "")),
            ("counter.ln", COUNTER.into()),
        ],
        [
            ("main.ln", SHAPES_MAIN.into()),
            ("shapes.ln", SHAPES.into()),
            ("counter.ln", COUNTER.into()),
        ],
        // A body edit of main moves nothing elsewhere.
        [
            ("main.ln", SHAPES_MAIN.replace("a > 1.0", "a >= 1.0")),
            ("shapes.ln", SHAPES.into()),
            ("counter.ln", COUNTER.into()),
        ],
    ];
    let mut rechecked = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        if index != 4 {
            let mut files = Files(step.iter().map(|(name, text)| (*name, text.clone())).collect());
            let full = check_program(Path::new("main.ln"), &mut files).unwrap();
            assert!(full.diagnostics.is_empty(), "step {index}: {:?}", full.diagnostics);
        }
        let files: Vec<(&'static str, &str)> = step.iter().map(|(name, text)| (*name, text.as_str())).collect();
        rechecked.push(check_both(&mut cache, &files));
    }
    assert_eq!(rechecked[1], ["counter.ln"]);
    assert_eq!(rechecked[6], ["main.ln"]);
}

#[test]
fn checks_of_programs_with_other_roots_keep_each_its_own_cache() {
    // An editor checks each open file as the root of its own program, with one cache.
    let mut cache = ParseCache::default();
    let files = || {
        Files(
            [("main.ln", MAIN), ("lib.ln", LIB), ("util.ln", UTIL)]
                .iter()
                .map(|(name, text)| (*name, text.to_string()))
                .collect(),
        )
    };
    for _ in 0..2 {
        check_program_with_cache(Path::new("main.ln"), &mut files(), &mut cache).unwrap();
        check_program_with_cache(Path::new("lib.ln"), &mut files(), &mut cache).unwrap();
    }
    assert!(cache.last_checked().is_empty(), "{:?}", cache.last_checked());
    check_program_with_cache(Path::new("main.ln"), &mut files(), &mut cache).unwrap();
    assert!(cache.last_checked().is_empty(), "{:?}", cache.last_checked());
}

const GEOMETRY: &str = "pub struct Point {\n    x: int = 0,\n    y: int = 0,\n}\n\
pub enum Shape { Dot(at: Point), Empty }\n\
pub let ORIGIN = Point {}\n\
pub fn area(s: Shape) -> int {\n    return 0\n}\n";
const GEOMETRY_MAIN: &str = "import shapes\nfn main() {\n    print(shapes.area(.Dot(shapes.ORIGIN)))\n}\n";

#[test]
fn a_save_that_keeps_every_declaration_collects_only_the_edited_module() {
    let mut cache = ParseCache::default();
    let check = |cache: &mut ParseCache, shapes: &str| {
        check_both(cache, &[("main.ln", GEOMETRY_MAIN), ("shapes.ln", shapes)]);
        cache.last_items_collected()
    };
    assert_eq!(check(&mut cache, GEOMETRY), None, "the first check collects everything");
    assert_eq!(check(&mut cache, GEOMETRY), Some(0), "nothing edited");
    let edits = [
        GEOMETRY.replace("return 0", "return 1"),
        GEOMETRY.replace("pub struct", "// moved down\npub struct"),
        GEOMETRY.replace("y: int = 0", "y: float = 0.0"),
        GEOMETRY.replace("Dot(at: Point)", "Dot(at: Point, size: int = 1)"),
        GEOMETRY.replace("pub let ORIGIN =", "pub let ORIGIN: Point ="),
        GEOMETRY.replace("pub let ORIGIN", "pub var ORIGIN"),
        GEOMETRY.replace("-> int {\n    return 0", "-> float {\n    return 0.5"),
    ];
    for edit in &edits {
        assert_ne!(edit, GEOMETRY);
        assert_eq!(check(&mut cache, edit), Some(1), "{edit}");
        assert_eq!(check(&mut cache, GEOMETRY), Some(1), "back from {edit}");
    }
    // A declaration added, removed, renamed or made private moves ids or changes what other
    // modules can name: everything is collected again.
    let reshaped = [
        format!("{GEOMETRY}fn helper() {{}}\n"),
        GEOMETRY.replace("pub fn area", "pub fn size"),
        GEOMETRY.replace("pub enum", "enum"),
    ];
    for edit in &reshaped {
        assert_eq!(check(&mut cache, edit), None, "{edit}");
        assert_eq!(check(&mut cache, GEOMETRY), None, "back from {edit}");
    }
    // A signature naming an unknown type is reported (as a full check does), and its tables
    // are not kept.
    let unknown = GEOMETRY.replace("s: Shape", "s: Shap");
    assert_eq!(check(&mut cache, &unknown), Some(1));
    assert_eq!(check(&mut cache, GEOMETRY), None);
    assert_eq!(check(&mut cache, GEOMETRY), Some(0));
}

#[test]
fn an_initializer_that_types_another_modules_variable_is_checked_again_when_that_one_moves() {
    let mut cache = ParseCache::default();
    // `main`'s initializer uses `lib.LIMIT` (untyped) before `lib` is checked: `main`'s check
    // types it, and records nodes of `lib`.
    let main = "import lib\nimport util\nlet total = lib.LIMIT + 1\nfn main() {\n    print(total)\n}\n";
    let all = ["main.ln", "lib.ln", "util.ln"];
    assert_eq!(
        check_both(&mut cache, &[("main.ln", main), ("lib.ln", LIB), ("util.ln", UTIL)]),
        all
    );
    let lib_moved = format!("// a comment\n{LIB}");
    assert_eq!(
        check_both(
            &mut cache,
            &[("main.ln", main), ("lib.ln", &lib_moved), ("util.ln", UTIL)]
        ),
        ["main.ln", "lib.ln"]
    );
    assert!(
        check_both(
            &mut cache,
            &[("main.ln", main), ("lib.ln", &lib_moved), ("util.ln", UTIL)]
        )
        .is_empty()
    );
}

const CHAIN_MAIN: &str = "import geo
import extra
import tail
fn main() {
    print(tail.length(geo.Point { x: 3.0, y: 4.0 }))
    print(extra.twice(2))
}
";
const GEO: &str = "pub struct Point {
    x: float,
    y: float = 0.0,
}
pub fn norm(p: Point) -> float {
    return p.x * p.x + p.y * p.y
}
";
const EXTRA: &str = "pub fn twice(n: int) -> int {
    return n * 2
}
";
const TAIL: &str = "import geo
pub fn length(p: geo.Point) -> float {
    return geo.norm(p)
}
";

#[test]
fn an_added_item_checks_again_only_the_modules_that_see_it_or_whose_ids_it_moves() {
    let mut cache = ParseCache::default();
    let check = |cache: &mut ParseCache, geo: &str, extra: &str, tail: &str| {
        check_both(
            cache,
            &[
                ("main.ln", CHAIN_MAIN),
                ("geo.ln", geo),
                ("extra.ln", extra),
                ("tail.ln", tail),
            ],
        )
    };
    assert_eq!(check(&mut cache, GEO, EXTRA, TAIL).len(), 4);
    // A struct added to `extra`: it and its importer `main`. Structs are numbered apart from
    // functions, and `tail`, after it, declares none: no id `tail` sees moves.
    let extra = format!("{EXTRA}pub struct Unused {{\n    n: int,\n}}\n");
    assert_eq!(check(&mut cache, GEO, &extra, TAIL), ["main.ln", "extra.ln"]);
    // A function added to `extra` moves the ids of `tail`'s functions, after it.
    let extra = format!("{extra}pub fn thrice(n: int) -> int {{\n    return n * 3\n}}\n");
    assert_eq!(check(&mut cache, GEO, &extra, TAIL), ["main.ln", "extra.ln", "tail.ln"]);
    // A function added to the last module: it and its importer.
    let tail = format!("{TAIL}fn helper() -> int {{\n    return 1\n}}\n");
    assert_eq!(check(&mut cache, GEO, &extra, &tail), ["main.ln", "tail.ln"]);
    // A variable added to `geo`: it and its importers; no module after it declares a
    // variable, so `extra` (which does not import it) keeps its check.
    let geo = format!("pub var moves = 1\n{GEO}");
    let mut checked = check(&mut cache, &geo, &extra, &tail);
    checked.sort();
    assert_eq!(checked, ["geo.ln", "main.ln", "tail.ln"]);
    // An enum added to `extra` and used by nobody, then removed: the results stay those of a
    // full check each time.
    let extra_enum = format!("{extra}pub enum Kind {{\n    A,\n    B(n: int),\n}}\n");
    check(&mut cache, &geo, &extra_enum, &tail);
    check(&mut cache, &geo, &extra, &tail);
}
