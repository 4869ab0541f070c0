//! Unit tests of the editor queries over small in-memory programs.

use std::collections::HashMap;
use std::path::Path;

use super::*;
use crate::source::InMemoryFiles as Files;

const MAIN: &str = "import geo\n\
// The answer.\n\
fn answer(x: int) -> int {\n\
    let doubled = x * 2\n\
    return doubled + 1\n\
}\n\
fn main() {\n\
    let p = geo.Point { x: 1.0, y: 2.0 }\n\
    print(p.x)\n\
    print(geo.norm(p))\n\
    let s: geo.Shape = .Circle(1.0)\n\
    print(answer(3))\n\
}\n";

const GEO: &str = "pub struct Point {\n\
    x: float,\n\
    y: float,\n\
}\n\
pub enum Shape { Circle(r: float), Empty }\n\
/// unused\n\
// Length of a point.\n\
pub fn norm(p: Point) -> float {\n\
    return sqrt(p.x * p.x + p.y * p.y)\n\
}\n\
fn hidden() {}\n";

fn analyse(main: &str, geo: &str) -> Analysis {
    let mut files = Files(HashMap::from([
        ("main.ln", main.to_string()),
        ("geo.ln", geo.to_string()),
    ]));
    let checked = crate::check_program(Path::new("main.ln"), &mut files).unwrap();
    Analysis::new(checked)
}

fn offset_of(text: &str, needle: &str) -> u32 {
    text.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text")) as u32
}

fn main_file(analysis: &Analysis) -> FileId {
    analysis.file_of_path(Path::new("main.ln")).unwrap()
}

fn geo_file(analysis: &Analysis) -> FileId {
    analysis.file_of_path(Path::new("geo.ln")).unwrap()
}

#[test]
fn the_program_checks() {
    let analysis = analyse(MAIN, GEO);
    assert!(!analysis.checked.has_errors(), "{:?}", analysis.checked.diagnostics);
}

#[test]
fn definition_of_a_local_is_its_let() {
    let analysis = analyse(MAIN, GEO);
    let file = main_file(&analysis);
    let found = analysis.definition(file, offset_of(MAIN, "doubled + 1")).unwrap();
    assert_eq!(found.file, file);
    assert_eq!(found.span.start, offset_of(MAIN, "doubled = x"));
}

#[test]
fn definition_across_files_reaches_functions_fields_and_variants() {
    let analysis = analyse(MAIN, GEO);
    let (file, geo) = (main_file(&analysis), geo_file(&analysis));
    let function = analysis.definition(file, offset_of(MAIN, "norm(p)")).unwrap();
    assert_eq!(
        (function.file, function.span.start),
        (geo, offset_of(GEO, "norm(p: Point)"))
    );
    let field = analysis.definition(file, offset_of(MAIN, "x)\n")).unwrap();
    assert_eq!((field.file, field.span.start), (geo, offset_of(GEO, "x: float")));
    let variant = analysis.definition(file, offset_of(MAIN, "Circle(1.0)")).unwrap();
    assert_eq!((variant.file, variant.span.start), (geo, offset_of(GEO, "Circle(r")));
    let structure = analysis.definition(file, offset_of(MAIN, "Point {")).unwrap();
    assert_eq!((structure.file, structure.span.start), (geo, offset_of(GEO, "Point {")));
    let module = analysis.definition(file, offset_of(MAIN, "geo.norm")).unwrap();
    assert_eq!(module.file, geo);
}

#[test]
fn references_and_rename_cover_every_file() {
    let analysis = analyse(MAIN, GEO);
    let geo = geo_file(&analysis);
    let references = analysis.references(geo, offset_of(GEO, "norm(p: Point)"), true);
    assert_eq!(references.len(), 2, "{references:?}");
    let edits = analysis.rename(geo, offset_of(GEO, "x: float"), "horizontal").unwrap();
    // The declaration, the literal's field, `p.x` in main and the two in `norm`.
    assert_eq!(edits.len(), 5, "{edits:?}");
    assert_eq!(
        analysis.rename(geo, offset_of(GEO, "x: float"), "while"),
        Err(RenameError::InvalidName("while".into()))
    );
    assert!(matches!(
        analysis.rename(geo, offset_of(GEO, "x: float"), "a b"),
        Err(RenameError::InvalidName(_))
    ));
    assert!(matches!(
        analysis.rename(geo, offset_of(GEO, "sqrt"), "root"),
        Err(RenameError::NothingToRename)
    ));
}

