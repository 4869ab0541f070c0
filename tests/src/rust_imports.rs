//! Which Rust source file of a crate imports which, for the house rule "no two files import
//! each other, directly or in a longer circle" (checked by `tests/tests/tidy.rs`).
//!
//! A file imports another when it names an item through the other file's module: a `use`
//! of `crate::…`, `super::…`, `self::…` or a child module's path, or such a path written in
//! code (`crate::x::y(…)`). The path is resolved to the longest prefix that is a module, and
//! that module's file is the one imported; so `use super::Thing` in `a/b.rs`, where `Thing`
//! is defined in `a/mod.rs`, is an import of `a/mod.rs`. Declaring a child (`mod b;`) is not
//! an import. Inline modules (`mod tests { … }`) belong to their file. This is a lexical
//! reading, not name resolution: glob imports and re-exports are taken at face value.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A token of Rust source with comments, strings and characters left out.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSeparator,
    Punct(char),
}

/// Splits `source` into identifiers, `::` and single punctuation characters. String, byte
/// string, raw string and character literals, lifetimes and comments produce nothing.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    let skip_quoted = |mut at: usize| -> usize {
        // `at` is just after the opening `"`; returns the index after the closing one.
        while at < chars.len() {
            match chars[at] {
                '\\' => at += 2,
                '"' => return at + 1,
                _ => at += 1,
            }
        }
        at
    };
    let skip_raw = |mut at: usize| -> usize {
        // `at` is on the `#`s or the `"` after `r`; returns the index after the string.
        let mut hashes = 0;
        while at < chars.len() && chars[at] == '#' {
            hashes += 1;
            at += 1;
        }
        at += 1;
        while at < chars.len() {
            if chars[at] == '"' && chars[at + 1..].iter().take(hashes).filter(|&&c| c == '#').count() == hashes {
                return at + 1 + hashes;
            }
            at += 1;
        }
        at
    };
    while at < chars.len() {
        let c = chars[at];
        if c == '/' && chars.get(at + 1) == Some(&'/') {
            while at < chars.len() && chars[at] != '\n' {
                at += 1;
            }
        } else if c == '/' && chars.get(at + 1) == Some(&'*') {
            let mut depth = 0;
            while at < chars.len() {
                if chars[at] == '/' && chars.get(at + 1) == Some(&'*') {
                    depth += 1;
                    at += 2;
                } else if chars[at] == '*' && chars.get(at + 1) == Some(&'/') {
                    depth -= 1;
                    at += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    at += 1;
                }
            }
        } else if c == '"' {
            at = skip_quoted(at + 1);
        } else if c == '\'' {
            // A character literal, or a lifetime (whose name is then read as an identifier).
            if chars.get(at + 1) == Some(&'\\') {
                at += 2;
                while at < chars.len() && chars[at] != '\'' {
                    at += 1;
                }
                at += 1;
            } else if chars.get(at + 2) == Some(&'\'') {
                at += 3;
            } else {
                at += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = at;
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect();
            let next = chars.get(at).copied();
            match (word.as_str(), next) {
                ("r" | "br" | "cr", Some('"' | '#')) => at = skip_raw(at),
                ("b" | "c", Some('"')) => at = skip_quoted(at + 1),
                ("b", Some('\'')) => {
                    at += 1;
                    if chars.get(at + 1) == Some(&'\\') {
                        at += 2;
                    }
                    while at + 1 < chars.len() && chars[at + 1] != '\'' {
                        at += 1;
                    }
                    at += 2;
                }
                _ => tokens.push(Token::Ident(word)),
            }
        } else if c == ':' && chars.get(at + 1) == Some(&':') {
            tokens.push(Token::PathSeparator);
            at += 2;
        } else if c.is_whitespace() || c.is_ascii_digit() {
            at += 1;
        } else {
            tokens.push(Token::Punct(c));
            at += 1;
        }
    }
    tokens
}

/// What one file declares and names, with the module it is in at each point.
#[derive(Default)]
struct FileScan {
    /// Child modules declared with `mod NAME;`, as full module paths.
    file_modules: Vec<Vec<String>>,
    /// Modules declared inline with `mod NAME { … }`, as full module paths.
    inline_modules: Vec<Vec<String>>,
    /// Paths named: the module the naming code is in, and the path's segments.
    references: Vec<(Vec<String>, Vec<String>)>,
}

