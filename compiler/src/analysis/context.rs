//! What the tokens before the cursor say about the name being typed, beyond `.` and plain
//! names: a new name being declared (`fn ‸`, `let ‸`), a type (`a: ‸`, `-> ‸`), or a field
//! of a struct literal (`Point { x: 1, ‸`). Read from the tokens, not the tree: the code
//! around the cursor is half-typed and does not parse.

use crate::source::FileId;
use crate::syntax::lexer::lex_layout;
use crate::syntax::token::Token;

/// The kind of name that goes where the tokens before it end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Context {
    /// The name of a function, struct, enum, variable, loop variable or import being
    /// declared: nothing to offer, every existing name would be wrong there.
    Declaration,
    /// A type: a parameter's, a result's, a variable's annotation, a struct or payload field's.
    Type,
    /// Inside a comment, the text of a string or a character literal, or a format
    /// specification (`"{x:‸}"`): no name goes there.
    Text,
    /// A field name inside `Name { ... }` or `module.Name { ... }`, after `{` or `,`, with the
    /// fields already given.
    StructLiteral {
        module: Option<String>,
        name: String,
        given: Vec<String>,
    },
}

/// The context of a name starting at the end of `before` (the text up to the name).
pub(super) fn context_before(before: &str) -> Option<Context> {
    if in_text(before) {
        return Some(Context::Text);
    }
    let layout = lex_layout(before, FileId(0));
    let tokens: Vec<Token<'_>> = layout
        .tokens
        .iter()
        .map(|(token, _)| *token)
        .filter(|token| *token != Token::Newline)
        .collect();
    match tokens.last()? {
        Token::Fn | Token::Struct | Token::Enum | Token::Let | Token::Var | Token::For | Token::Import => {
            return Some(Context::Declaration);
        }
        _ => {}
    }
    if is_type_position(&tokens) {
        return Some(Context::Type);
    }
    if declares_a_member(&tokens) || binds_a_payload(before, &tokens) {
        return Some(Context::Declaration);
    }
    struct_literal(&tokens)
}

