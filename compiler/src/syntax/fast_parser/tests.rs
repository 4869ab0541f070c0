//! Unit tests of the fast parser: it builds chumsky's tree for the forms whose position decides
//! what they are, and gives up where chumsky's parser reports an error.

use crate::source::FileId;
use crate::syntax::{fast_parser, parser, tokens_for_parsers};

/// Asserts the fast parser's tree is chumsky's for an error-free `source`.
fn same_tree(source: &str) {
    let (tokens, reported) = tokens_for_parsers(source, FileId(0)).expect("lexes");
    assert!(!reported, "lexer reported something for {source:?}");
    let (expected, diagnostics) = parser::parse(&tokens, source.len(), FileId(0));
    assert!(
        diagnostics.is_empty(),
        "chumsky reported {diagnostics:?} for {source:?}"
    );
    let fast = fast_parser::parse(&tokens, source.len());
    assert_eq!(fast.as_ref(), Some(&expected), "for {source:?}");
}

/// Asserts the fast parser gives up on a `source` that chumsky's parser reports.
fn gives_up(source: &str) {
    let (tokens, _) = tokens_for_parsers(source, FileId(0)).expect("lexes");
    let (_, diagnostics) = parser::parse(&tokens, source.len(), FileId(0));
    assert!(!diagnostics.is_empty(), "chumsky reported nothing for {source:?}");
    assert_eq!(fast_parser::parse(&tokens, source.len()), None, "for {source:?}");
}

#[test]
fn builds_the_same_tree_for_positional_forms() {
    same_tree("fn main() {\n    let x = 1 + 2 * 3 - 4 ?? 5 ?? 6\n    print(x)\n}\n");
    same_tree("fn f(a: int, b: [int], c: {str: int}, d: ?int, e: fn(int) -> int) -> ??int {\n    return nil\n}\n");
    same_tree(
        "fn main() {\n    match x {\n        .A => print(1),\n        .B(v) if v > 1 => { return }\n        _ => match y { 1 | 2 => f(), _ => g() }\n    }\n}\n",
    );
    same_tree(
        "fn main() {\n    let v = match x { .A => 1, .B => 2 }\n    if a == P { } else if let .Some(q) = r { } else { }\n}\n",
    );
    same_tree(
        "fn main() {\n    let y = if c { 1 } else if d { 2 } else { 3 }\n    let .Some(z) = w else { return }\n    let k = p else { return }\n}\n",
    );
    same_tree(
        "fn main() {\n    for i in 0..=n { }\n    for k, v in m { }\n    while not done and x < 3 { x += 1 }\n}\n",
    );
    same_tree(
        "fn main() {\n    let s = \"a {x:>8} b {y} c\"\n    let c = 'a'\n    let r = r\"raw\"\n    let f = fn(a, b: int) => a + b\n    let g = fn(a: int) -> int { return a }\n}\n",
    );
    same_tree(
        "pub struct P { x: int = 1, y: float }\nenum E { A, B(x: int), C() }\nimport m\npub var g: int = -~1\nlet h = m.P { x: 1 }\n",
    );
    same_tree("fn main() { a[1].b(2)!.c = {1: 2}; f(); x = [1, 2,] }\n");
    same_tree(
        "fn main() {\n    match c {\n        'a'..='z' | -3 => f(),\n        geo.Shape.Circle(r) => g(),\n        Shape.Square => h(),\n    }\n}\n",
    );
}

#[test]
fn gives_up_where_chumsky_reports() {
    gives_up("fn main() {\n    let x = if c { 1 }\n}\n");
    gives_up("fn main() {\n    var x = y else { return }\n}\n");
    gives_up("fn main() {\n    match x { 1.5 => f() }\n}\n");
    gives_up("fn main() {\n    match x { Some(v) => f() }\n}\n");
    gives_up("fn main() {\n    for i, j in 0..3 { }\n}\n");
    gives_up("fn main() {\n    let v = match x { .A => {1: 2} }\n}\n");
    gives_up("fn main() {\n    if p == P { x: 1 } { }\n}\n");
    gives_up("fn main() {\n    f(() + 1)\n}\n");
    gives_up("fn main() {\n    x = 1 +\n}\n");
    gives_up("fn main() { let x = 1 let y = 2 }\n");
}

#[test]
fn deep_nesting_is_left_to_chumsky() {
    let depth = 200;
    let source = format!("fn main() {{ let x = {}1{} }}\n", "(".repeat(depth), ")".repeat(depth));
    let (tokens, _) = tokens_for_parsers(&source, FileId(0)).expect("lexes");
    assert_eq!(fast_parser::parse(&tokens, source.len()), None);
}