fn identifier(token: Option<&Token>) -> Option<&str> {
    match token {
        Some(Token::Ident(name)) => Some(name),
        _ => None,
    }
}

/// Reads the use tree starting at `tokens[at]` under `prefix`, adding every full path to
/// `paths`; returns the index after the tree.
fn use_tree(tokens: &[Token], mut at: usize, prefix: Vec<String>, paths: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    loop {
        match tokens.get(at) {
            Some(Token::Ident(name)) if name == "as" => {
                // `as NAME` renames the path just read.
                paths.push(path);
                return at + 2;
            }
            Some(Token::Ident(name)) => {
                if name != "self" || path.is_empty() {
                    path.push(name.clone());
                }
                at += 1;
            }
            Some(Token::PathSeparator) => at += 1,
            Some(Token::Punct('{')) => {
                at += 1;
                loop {
                    match tokens.get(at) {
                        Some(Token::Punct('}')) => return at + 1,
                        Some(Token::Punct(',')) => at += 1,
                        None => return at,
                        _ => at = use_tree(tokens, at, path.clone(), paths),
                    }
                }
            }
            Some(Token::Punct('*')) => {
                paths.push(path);
                return at + 1;
            }
            _ => {
                paths.push(path);
                return at;
            }
        }
    }
}

/// Scans one file whose module path is `module`.
fn scan(source: &str, module: &[String]) -> FileScan {
    let tokens = tokens(source);
    let mut result = FileScan::default();
    // The inline modules open at this point, with the brace depth each was opened at.
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let current = |open: &Vec<(String, usize)>| -> Vec<String> {
        module
            .iter()
            .cloned()
            .chain(open.iter().map(|(name, _)| name.clone()))
            .collect()
    };
    let mut at = 0;
    while at < tokens.len() {
        match &tokens[at] {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if open.last().is_some_and(|(_, opened_at)| *opened_at == depth) {
                    open.pop();
                }
            }
            Token::Ident(word) if word == "mod" => {
                if let Some(name) = identifier(tokens.get(at + 1)) {
                    let mut path = current(&open);
                    path.push(name.to_string());
                    match tokens.get(at + 2) {
                        Some(Token::Punct(';')) => result.file_modules.push(path),
                        Some(Token::Punct('{')) => {
                            result.inline_modules.push(path);
                            open.push((name.to_string(), depth));
                            depth += 1;
                            at += 3;
                            continue;
                        }
                        _ => {}
                    }
                }
            }
            Token::Ident(word)
                if word == "use" && !matches!(at.checked_sub(1).map(|i| &tokens[i]), Some(Token::PathSeparator)) =>
            {
                let mut paths = Vec::new();
                let end = use_tree(&tokens, at + 1, Vec::new(), &mut paths);
                let here = current(&open);
                for path in paths {
                    result.references.push((here.clone(), path));
                }
                at = end.max(at + 1);
                continue;
            }
            Token::Ident(first) if matches!(tokens.get(at + 1), Some(Token::PathSeparator)) => {
                let after_path = matches!(
                    at.checked_sub(1).map(|i| &tokens[i]),
                    Some(Token::PathSeparator | Token::Punct('$'))
                );
                if !after_path {
                    let mut path = vec![first.clone()];
                    let mut next = at + 1;
                    while matches!(tokens.get(next), Some(Token::PathSeparator)) {
                        match identifier(tokens.get(next + 1)) {
                            Some(name) => path.push(name.to_string()),
                            None => break,
                        }
                        next += 2;
                    }
                    result.references.push((current(&open), path));
                    at = next;
                    continue;
                }
            }
            _ => {}
        }
        at += 1;
    }
    result
}

/// The folder holding the files of the child modules that `file` declares.
fn children_folder(file: &Path) -> PathBuf {
    let folder = file.parent().expect("a file is in a folder");
    match file.file_stem().and_then(|stem| stem.to_str()) {
        Some("mod" | "lib" | "main") | None => folder.to_path_buf(),
        Some(stem) => folder.join(stem),
    }
}

/// The file of module `child`, declared with `mod child;` by a module whose children live in
/// `folder`.
fn child_file(folder: &Path, child: &str) -> Option<PathBuf> {
    [folder.join(format!("{child}.rs")), folder.join(child).join("mod.rs")]
        .into_iter()
        .find(|candidate| candidate.is_file())
}

