//! Unit tests of the lexer: the newline rule, number literals, interpolation and diagnostics.

use super::*;

fn tokens(source: &str) -> Vec<Token<'_>> {
    let lexed = lex(source, FileId(0));
    assert!(lexed.diagnostics.is_empty(), "{:?}", lexed.diagnostics);
    lexed.tokens.into_iter().map(|(token, _)| token).collect()
}

#[test]
fn a_newline_ends_a_statement_only_after_a_token_that_can_end_one() {
    use Token::*;
    assert_eq!(
        tokens("x = 1 +\n2\ny"),
        [Ident("x"), Assign, Int(1), Plus, Int(2), Newline, Ident("y")]
    );
    assert_eq!(
        tokens("f(1,\n2)\n"),
        [Ident("f"), LParen, Int(1), Comma, Int(2), RParen]
    );
    assert_eq!(tokens("if x {\n}\n"), [If, Ident("x"), LBrace, RBrace]);
    assert_eq!(tokens("return\nx"), [Return, Newline, Ident("x")]);
    assert_eq!(tokens("a and\nb"), [Ident("a"), And, Ident("b")]);
}

#[test]
fn numbers_in_every_base_with_underscores() {
    use Token::*;
    assert_eq!(
        tokens("1_000 0xff 0b1010 1.5 2.5e-3 1e9"),
        [Int(1000), Int(255), Int(10), Float(1.5), Float(2.5e-3), Float(1e9)]
    );
    assert_eq!(tokens("0..5"), [Int(0), DotDot, Int(5)]);
}

