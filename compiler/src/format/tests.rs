//! Unit tests of the formatter, one rule each: input, then the expected output.

use super::format_source;

#[track_caller]
fn check(input: &str, expected: &str) {
    let output = format_source(input).unwrap_or_else(|errors| panic!("syntax errors: {errors:?}"));
    assert_eq!(output, expected, "\n--- input:\n{input}\n--- output:\n{output}");
    let again = format_source(&output).expect("the output parses");
    assert_eq!(again, output, "formatting is not idempotent");
}

#[test]
fn indents_blocks_with_four_spaces() {
    check(
        "fn main() {\nprint(1)\n  if true {\n\t\tprint(2)\n }\n}\n",
        "fn main() {\n    print(1)\n    if true {\n        print(2)\n    }\n}\n",
    );
}

#[test]
fn spaces_binary_operators_and_assignments() {
    check(
        "fn main() {\n    var x=1+2*3\n    x+=4\n    let ok=x>=2 and x!=3 or not true\n    let y=x<<2|x&1^x>>1\n}\n",
        "fn main() {\n    var x = 1 + 2 * 3\n    x += 4\n    let ok = x >= 2 and x != 3 or not true\n    let y = x << 2 | x & 1 ^ x >> 1\n}\n",
    );
}

#[test]
fn unary_operators_ranges_and_members_take_no_space() {
    check(
        "fn main() {\n    let a = - 1\n    let b = a - -a\n    for i in 0 .. 3 { print(i) }\n    for i in 0..= 3 { print( ~ i) }\n    let n = xs . len()\n}\n",
        "fn main() {\n    let a = -1\n    let b = a - -a\n    for i in 0..3 { print(i) }\n    for i in 0..=3 { print(~i) }\n    let n = xs.len()\n}\n",
    );
}

#[test]
fn colons_and_commas_take_one_space_after() {
    check(
        "fn add(a:int,b : int)->int { return a+b }\nstruct P { x:float , y:?float }\n",
        "fn add(a: int, b: int) -> int { return a + b }\nstruct P { x: float, y: ?float }\n",
    );
}

#[test]
fn unwrap_and_variants_and_calls() {
    check(
        "fn main() {\n    let v = opt !\n    if s == .Empty { print(v) }\n    let f = fn (x) => x*2\n    let c = m.Shape.Circle( 1.0 )\n}\n",
        "fn main() {\n    let v = opt!\n    if s == .Empty { print(v) }\n    let f = fn(x) => x * 2\n    let c = m.Shape.Circle(1.0)\n}\n",
    );
}

#[test]
fn strings_raw_strings_and_characters_are_never_changed() {
    check(
        "fn main() {\n    print(  \"a  {x+1:>8}  {join(xs,\"-\")}\" )\n    let r = r#\"  raw {x}\n   second line\"#\n    let c =  ' '\n}\n",
        "fn main() {\n    print(\"a  {x+1:>8}  {join(xs,\"-\")}\")\n    let r = r#\"  raw {x}\n   second line\"#\n    let c = ' '\n}\n",
    );
}

#[test]
fn comments_stay_where_they_stand() {
    check(
        "// header\n\nfn main() {   // trailing\n        // own line\n    let x = 1    //   spaced\n// left\n}\n",
        "// header\n\nfn main() { // trailing\n    // own line\n    let x = 1 //   spaced\n    // left\n}\n",
    );
}

#[test]
fn blank_lines_at_most_one_and_none_at_block_edges() {
    check(
        "\n\nfn a() {\n\n    print(1)\n\n\n    print(2)\n\n}\n\n\n\nfn b() {\n}\n\n\n",
        "fn a() {\n    print(1)\n\n    print(2)\n}\n\nfn b() {\n}\n",
    );
}

#[test]
fn the_file_ends_with_exactly_one_newline() {
    check("fn main() {}", "fn main() {}\n");
    check("fn main() {}\n\n\n", "fn main() {}\n");
    check("", "");
}

#[test]
fn semicolons_between_statements_become_line_breaks() {
    check(
        "fn main() {\n    let a = 1; let b = 2;\n    print(a); print(b)\n    if a == 1 { print(a); print(b) }\n}\n",
        "fn main() {\n    let a = 1\n    let b = 2\n    print(a)\n    print(b)\n    if a == 1 { print(a); print(b) }\n}\n",
    );
}

#[test]
fn a_semicolon_that_starts_a_line_leaves_no_line_of_spaces() {
    check(
        "fn main() {\n    print(1)\n    ;print(2)\n    ; print(3); print(4)\n}\n",
        "fn main() {\n    print(1)\n    print(2)\n    print(3)\n    print(4)\n}\n",
    );
}