#[test]
fn hover_shows_types_signatures_docs_and_fields() {
    let analysis = analyse(MAIN, GEO);
    let file = main_file(&analysis);
    let (_, local) = analysis.hover(file, offset_of(MAIN, "doubled + 1")).unwrap();
    assert!(local.contains("doubled: int"), "{local}");
    let (_, function) = analysis.hover(file, offset_of(MAIN, "norm(p)")).unwrap();
    assert!(function.contains("pub fn norm(p: Point) -> float"), "{function}");
    assert!(function.ends_with("Length of a point."), "{function}");
    let (_, answer) = analysis.hover(file, offset_of(MAIN, "answer(3)")).unwrap();
    assert!(answer.ends_with("The answer."), "{answer}");
    let (_, expression) = analysis.hover(file, offset_of(MAIN, "* 2")).unwrap();
    assert_eq!(expression, "```ln\nint\n```");
    let (_, structure) = analysis.hover(file, offset_of(MAIN, "Point {")).unwrap();
    assert!(structure.contains("    x: float,\n    y: float,"), "{structure}");
}

#[test]
fn document_symbols_nest_fields_and_variants() {
    let analysis = analyse(MAIN, GEO);
    let geo = analysis.module_of_file(geo_file(&analysis)).unwrap();
    let symbols = document_symbols(&analysis.checked.program.module(geo).ast, GEO);
    let names: Vec<&str> = symbols.iter().map(|symbol| symbol.name.as_str()).collect();
    assert_eq!(names, ["Point", "Shape", "norm", "hidden"]);
    assert_eq!(symbols[0].children.len(), 2);
    assert_eq!(symbols[1].children[0].name, "Circle");
    assert_eq!(symbols[1].children[0].kind, SymbolKind::Variant);
}

fn complete(main: &str, at: &str) -> Vec<String> {
    let offset = main.find(at).unwrap() + at.len();
    let (patched, request) = prepare(main, offset);
    let analysis = analyse(&patched, GEO);
    let file = main_file(&analysis);
    completions(&analysis, file, &request)
        .into_iter()
        .map(|completion| completion.label)
        .collect()
}

#[test]
fn completion_after_a_module_offers_its_pub_items() {
    let labels = complete("import geo\nfn main() {\n    geo.\n}\n", "geo.");
    assert!(labels.contains(&"norm".to_string()), "{labels:?}");
    assert!(labels.contains(&"Point".to_string()), "{labels:?}");
    assert!(!labels.contains(&"hidden".to_string()), "{labels:?}");
}

#[test]
fn completion_after_a_value_offers_fields_methods_and_functions_accepting_it() {
    let source = "import geo\nfn main() {\n    let p = geo.Point { x: 1.0, y: 2.0 }\n    let xs = [1, 2]\n    p.\n}\n";
    let labels = complete(source, "    p.");
    assert!(
        labels.contains(&"x".to_string()) && labels.contains(&"norm".to_string()),
        "{labels:?}"
    );
    let source = "import geo\nfn main() {\n    let p = geo.Point { x: 1.0, y: 2.0 }\n    let xs = [1, 2]\n    xs.\n}\n";
    let labels = complete(source, "xs.");
    assert!(
        labels.contains(&"push".to_string()) && labels.contains(&"map".to_string()),
        "{labels:?}"
    );
    assert!(!labels.contains(&"x".to_string()), "{labels:?}");
}