/// The file-level import graph of the crate whose root file is `root` (`src/lib.rs`): for
/// each file (relative to `relative_to`), the files it imports.
pub fn import_graph(root: &Path, relative_to: &Path) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    // Every module, file or inline, and the file it is written in.
    let mut module_files: BTreeMap<Vec<String>, PathBuf> = BTreeMap::new();
    let mut scans: Vec<(PathBuf, FileScan)> = Vec::new();
    let mut pending = vec![(root.to_path_buf(), Vec::<String>::new())];
    while let Some((file, module)) = pending.pop() {
        let source = std::fs::read_to_string(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let scanned = scan(&source, &module);
        module_files.insert(module.clone(), file.clone());
        for inline in &scanned.inline_modules {
            module_files.insert(inline.clone(), file.clone());
        }
        for child in &scanned.file_modules {
            // A child of an inline module lives in the inline module's folder.
            let mut folder = children_folder(&file);
            for name in &child[module.len()..child.len() - 1] {
                folder.push(name);
            }
            let name = child.last().expect("a child has a name");
            if let Some(child_path) = child_file(&folder, name) {
                pending.push((child_path, child.clone()));
            }
        }
        scans.push((file, scanned));
    }
    let relative = |file: &Path| file.strip_prefix(relative_to).unwrap_or(file).to_path_buf();
    let mut graph: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, scanned) in &scans {
        let imports = graph.entry(relative(file)).or_default();
        for (here, path) in &scanned.references {
            let mut full: Vec<String> = match path.first().map(String::as_str) {
                Some("crate") => Vec::new(),
                Some("super") => {
                    let supers = path.iter().take_while(|segment| *segment == "super").count();
                    here[..here.len().saturating_sub(supers)].to_vec()
                }
                Some("self") => here.clone(),
                Some(first) => {
                    let mut child = here.clone();
                    child.push(first.to_string());
                    if !module_files.contains_key(&child) {
                        continue; // another crate, a type, an enum: not a module of this file's
                    }
                    here.clone()
                }
                None => continue,
            };
            full.extend(
                path.iter()
                    .skip_while(|segment| matches!(segment.as_str(), "crate" | "super" | "self"))
                    .cloned(),
            );
            let target = (0..=full.len())
                .rev()
                .find_map(|length| module_files.get(&full[..length]))
                .expect("the crate root is a module");
            if target != file {
                imports.insert(relative(target));
            }
        }
    }
    graph
}

/// The circles of `graph`: each set of two or more files that reach one another (a strongly
/// connected component), sorted.
pub fn circles(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    // Tarjan's algorithm, recursive: a crate's files are few.
    struct State<'a> {
        graph: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on_stack: BTreeSet<&'a PathBuf>,
        found: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(state: &mut State<'a>, file: &'a PathBuf) {
        let number = state.index.len();
        state.index.insert(file, number);
        state.low.insert(file, number);
        state.stack.push(file);
        state.on_stack.insert(file);
        let graph = state.graph;
        for next in graph.get(file).into_iter().flatten() {
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[file].min(state.low[next]);
                state.low.insert(file, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[file].min(state.index[next]);
                state.low.insert(file, low);
            }
        }
        if state.low[file] == state.index[file] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member.clone());
                if member == file {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for file in graph.keys() {
        if !state.index.contains_key(file) {
            visit(&mut state, file);
        }
    }
    state.found.sort();
    state.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_trees_expand_to_full_paths() {
        let scanned = scan(
            "use crate::a::{b::{self, C}, d as e};\nuse super::*;\nfn f() { crate::x::y(); }\n// crate::no\nlet s = \"crate::no\";",
            &["m".to_string()],
        );
        let paths: Vec<String> = scanned.references.iter().map(|(_, path)| path.join("::")).collect();
        assert_eq!(
            paths,
            ["crate::a::b", "crate::a::b::C", "crate::a::d", "super", "crate::x::y"]
        );
    }

    #[test]
    fn inline_modules_are_tracked() {
        let scanned = scan(
            "mod child;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    fn f() {}\n}\nuse crate::z;",
            &["m".to_string()],
        );
        assert_eq!(scanned.file_modules, [vec!["m".to_string(), "child".to_string()]]);
        assert_eq!(scanned.inline_modules, [vec!["m".to_string(), "tests".to_string()]]);
        assert_eq!(scanned.references[0].0, ["m", "tests"]);
        assert_eq!(scanned.references[1].0, ["m"]);
    }
}