#[test]
fn continued_lines_are_one_level_deeper() {
    check(
        "fn main() {\nlet total = 1 +\n2 +\n      3\nlet ok = total > 2 and\ntotal < 9\n}\n",
        "fn main() {\n    let total = 1 +\n        2 +\n        3\n    let ok = total > 2 and\n        total < 9\n}\n",
    );
}

#[test]
fn multi_line_lists_get_trailing_commas() {
    check(
        "fn f(\na: int,\nb: int\n) -> int {\nreturn a\n}\nfn main() {\nlet xs = [\n1,\n2\n]\nprint(f(\n1,\n2\n))\nlet m = {\n\"a\": 1\n}\n}\n",
        "fn f(\n    a: int,\n    b: int,\n) -> int {\n    return a\n}\nfn main() {\n    let xs = [\n        1,\n        2,\n    ]\n    print(f(\n        1,\n        2,\n    ))\n    let m = {\n        \"a\": 1\n    }\n}\n",
    );
}

#[test]
fn a_one_element_array_or_map_over_lines_gets_no_comma_it_may_be_a_type() {
    check(
        "fn main(){\nlet xs: [\nint\n] = [1,2]\nlet m: {\nstr: int\n} = {\"a\": 1}\nprint(len(xs)+len(m))\n}\n",
        "fn main() {\n    let xs: [\n        int\n    ] = [1, 2]\n    let m: {\n        str: int\n    } = {\"a\": 1}\n    print(len(xs) + len(m))\n}\n",
    );
}

#[test]
fn a_comma_at_the_end_of_a_line_in_a_block_continues_the_statement() {
    check(
        "fn main() {\nlet m = {\"a\": 1}\nfor k,\nv in m {\nprint(k)\n}\n}\n",
        "fn main() {\n    let m = {\"a\": 1}\n    for k,\n        v in m {\n        print(k)\n    }\n}\n",
    );
}

#[test]
fn a_semicolon_before_a_closing_brace_or_at_the_top_is_dropped() {
    check(
        ";\nfn main() {\n    if true {\n        print(1)\n    ;} else {\n        print(2)\n    }\n    print(3)\n;}\n",
        "fn main() {\n    if true {\n        print(1)\n    } else {\n        print(2)\n    }\n    print(3)\n}\n",
    );
}

#[test]
fn struct_and_enum_declarations_and_literals_get_trailing_commas() {
    check(
        "struct P {\nx: int,\ny: int\n}\nenum Shape {\nCircle(r: float),\nEmpty\n}\nfn main() {\nlet p = P {\nx: 1,\ny: 2\n}\nprint(p.x)\n}\n",
        "struct P {\n    x: int,\n    y: int,\n}\nenum Shape {\n    Circle(r: float),\n    Empty,\n}\nfn main() {\n    let p = P {\n        x: 1,\n        y: 2,\n    }\n    print(p.x)\n}\n",
    );
}

#[test]
fn match_arms_end_with_commas_except_block_bodies() {
    check(
        "enum S { A, B(n: int), C }\nfn main() {\nlet s = S.A\nlet n = match s {\n.A => 1\n.B(n) if n > 2 => n\n.B(n) => {\nn * 2\n}\n.C => if true { 1 } else { 2 }\n}\nprint(n)\n}\n",
        "enum S { A, B(n: int), C }\nfn main() {\n    let s = S.A\n    let n = match s {\n        .A => 1,\n        .B(n) if n > 2 => n,\n        .B(n) => {\n            n * 2\n        }\n        .C => if true { 1 } else { 2 },\n    }\n    print(n)\n}\n",
    );
}

#[test]
fn function_expressions_are_formatted_like_any_block() {
    check(
        "fn main() {\nlet f = fn(x: int) -> int {\nreturn x*2\n}\nlet g = fn(x: int) => x+1\nxs.map(fn(x) {\nprint(x)\n})\n}\n",
        "fn main() {\n    let f = fn(x: int) -> int {\n        return x * 2\n    }\n    let g = fn(x: int) => x + 1\n    xs.map(fn(x) {\n        print(x)\n    })\n}\n",
    );
}

#[test]
fn tabs_are_whitespace() {
    check("fn main() {\n\tlet\tx =\t1\n}\n", "fn main() {\n    let x = 1\n}\n");
}

#[test]
fn else_stays_on_the_closing_line() {
    check(
        "fn main() {\nif true {\nprint(1)\n}   else   if false {\nprint(2)\n} else {\nprint(3)\n}\n}\n",
        "fn main() {\n    if true {\n        print(1)\n    } else if false {\n        print(2)\n    } else {\n        print(3)\n    }\n}\n",
    );
}