#[test]
fn completion_after_a_dot_offers_the_expected_enums_variants() {
    let labels = complete("import geo\nfn main() {\n    let s: geo.Shape = .\n}\n", "= .");
    assert_eq!(labels, ["Circle", "Empty"]);
    let labels = complete("import geo\nfn main() {\n    let s: geo.Shape = .E\n}\n", "= .E");
    assert_eq!(labels, ["Empty"]);
    // After a keyword, in a pattern, and on the other side of `==`.
    let labels = complete("import geo\nfn f() -> geo.Shape {\n    return .\n}\n", "return .");
    assert_eq!(labels, ["Circle", "Empty"]);
    let source =
        "import geo\nfn f(s: geo.Shape) {\n    match s {\n        . => print(1)\n        _ => print(2)\n    }\n}\n";
    let labels = complete(source, "        .");
    assert_eq!(labels, ["Circle", "Empty"]);
    let source = "import geo\nfn f(s: geo.Shape) {\n    if s == . {\n    }\n}\n";
    let labels = complete(source, "== .");
    assert_eq!(labels, ["Circle", "Empty"]);
}

#[test]
fn completion_of_a_name_offers_locals_items_and_built_ins() {
    let labels = complete("fn helper() {}\nfn main() {\n    let count = 1\n    co\n}\n", "    co");
    assert!(
        labels.contains(&"count".to_string()) && labels.contains(&"continue".to_string()),
        "{labels:?}"
    );
    let labels = complete("fn helper() {}\nfn main() {\n    let count = 1\n    he\n}\n", "    he");
    assert_eq!(labels, ["helper"]);
}

#[test]
fn identifiers_are_checked_with_the_lexer() {
    assert!(is_identifier("total"));
    assert!(is_identifier("_x1"));
    for bad in ["", "_", "fn", "1x", "a-b", "a b", "match"] {
        assert!(!is_identifier(bad), "{bad}");
    }
}

#[test]
fn doc_comments_are_the_comment_lines_directly_above() {
    let text = "// one\n// two\nfn f() {}\n\n// apart\n\nfn g() {}\n";
    assert_eq!(
        doc_comment(text, text.find("fn f").unwrap()).as_deref(),
        Some("one\ntwo")
    );
    assert_eq!(doc_comment(text, text.find("fn g").unwrap()), None);
}

#[test]
fn completion_while_a_bracket_is_left_open_reads_the_rest_of_the_file() {
    let source = "import geo\nfn main() {\n    let p = geo.Point { x: 1.0, y: 2.0 }\n    print(p.\n}\n";
    let labels = complete(source, "print(p.");
    assert!(
        labels.contains(&"x".to_string()) && labels.contains(&"norm".to_string()),
        "{labels:?}"
    );
    // A function expression's body still open inside an open call.
    let source = "import geo\nfn main() {\n    let xs = [geo.Point {}]\n    let ys = xs.map(fn(p: geo.Point) -> float {\n        return p.";
    let labels = complete(source, "return p.");
    assert!(labels.contains(&"y".to_string()), "{labels:?}");
}

#[test]
fn completion_after_a_number_offers_the_built_ins_that_take_it() {
    let labels = complete("fn main() {\n    let n = 3\n    n.\n}\n", "    n.");
    for wanted in ["float", "print", "write", "str", "abs", "max"] {
        assert!(labels.contains(&wanted.to_string()), "{wanted} in {labels:?}");
    }
    assert!(!labels.contains(&"sqrt".to_string()), "{labels:?}");
}

#[test]
fn completion_after_a_struct_name_offers_nothing() {
    let labels = complete("import geo\nfn main() {\n    let q = geo.Point.\n}\n", "geo.Point.");
    assert!(labels.is_empty(), "{labels:?}");
}

#[test]
fn the_outline_of_a_file_with_a_bracket_left_open_still_lists_its_items() {
    let text = "fn first() {}\nfn main() {\n    print(first(\n}\nfn last() {}\n";
    let symbols = outline(text);
    let names: Vec<&str> = symbols.iter().map(|symbol| symbol.name.as_str()).collect();
    assert_eq!(names, ["first", "main", "last"]);
    // Spans are the original text's.
    let last = &symbols[2];
    assert_eq!(&text[last.selection.range()], "last");
}