#[test]
fn interpolation_lexes_the_inner_expression_and_nested_strings() {
    use Token::*;
    assert_eq!(
        tokens(r#""a {f(x, "-")} b""#),
        [
            StrStart,
            StrText("a "),
            InterpStart,
            Ident("f"),
            LParen,
            Ident("x"),
            Comma,
            Str("-"),
            RParen,
            InterpEnd,
            StrText(" b"),
            StrEnd
        ]
    );
    assert_eq!(unescape(r#"\n\t\{\}\"\\"#), "\n\t{}\"\\");
}

#[test]
fn problems_become_diagnostics() {
    for (source, code) in [
        ("@", Code::UnexpectedCharacter),
        ("\"abc", Code::UnterminatedString),
        ("\"\\q\"", Code::UnknownEscape),
        ("99999999999999999999", Code::IntegerTooLarge),
        ("1e400", Code::FloatOutOfRange),
        ("1_", Code::MalformedNumber),
        ("\"{}\"", Code::BadInterpolation),
        ("(", Code::UnbalancedDelimiter),
    ] {
        let lexed = lex(source, FileId(0));
        let codes: Vec<Code> = lexed.diagnostics.iter().map(|diagnostic| diagnostic.code).collect();
        assert_eq!(codes, [code], "{source}");
    }
}

#[test]
fn enum_and_match_keywords_and_the_fat_arrow() {
    use Token::*;
    assert_eq!(
        tokens("enum E { A }\nmatch x {\n.A => 1,\n_ => 2\n}"),
        [
            Enum,
            Ident("E"),
            LBrace,
            Ident("A"),
            RBrace,
            Newline,
            Match,
            Ident("x"),
            LBrace,
            Dot,
            Ident("A"),
            FatArrow,
            Int(1),
            Comma,
            Ident("_"),
            FatArrow,
            Int(2),
            RBrace
        ]
    );
    // `=` then `>` with a space is still an assignment followed by a comparison.
    assert_eq!(tokens("a = >b"), [Ident("a"), Assign, Greater, Ident("b")]);
}

#[test]
fn character_literals_are_their_scalar_values() {
    use Token::*;
    assert_eq!(
        tokens(r"'a' 'é' '\n' '\'' '\\' '{' '\}' '😀'"),
        [
            Char(97),
            Char(233),
            Char(10),
            Char(39),
            Char(92),
            Char(123),
            Char(125),
            Char(0x1f600)
        ]
    );
    // Inside an interpolation a character literal hides its `}` and `:`.
    assert_eq!(
        tokens(r#""{c == '}'}{d != ':'}""#),
        [
            StrStart,
            InterpStart,
            Ident("c"),
            EqEq,
            Char(125),
            InterpEnd,
            InterpStart,
            Ident("d"),
            NotEq,
            Char(58),
            InterpEnd,
            StrEnd
        ]
    );
}

#[test]
fn raw_strings_keep_their_text_as_written() {
    use Token::*;
    assert_eq!(tokens(r#"r"C:\path {x}""#), [RawStr(r"C:\path {x}")]);
    assert_eq!(tokens(r##"r#"say "hi""#"##), [RawStr(r#"say "hi""#)]);
    assert_eq!(tokens("r##\"a\"#b\"##"), [RawStr("a\"#b")]);
    assert_eq!(tokens("r\"line\nbreak\""), [RawStr("line\nbreak")]);
    // `r` alone stays an identifier.
    assert_eq!(tokens("r = r + 1"), [Ident("r"), Assign, Ident("r"), Plus, Int(1)]);
}

#[test]
fn the_coalescing_operator_is_one_token() {
    use Token::*;
    assert_eq!(
        tokens("a ?? b ? c"),
        [Ident("a"), QuestionQuestion, Ident("b"), Question, Ident("c")]
    );
}

#[test]
fn a_format_specification_follows_the_first_top_level_colon() {
    use crate::syntax::ast::{FormatAlign, FormatSpec};
    use Token::*;
    let spec = |fill, align, zero, width, precision| FormatSpec {
        fill,
        align,
        zero,
        width,
        precision,
    };
    assert_eq!(
        tokens(r#""{x:>8}""#),
        [
            StrStart,
            InterpStart,
            Ident("x"),
            FormatSpec(spec(' ', Some(FormatAlign::Right), false, 8, None)),
            InterpEnd,
            StrEnd
        ]
    );
    let lexed = tokens(r#""{m["k:v"]:*^020.3}{f(a, {1: 2})}""#);
    assert!(lexed.contains(&FormatSpec(spec('*', Some(FormatAlign::Center), true, 20, Some(3)))));
    assert_eq!(lexed.iter().filter(|token| matches!(token, FormatSpec(_))).count(), 1);
    for (text, expected) in [
        ("", spec(' ', None, false, 0, None)),
        ("05", spec(' ', None, true, 5, None)),
        (".0", spec(' ', None, false, 0, Some(0))),
        ("<", spec(' ', Some(FormatAlign::Left), false, 0, None)),
        ("<<3", spec('<', Some(FormatAlign::Left), false, 3, None)),
        ("0>4", spec('0', Some(FormatAlign::Right), false, 4, None)),
        ("é^7.2", spec('é', Some(FormatAlign::Center), false, 7, Some(2))),
    ] {
        assert_eq!(super::literals::parse_format_spec(text), Ok(expected), "{text}");
    }
    for (text, start, end) in [
        ("x", 0, 1),
        ("8.", 1, 2),
        ("5x", 1, 2),
        ("99999999", 0, 8),
        ("<<<", 2, 3),
    ] {
        let problem = super::literals::parse_format_spec(text).unwrap_err();
        assert_eq!((problem.start, problem.end), (start, end), "{text}");
    }
}

#[test]
fn bad_literals_become_diagnostics() {
    for (source, code) in [
        ("''", Code::BadCharLiteral),
        ("'ab'", Code::BadCharLiteral),
        ("'a", Code::BadCharLiteral),
        ("'", Code::BadCharLiteral),
        (r"'\q'", Code::UnknownEscape),
        ("r\"abc", Code::UnterminatedString),
        ("r#\"abc\"", Code::UnterminatedString),
        ("\"{x:8.}\"", Code::BadFormatSpec),
        ("\"{x:abc}\"", Code::BadFormatSpec),
        ("\"{:5}\"", Code::BadInterpolation),
    ] {
        let lexed = lex(source, FileId(0));
        let codes: Vec<Code> = lexed.diagnostics.iter().map(|diagnostic| diagnostic.code).collect();
        assert_eq!(codes, [code], "{source}");
    }
}

/// Two different tokens never give the same bytes: every token of a text that uses each
/// kind, compared pairwise (a token hash would otherwise miss an edit).
#[test]
fn different_tokens_have_different_stable_bytes() {
    let text = "import m\npub struct S { a: int = 1 }\nenum E { A, B(int) }\nfn f(x: int) -> ?str {\n    let y = 'c'\n    var z = 1.5 + 2 - 3 * 4 / 5 % 6\n    z += 1; z -= 1; z *= 1.0; z /= 1.0\n    if x == 1 and x != 2 or not (x < 3) { return nil } else if x <= 4 { return \"s\" }\n    while x >= 5 and x > 6 { break }\n    for i in 0..3 { continue }\n    for i in 0..=3 {}\n    let w = [1, 2][0] | 1 ^ 2 & 3 << 4 >> 5\n    let v = ~w\n    let u = match E.A { E.A => 1, _ => 2 }\n    let t = f(1)!\n    let q = f(1) ?? \"d\"\n    let r = r\"raw\"\n    let p = \"a {x:>8} b {y}\"\n    x %= 2\n    return true or false\n}\n";
    let lexed = lex(text, FileId(0));
    assert!(lexed.diagnostics.is_empty(), "{:?}", lexed.diagnostics);
    let mut seen: Vec<(Token<'_>, Vec<u8>)> = Vec::new();
    for (token, _) in &lexed.tokens {
        let bytes = token.stable_bytes();
        for (other, other_bytes) in &seen {
            assert!(
                (other == token) == (*other_bytes == bytes),
                "{other:?} and {token:?} give {other_bytes:?} and {bytes:?}"
            );
        }
        seen.push((*token, bytes));
    }
    assert!(seen.len() > 100);
}