#[test]
fn a_syntax_error_gives_diagnostics() {
    assert!(format_source("fn main() {\n    let = 1\n}\n").is_err());
    assert!(format_source("fn main() {\n    print(\"open)\n}\n").is_err());
    assert!(format_source("fn main() { @ }\n").is_err());
}

#[test]
fn hostile_input_does_not_panic() {
    let deep = format!("fn main() {{ let x = {}1{} }}\n", "(".repeat(200), ")".repeat(200));
    let formatted = format_source(&deep).expect("parses");
    assert_eq!(format_source(&formatted).expect("parses"), formatted);
    let too_deep = format!("fn main() {{ let x = {}1{} }}\n", "(".repeat(300), ")".repeat(300));
    assert!(format_source(&too_deep).is_err());
}

#[test]
fn maps_have_no_space_inside_their_braces_and_structs_do() {
    check(
        "fn main() {\n    var m: { str : int } = { \"a\" : 1, \"b\": 2 }\n    let p = P {x: 1}\n    let e: {int: str} = {}\n}\n",
        "fn main() {\n    var m: {str: int} = {\"a\": 1, \"b\": 2}\n    let p = P { x: 1 }\n    let e: {int: str} = {}\n}\n",
    );
}

/// A tool for the repository's maintenance, not a check: formats the files listed in the file
/// named by `LANG_FMT_LIST` (one path per line) into `LANG_FMT_OUT/<line number>`, an
/// `.error` file instead for a syntax error.
#[test]
#[ignore = "a maintenance tool; run with --ignored and LANG_FMT_LIST set"]
fn format_listed_files() {
    let (Ok(list), Ok(output)) = (std::env::var("LANG_FMT_LIST"), std::env::var("LANG_FMT_OUT")) else {
        return;
    };
    let list = std::fs::read_to_string(list).expect("the list is readable");
    for (index, path) in list.lines().enumerate() {
        let text = std::fs::read_to_string(path).expect("a listed file is readable");
        match format_source(&text) {
            Ok(formatted) => std::fs::write(format!("{output}/{index}"), formatted).expect("writable"),
            Err(_) => std::fs::write(format!("{output}/{index}.error"), "").expect("writable"),
        }
    }
}

#[test]
fn a_block_after_a_head_on_several_lines_lines_up_with_the_head() {
    check(
        "fn main() {\n    if a and\n    b {\n    print(1)\n    }\n}\n",
        "fn main() {\n    if a and\n        b {\n        print(1)\n    }\n}\n",
    );
}

#[test]
fn small_print_of_operators() {
    check(
        "fn main() {\n    print(- -4)\n    var x: ??int = nil\n    let y = x ?? 1\n    if {\"a\": 1}[\"a\"] == 1 { print(1) }\n    fn() { print(2) }()\n}\n",
        "fn main() {\n    print(- -4)\n    var x: ??int = nil\n    let y = x ?? 1\n    if {\"a\": 1}[\"a\"] == 1 { print(1) }\n    fn() { print(2) }()\n}\n",
    );
}

#[test]
fn a_block_opened_on_a_continued_line_is_indented_from_that_line() {
    let formatted = "fn main() {
    let kind = size +
        match size {
            0 => 1,
            _ => 2,
        }
    let f =
        fn(a: int) -> int {
            return a + 1
        }
    if ready and
        size > 2 {
        print(kind)
    }
    let total = xs.
        map(fn(x: int) -> int {
            return x
        })
}
";
    let flattened: String = formatted
        .lines()
        .map(|line| format!("{}\n", line.trim_start()))
        .collect();
    check(&flattened, formatted);
    check(formatted, formatted);
}

#[test]
fn the_else_block_of_an_if_on_a_continued_line_is_indented_from_that_line() {
    let formatted = "fn main() {
    let other =
        if x > 0 {
            1
        } else if x < 0 {
            2
        } else {
            3
        }
}
";
    let flattened: String = formatted
        .lines()
        .map(|line| format!("{}\n", line.trim_start()))
        .collect();
    check(&flattened, formatted);
}

#[test]
fn a_brace_after_a_function_expressions_arrow_opens_a_map() {
    check(
        "fn main() {\n    let f = fn(x: int) => { \"a\": x }\n    let h = fn(x: int) => {\n        \"c\": x\n    }\n    match k {\n        1 => { print(1) }\n        _ => {}\n    }\n}\n",
        "fn main() {\n    let f = fn(x: int) => {\"a\": x}\n    let h = fn(x: int) => {\n        \"c\": x\n    }\n    match k {\n        1 => { print(1) }\n        _ => {}\n    }\n}\n",
    );
}