#[test]
fn completion_on_a_line_that_does_not_parse_yet_reads_the_object() {
    let head = "import geo\nfn main() {\n    let p = geo.Point { x: 1.0, y: 2.0 }\n";
    for (line, at) in [
        ("    if p.", "if p."),
        ("    while p.", "while p."),
        ("    match p.", "match p."),
        ("    for q in p.", "in p."),
        ("    let s = \"{p.", "{p."),
        ("    print(p.)\n    let y =", "print(p."),
    ] {
        let source = format!("{head}{line}\n}}\n");
        let labels = complete(&source, at);
        assert!(labels.contains(&"x".to_string()), "{line}: {labels:?}");
    }
    // A block whose `}` is not typed yet, before another function.
    let source = format!("{head}    if true {{\n        p.\n}}\n\nfn other() {{\n}}\n");
    let labels = complete(&source, "        p.");
    assert!(labels.contains(&"y".to_string()), "{labels:?}");
}

#[test]
fn completion_reads_past_another_line_that_does_not_parse() {
    let source =
        "import geo\nfn other() { let = 5 }\nfn main() {\n    let p = geo.Point { x: 1.0, y: 2.0 }\n    p.\n}\n";
    let labels = complete(source, "    p.");
    assert!(labels.contains(&"x".to_string()), "{labels:?}");
}

#[test]
fn name_completion_offers_only_the_locals_in_scope() {
    let source = "fn main() {\n    let n = 1\n    let f = fn(alpha: int) => alpha + 1\n    if true {\n        let n = \"s\"\n        let inner = 2\n    }\n    for idx in 0..3 {\n    }\n    \n}\n";
    let offset = source.find("}\n    \n}").unwrap() + 6;
    let (patched, request) = prepare(source, offset);
    let analysis = analyse(&patched, GEO);
    let file = main_file(&analysis);
    let found = completions(&analysis, file, &request);
    let labels: Vec<&str> = found.iter().map(|completion| completion.label.as_str()).collect();
    for hidden in ["alpha", "inner", "idx"] {
        assert!(!labels.contains(&hidden), "{hidden} in {labels:?}");
    }
    let n = found.iter().find(|completion| completion.label == "n").expect("n");
    assert_eq!(n.detail.as_deref(), Some("int"));
}

#[test]
fn completion_after_an_optional_offers_no_members_of_its_value() {
    let labels = complete(
        "import geo\nfn main() {\n    let o: ?geo.Point = nil\n    o.\n}\n",
        "    o.",
    );
    assert!(!labels.contains(&"x".to_string()), "{labels:?}");
}

#[test]
fn completion_reads_past_many_broken_lines() {
    let broken_above: String = (0..6).map(|index| format!("    let a{index} = 1 )\n")).collect();
    let broken_below: String = (0..6).map(|index| format!("    let b{index} =\n")).collect();
    let source = format!(
        "import geo\nfn main() {{\n    let p = geo.Point {{ x: 1.0, y: 2.0 }}\n{broken_above}    p.\n{broken_below}}}\n"
    );
    let labels = complete(&source, "    p.");
    assert!(labels.contains(&"x".to_string()), "{labels:?}");
}

#[test]
fn completion_gives_nothing_rather_than_another_variables_members() {
    let source = "import geo\nfn main() {\n    let q = 5\n    let f = fn(q: geo.Point) => q. +\n}\n";
    let labels = complete(source, "=> q.");
    assert!(!labels.contains(&"abs".to_string()), "{labels:?}");
}