/// Whether the tokens end where a `match` arm's pattern names a payload field (`.Rect(‸`,
/// `.Rect(w, ‸` on a line starting with `.`): a new name is bound there.
fn binds_a_payload(before: &str, tokens: &[Token<'_>]) -> bool {
    let line = before.rsplit('\n').next().unwrap_or("").trim_start();
    if !line.starts_with('.') || !matches!(tokens.last(), Some(Token::LParen | Token::Comma)) {
        return false;
    }
    innermost_open(tokens).is_some_and(|open| {
        tokens[open] == Token::LParen && matches!(tokens[..open], [.., Token::Dot, Token::Ident(_)])
    })
}

/// Whether the tokens end where a parameter (`fn f(a, ‸`), a struct declaration's field or an
/// enum declaration's variant is named.
fn declares_a_member(tokens: &[Token<'_>]) -> bool {
    if !matches!(tokens.last(), Some(Token::LParen | Token::LBrace | Token::Comma)) {
        return false;
    }
    let Some(open) = innermost_open(tokens) else {
        return false;
    };
    match tokens[open] {
        // `fn name(` of a declaration, `fn(` of a function expression.
        Token::LParen => matches!(tokens[..open], [.., Token::Fn, Token::Ident(_)] | [.., Token::Fn]),
        Token::LBrace => {
            is_declaration_brace(tokens, open, Token::Struct) || is_declaration_brace(tokens, open, Token::Enum)
        }
        _ => false,
    }
}

/// Whether the end of `before` lies in a comment, in a string's text (the string is still open
/// there, its interpolations closed), in a character literal, or in a format specification.
pub(super) fn in_text(before: &str) -> bool {
    let layout = lex_layout(before, FileId(0));
    if layout
        .comments
        .iter()
        .any(|comment| !before[comment.start as usize..].contains('\n'))
    {
        return true;
    }
    let lexed = crate::syntax::lexer::lex(before, FileId(0));
    let open_literal = lexed.diagnostics.iter().any(|diagnostic| {
        matches!(
            diagnostic.code,
            crate::diagnostics::Code::UnterminatedString | crate::diagnostics::Code::BadCharLiteral
        )
    });
    if open_literal {
        return true;
    }
    // `"{x:`: the lexer reads a format specification after the `:` of an open interpolation.
    let tokens: Vec<Token<'_>> = layout.tokens.iter().map(|(token, _)| *token).collect();
    innermost_open(&tokens).is_some_and(|open| tokens[open] == Token::InterpStart) && before.trim_end().ends_with(':')
}

/// Whether a type starts after `tokens`.
pub(super) fn is_type_position(tokens: &[Token<'_>]) -> bool {
    let Some((last, before)) = tokens.split_last() else {
        return false;
    };
    match last {
        Token::Arrow => true,
        Token::Colon => colon_starts_type(before),
        // `[int]`, `?Item`, `{str: int}`'s key: inside a type.
        Token::LBracket | Token::Question => is_type_position(before),
        // `fn(` of a function type.
        Token::LParen => matches!(before.split_last(), Some((Token::Fn, earlier)) if is_type_position(earlier)),
        _ => false,
    }
}

/// Whether the `:` after `tokens` starts a type: `let x:`, a parameter, a struct
/// declaration's field, a payload field of an enum declaration.
fn colon_starts_type(tokens: &[Token<'_>]) -> bool {
    let Some((Token::Ident(_), before_name)) = tokens.split_last() else {
        return false;
    };
    match before_name.last() {
        Some(Token::Let | Token::Var) => return true,
        Some(Token::LParen | Token::LBrace | Token::Comma) => {}
        _ => return false,
    }
    let Some(open) = innermost_open(before_name) else {
        return false;
    };
    let opener = &before_name[..open];
    match (before_name[open], opener) {
        // `fn name(a: ...`, and a function expression's `fn(a: ...`
        (Token::LParen, [.., Token::Fn, Token::Ident(_)] | [.., Token::Fn]) => true,
        // `enum E { V(a: ...`
        (Token::LParen, [.., Token::Ident(_)]) => {
            innermost_open(opener).is_some_and(|brace| is_declaration_brace(opener, brace, Token::Enum))
        }
        // `struct S { a: ...`
        (Token::LBrace, _) => is_declaration_brace(before_name, open, Token::Struct),
        _ => false,
    }
}

/// Whether the `{` at `brace` opens the body of a declaration of `keyword` (`struct S {`).
fn is_declaration_brace(tokens: &[Token<'_>], brace: usize, keyword: Token<'_>) -> bool {
    tokens[brace] == Token::LBrace
        && brace >= 2
        && matches!(tokens[brace - 1], Token::Ident(_))
        && tokens[brace - 2] == keyword
}

/// The index of the innermost bracket of `tokens` still open at their end.
fn innermost_open(tokens: &[Token<'_>]) -> Option<usize> {
    let mut depth = 0usize;
    for (index, token) in tokens.iter().enumerate().rev() {
        match token {
            Token::RParen | Token::RBracket | Token::RBrace | Token::InterpEnd => depth += 1,
            Token::LParen | Token::LBracket | Token::LBrace | Token::InterpStart => {
                if depth == 0 {
                    return Some(index);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// `Name {` or `module.Name {` still open, the tokens ending at a field name's place.
fn struct_literal(tokens: &[Token<'_>]) -> Option<Context> {
    if !matches!(tokens.last()?, Token::LBrace | Token::Comma) {
        return None;
    }
    let open = innermost_open(tokens)?;
    if tokens[open] != Token::LBrace {
        return None;
    }
    let (name, module) = match &tokens[..open] {
        [.., Token::Ident(module), Token::Dot, Token::Ident(name)] => (*name, Some(module.to_string())),
        [.., before, Token::Ident(name)] if !matches!(before, Token::Struct | Token::Enum | Token::Dot) => {
            (*name, None)
        }
        [Token::Ident(name)] => (*name, None),
        _ => return None,
    };
    // The fields given so far: `name:` at the literal's own depth.
    let mut given = Vec::new();
    let mut depth = 0usize;
    let inside = &tokens[open + 1..];
    for (index, token) in inside.iter().enumerate() {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace | Token::InterpStart => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace | Token::InterpEnd => depth = depth.saturating_sub(1),
            Token::Ident(field) if depth == 0 && inside.get(index + 1) == Some(&Token::Colon) => {
                given.push(field.to_string());
            }
            _ => {}
        }
    }
    Some(Context::StructLiteral {
        module,
        name: name.to_string(),
        given,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tokens_before_the_cursor_tell_the_context() {
        let literal = |module: Option<&str>, name: &str, given: &[&str]| {
            Some(Context::StructLiteral {
                module: module.map(str::to_string),
                name: name.to_string(),
                given: given.iter().map(|field| field.to_string()).collect(),
            })
        };
        for (before, expected) in [
            ("fn ", Some(Context::Declaration)),
            ("pub struct ", Some(Context::Declaration)),
            ("    for ", Some(Context::Declaration)),
            ("fn f(a: ", Some(Context::Type)),
            ("fn f(a: int, b: ", Some(Context::Type)),
            ("fn f(a: int, b: [", Some(Context::Type)),
            ("fn f() -> ?", Some(Context::Type)),
            ("let x: ", Some(Context::Type)),
            ("struct S {\n    a: int,\n    b: ", Some(Context::Type)),
            ("enum E { V(r: ", Some(Context::Type)),
            ("let f: fn(", Some(Context::Type)),
            ("let p = Point { ", literal(None, "Point", &[])),
            ("let p = geo.Point { x: 1.0, ", literal(Some("geo"), "Point", &["x"])),
            (
                "let p = Point {\n    x: f(1, 2),\n    tags: [\"a\"],",
                literal(None, "Point", &["x", "tags"]),
            ),
            ("let p = Point { x: ", None),
            ("let m = {\"a\": ", None),
            ("f(a, ", None),
            ("struct S { ", Some(Context::Declaration)),
            ("enum E { A, ", Some(Context::Declaration)),
            ("fn f(a: int, ", Some(Context::Declaration)),
            ("xs.filter(fn(", Some(Context::Declaration)),
            ("match s {\n    .Rect(", Some(Context::Declaration)),
            ("match s {\n    .Rect(w, ", Some(Context::Declaration)),
            ("let s: Shape = .Rect(", None),
            ("xs.map(fn(a, ", Some(Context::Declaration)),
            ("xs.map(fn(a: ", Some(Context::Type)),
            ("print(\"hello a", Some(Context::Text)),
            ("print(\"x {n} a", Some(Context::Text)),
            ("print(\"{p.hp:", Some(Context::Text)),
            ("let c = 'a", Some(Context::Text)),
            ("let r = r\"raw a", Some(Context::Text)),
            ("x = 1 // note a", Some(Context::Text)),
            ("x = 1 // note\ny = ", None),
            ("print(\"{a + \"b", Some(Context::Text)),
            ("print(\"{p.", None),
            ("print(", None),
            ("", None),
        ] {
            assert_eq!(context_before(before), expected, "{before:?}");
        }
    }
}
