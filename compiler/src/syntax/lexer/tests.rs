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