#[test]
fn completion_of_a_variant_in_an_arm_or_condition_not_finished_yet() {
    // An arm with no `=>` yet, the match's last or not.
    let source = "import geo\nfn f(s: geo.Shape) {\n    match s {\n        .\n    }\n}\n";
    assert_eq!(complete(source, "        ."), ["Circle", "Empty"]);
    let source = "import geo\nfn f(s: geo.Shape) {\n    match s {\n        .C\n        _ => print(2)\n    }\n}\n";
    assert_eq!(complete(source, "        .C"), ["Circle"]);
    // A condition with no block yet.
    let source = "import geo\nfn f(s: geo.Shape) {\n    if s == .\n    print(1)\n}\n";
    assert_eq!(complete(source, "== ."), ["Circle", "Empty"]);
    let source = "import geo\nfn f(s: geo.Shape) {\n    while s != .E\n}\n";
    assert_eq!(complete(source, "!= .E"), ["Empty"]);
}

#[test]
fn completion_inside_a_struct_literal_offers_the_fields_not_given_yet() {
    let source = "import geo\nfn main() {\n    let p = geo.Point { \n}\n";
    assert_eq!(complete(source, "Point { "), ["x", "y"]);
    let source = "import geo\nfn main() {\n    let p = geo.Point { x: 1.0, \n    print(1)\n}\n";
    assert_eq!(complete(source, "x: 1.0, "), ["y"]);
    let source = "struct Item {\n    name: str,\n    count: int = 0,\n}\nfn main() {\n    let i = Item {\n        name: \"a\",\n        c\n    }\n}\n";
    assert_eq!(complete(source, "        c"), ["count"]);
    // A field's value is an expression: names, not fields.
    let source = "import geo\nfn main() {\n    let scale = 2.0\n    let p = geo.Point { x: sc\n}\n";
    assert_eq!(complete(source, "x: sc"), ["scale"]);
}

#[test]
fn completion_of_a_name_being_declared_offers_nothing() {
    for (source, at) in [
        ("fn main() {}\nfn \n", "fn "),
        ("fn main() {}\npub fn ma\n", "pub fn ma"),
        ("fn main() {}\nstruct \n", "struct "),
        ("fn main() {}\nenum \n", "enum "),
        ("fn main() {\n    let \n}\n", "let "),
        ("fn main() {\n    var co\n}\n", "var co"),
        ("fn main() {\n    for \n}\n", "for "),
    ] {
        assert_eq!(complete(source, at), Vec::<String>::new(), "{source:?}");
    }
}

#[test]
fn completion_in_a_type_offers_types_and_modules() {
    for (source, at) in [
        ("import geo\nstruct Item { n: int }\nfn f(a: \n", "a: "),
        ("import geo\nstruct Item { n: int }\nfn f() -> \n", "-> "),
        (
            "import geo\nstruct Item { n: int }\nfn main() {\n    let x: \n}\n",
            "x: ",
        ),
        ("import geo\nstruct Item { n: int }\nfn f(a: int, b: [\n", "b: ["),
    ] {
        let labels = complete(source, at);
        for expected in ["int", "float", "str", "bool", "Item", "geo"] {
            assert!(
                labels.contains(&expected.to_string()),
                "{expected} for {source:?}: {labels:?}"
            );
        }
        for unexpected in ["print", "f", "main", "let", "a"] {
            assert!(
                !labels.contains(&unexpected.to_string()),
                "{unexpected} for {source:?}: {labels:?}"
            );
        }
    }
    // `m.` in a type: the module's types only.
    let labels = complete("import geo\nfn f(a: geo.\n", "geo.");
    assert_eq!(labels, ["Point", "Shape"]);
}

#[test]
fn completion_in_comments_strings_and_closure_parameters_offers_nothing() {
    for (source, at) in [
        ("fn main() {\n    let abc = 1\n    print(\"hello a\")\n}\n", "hello a"),
        ("fn main() {\n    let abc = 1\n    // about a\n}\n", "about a"),
        ("fn main() {\n    let abc = 1\n    let c = 'a'\n}\n", "'a"),
        ("fn main() {\n    let abc = 1\n    print(\"{abc:\")\n}\n", "{abc:"),
        ("fn main() {\n    let xs = [1]\n    let ys = xs.filter(fn(\n}\n", "fn("),
        ("fn main() {\n    let xs = [1]\n    let ys = xs.map(fn(v\n}\n", "fn(v"),
    ] {
        assert_eq!(complete(source, at), Vec::<String>::new(), "{source:?}");
    }
    // An interpolation is code.
    let labels = complete("fn main() {\n    let abc = 1\n    print(\"{ab}\")\n}\n", "{ab");
    assert_eq!(labels, ["abc", "abs"]);
}

#[test]
fn completion_matches_what_is_typed_whatever_its_case() {
    let labels = complete(
        "struct Player { n: int }\nfn main() {\n    let p = 1\n    pl\n}\n",
        "    pl",
    );
    assert_eq!(labels, ["Player"]);
}

#[test]
fn completion_of_a_variant_in_a_one_line_match() {
    let source = "import geo\nfn f(s: geo.Shape) {\n    match s { . }\n}\n";
    assert_eq!(complete(source, "{ ."), ["Circle", "Empty"]);
    let source = "import geo\nfn f(s: geo.Shape) {\n    match s { .Circle(r) => print(r), .E }\n}\n";
    assert_eq!(complete(source, ", .E"), ["Empty"]);
}

#[test]
fn hover_does_not_show_a_type_the_checker_could_not_make_out() {
    let main = "fn main() {\n    let broken = missing + 1\n    print(broken)\n}\n";
    let mut files = Files(HashMap::from([("main.ln", main.to_string())]));
    let checked = crate::check_program(Path::new("main.ln"), &mut files).unwrap();
    let analysis = Analysis::new(checked);
    let file = main_file(&analysis);
    let (_, text) = analysis.hover(file, offset_of(main, "broken)")).expect("a hover");
    assert!(text.contains("broken") && !text.contains("unknown"), "{text}");
}

#[test]
fn rename_refuses_a_name_that_something_it_meets_already_has() {
    let main = "import geo\nstruct Animal {\n    kind: str,\n    name: str,\n}\nenum Kind { Wolf, Sheep }\nfn make() -> int {\n    return 1\n}\nfn describe(a: Animal) -> str {\n    let counter = 1\n    let wolves = [1]\n    print(len(wolves))\n    return a.kind\n}\nfn main() {\n    let h = [1]\n    print(h)\n}\n";
    let analysis = analyse(main, GEO);
    let file = main_file(&analysis);
    let refused = |needle: &str, new_name: &str| {
        let offset = offset_of(main, needle);
        match analysis.rename(file, offset, new_name) {
            Err(RenameError::Clash(what)) => what,
            other => panic!("renaming `{needle}` to `{new_name}`: {other:?}"),
        }
    };
    assert!(refused("kind: str", "name").contains("already has a field `name`"));
    assert!(refused("Wolf", "Sheep").contains("already has a variant `Sheep`"));
    assert!(refused("describe", "make").contains("a function `make`"));
    assert!(refused("counter", "wolves").contains("already has a local `wolves`"));
    assert!(refused("h = [1]", "print").contains("built-in"));
    assert!(refused("make", "geo").contains("an import `geo`"));
    // A name nothing has is fine, and so is the name it already has.
    assert!(analysis.rename(file, offset_of(main, "counter"), "count").is_ok());
    assert!(analysis.rename(file, offset_of(main, "kind: str"), "kind").is_ok());
    assert!(analysis.rename(file, offset_of(main, "describe"), "describe").is_ok());
}

#[test]
fn the_outline_lists_the_items_around_lines_that_do_not_parse() {
    let text = "struct A {\n    x: int,\n\nfn f() {\n    if true {\n\nfn main() {\n}\n";
    let names: Vec<String> = outline(text).into_iter().map(|symbol| symbol.name).collect();
    assert_eq!(names, ["A", "f", "main"]);
    let text = "struct A {\n    x: int,\n    y: \n}\nfn main() {\n}\n";
    let symbols = outline(text);
    let names: Vec<&str> = symbols.iter().map(|symbol| symbol.name.as_str()).collect();
    assert_eq!(names, ["A", "main"]);
    let fields: Vec<&str> = symbols[0].children.iter().map(|field| field.name.as_str()).collect();
    assert_eq!(fields, ["x"]);
}
