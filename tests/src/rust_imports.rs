//! Which Rust source file of a crate imports which, for the house rule "no two files import
//! each other, directly or in a longer circle" (checked by `tests/tests/tidy.rs`).
//!
//! A file imports another when it names an item through the other file's module: a `use`
//! of `crate::…`, `super::…`, `self::…` or a child module's path, or such a path written in
//! code (`crate::x::y(…)`). The path is resolved to the longest prefix that is a module, and
//! that module's file is the one imported; so `use super::Thing` in `a/b.rs`, where `Thing`
//! is defined in `a/mod.rs`, is an import of `a/mod.rs`; a name re-exported with `pub use` is
//! followed to the file that defines it, and a `pub use` itself imports nothing. Declaring a
//! child (`mod b;`) is not an import, nor is a module's file using its own children
//! (`a/mod.rs` calling into `a/b.rs`): that is how a module is built from its parts. Inline
//! modules (`mod tests { … }`) belong to their file. This is a lexical reading, not name
//! resolution; a name it cannot place is taken from the module's own file.

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

/// One path a `use` declaration brings in.
#[derive(Debug, Clone, PartialEq)]
struct UseItem {
    /// The path as written, `self` at its end taken out.
    path: Vec<String>,
    /// The name it is known by here (the last segment, or the `as` name); none for `*`.
    name: Option<String>,
}

/// A path named by code, with the module that code is in.
#[derive(Debug, Clone)]
struct Reference {
    module: Vec<String>,
    path: Vec<String>,
    /// A `use … ::*`: every name of the module that the file mentions is taken from it.
    glob: bool,
}

/// What one module (a file, or an inline module in it) defines and imports.
#[derive(Debug, Default)]
struct ModuleNames {
    file: PathBuf,
    /// Whether the module is a file of its own (not an inline module).
    is_file_module: bool,
    /// Items defined here: functions, types, constants, statics, traits, macros, modules.
    definitions: BTreeSet<String>,
    /// Names imported with `use` (re-exports too), and the path each stands for.
    aliases: BTreeMap<String, Vec<String>>,
    /// Modules whose names are imported with `use …::*`.
    globs: Vec<Vec<String>>,
}

/// What one file declares and names.
#[derive(Default)]
struct FileScan {
    /// Child modules declared with `mod NAME;`, as full module paths.
    file_modules: Vec<Vec<String>>,
    /// Every module written in the file (its own and the inline ones), with its names.
    modules: BTreeMap<Vec<String>, ModuleNames>,
    /// Paths named by `use` declarations other than re-exports, and by code.
    references: Vec<Reference>,
    /// Every identifier of the file, to see which names of a glob import it uses.
    identifiers: BTreeSet<String>,
}

fn identifier(token: Option<&Token>) -> Option<&str> {
    match token {
        Some(Token::Ident(name)) => Some(name),
        _ => None,
    }
}

/// Reads the use tree starting at `tokens[at]` under `prefix`, adding every item to
/// `items`; returns the index after the tree.
fn use_tree(tokens: &[Token], mut at: usize, prefix: Vec<String>, items: &mut Vec<UseItem>) -> usize {
    let mut path = prefix;
    loop {
        match tokens.get(at) {
            Some(Token::Ident(word)) if word == "as" => {
                let name = identifier(tokens.get(at + 1)).map(str::to_string);
                items.push(UseItem { path, name });
                return at + 2;
            }
            Some(Token::Ident(word)) => {
                if word != "self" || path.is_empty() {
                    path.push(word.clone());
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
                        _ => at = use_tree(tokens, at, path.clone(), items),
                    }
                }
            }
            Some(Token::Punct('*')) => {
                items.push(UseItem { path, name: None });
                return at + 1;
            }
            _ => {
                let name = path.last().cloned();
                items.push(UseItem { path, name });
                return at;
            }
        }
    }
}

/// Keywords that define an item named by the next identifier.
const ITEM_KEYWORDS: &[&str] = &[
    "fn", "struct", "enum", "trait", "type", "const", "static", "union", "mod",
];

/// Scans one file whose module path is `module`.
fn scan(source: &str, module: &[String], file: &Path) -> FileScan {
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
    let new_module = || ModuleNames {
        file: file.to_path_buf(),
        ..ModuleNames::default()
    };
    result.modules.insert(
        module.to_vec(),
        ModuleNames {
            is_file_module: true,
            ..new_module()
        },
    );
    let previous = |at: usize, back: usize| at.checked_sub(back).map(|index| &tokens[index]);
    let mut at = 0;
    while at < tokens.len() {
        // Items of the current module are written at this depth; deeper ones are in bodies.
        let item_depth = open.last().map_or(0, |(_, opened_at)| opened_at + 1);
        match &tokens[at] {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if open.last().is_some_and(|(_, opened_at)| *opened_at == depth) {
                    open.pop();
                }
            }
            Token::Ident(word) if word == "macro_rules" && depth == item_depth => {
                if let (Some(Token::Punct('!')), Some(name)) = (tokens.get(at + 1), identifier(tokens.get(at + 2))) {
                    let here = current(&open);
                    result
                        .modules
                        .get_mut(&here)
                        .expect("the current module")
                        .definitions
                        .insert(name.to_string());
                }
            }
            Token::Ident(word) if ITEM_KEYWORDS.contains(&word.as_str()) && depth == item_depth => {
                let mut next = at + 1;
                if identifier(tokens.get(next)) == Some("mut") {
                    next += 1;
                }
                if let Some(name) = identifier(tokens.get(next)).filter(|name| *name != "fn") {
                    let here = current(&open);
                    let names = result.modules.get_mut(&here).expect("the current module");
                    names.definitions.insert(name.to_string());
                    if word == "mod" {
                        let mut path = here;
                        path.push(name.to_string());
                        match tokens.get(next + 1) {
                            Some(Token::Punct(';')) => result.file_modules.push(path),
                            Some(Token::Punct('{')) => {
                                result.modules.insert(path, new_module());
                                open.push((name.to_string(), depth));
                                depth += 1;
                                at = next + 2;
                                continue;
                            }
                            _ => {}
                        }
                    }
                }
            }
            Token::Ident(word) if word == "use" && !matches!(previous(at, 1), Some(Token::PathSeparator)) => {
                // `pub use` and `pub(crate) use` hand names on; they import nothing themselves.
                let re_export = identifier(previous(at, 1)) == Some("pub")
                    || (matches!(previous(at, 1), Some(Token::Punct(')')))
                        && identifier(previous(at, 4)) == Some("pub"));
                let mut items = Vec::new();
                let end = use_tree(&tokens, at + 1, Vec::new(), &mut items);
                let here = current(&open);
                for item in items {
                    if item.path.is_empty() {
                        continue;
                    }
                    let names = result.modules.get_mut(&here).expect("the current module");
                    match &item.name {
                        Some(name) => {
                            names.aliases.insert(name.clone(), item.path.clone());
                        }
                        None => names.globs.push(item.path.clone()),
                    }
                    if !re_export {
                        result.references.push(Reference {
                            module: here.clone(),
                            path: item.path,
                            glob: item.name.is_none(),
                        });
                    }
                }
                at = end.max(at + 1);
                continue;
            }
            Token::Ident(first)
                if matches!(tokens.get(at + 1), Some(Token::PathSeparator))
                    && !matches!(previous(at, 1), Some(Token::PathSeparator | Token::Punct('$'))) =>
            {
                result.identifiers.insert(first.clone());
                let mut path = vec![first.clone()];
                let mut next = at + 1;
                while matches!(tokens.get(next), Some(Token::PathSeparator)) {
                    match identifier(tokens.get(next + 1)) {
                        Some(name) => path.push(name.to_string()),
                        None => break,
                    }
                    next += 2;
                }
                result.references.push(Reference {
                    module: current(&open),
                    path,
                    glob: false,
                });
                at = next;
                continue;
            }
            Token::Ident(word) => {
                result.identifiers.insert(word.clone());
            }
            _ => {}
        }
        at += 1;
    }
    result
}

/// Every module of a crate with its names, and the file-level facts needed to resolve paths.
struct Crate {
    modules: BTreeMap<Vec<String>, ModuleNames>,
}

/// How many aliases or globs a path is followed through before giving up (a guard against
/// `use` loops, which the compiler rejects anyway).
const MAX_HOPS: usize = 16;

impl Crate {
    /// `path`, named in `module`, as a path from the crate root; none for a path into another
    /// crate, a local type or the prelude.
    fn absolute(&self, module: &[String], path: &[String], hops: usize) -> Option<Vec<String>> {
        let first = path.first()?;
        let mut full: Vec<String> = match first.as_str() {
            "crate" => Vec::new(),
            "super" => {
                let supers = path.iter().take_while(|segment| *segment == "super").count();
                module[..module.len().checked_sub(supers)?].to_vec()
            }
            "self" => module.to_vec(),
            _ => {
                let mut child = module.to_vec();
                child.push(first.clone());
                if self.modules.contains_key(&child) {
                    module.to_vec()
                } else {
                    let alias = self.modules.get(module)?.aliases.get(first)?;
                    if hops >= MAX_HOPS {
                        return None;
                    }
                    let mut full = self.absolute(module, alias, hops + 1)?;
                    full.extend(path[1..].iter().cloned());
                    return Some(full);
                }
            }
        };
        full.extend(
            path.iter()
                .skip_while(|segment| matches!(segment.as_str(), "crate" | "super" | "self"))
                .cloned(),
        );
        Some(full)
    }

    /// The file defining what the absolute `path` names: the item is looked up in the
    /// deepest module of the path, through its imports and globs; none when the path names a
    /// module itself.
    fn defining_file(&self, path: &[String], hops: usize) -> Option<&PathBuf> {
        let length = (0..=path.len())
            .rev()
            .find(|length| self.modules.contains_key(&path[..*length]))?;
        let module = &path[..length];
        let names = &self.modules[module];
        let name = path.get(length)?;
        if names.definitions.contains(name) || hops >= MAX_HOPS {
            return Some(&names.file);
        }
        if let Some(alias) = names.aliases.get(name) {
            let mut full = self.absolute(module, alias, hops + 1)?;
            full.extend(path[length + 1..].iter().cloned());
            return self.defining_file(&full, hops + 1);
        }
        for glob in &names.globs {
            let Some(mut full) = self.absolute(module, glob, hops + 1) else {
                continue;
            };
            let defines = self
                .modules
                .get(&full)
                .is_some_and(|target| target.definitions.contains(name) || target.aliases.contains_key(name));
            if defines {
                full.extend(path[length..].iter().cloned());
                return self.defining_file(&full, hops + 1);
            }
        }
        // Defined in a way this reading does not see (a macro, say): the module's own file.
        Some(&names.file)
    }
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
    let mut modules: BTreeMap<Vec<String>, ModuleNames> = BTreeMap::new();
    let mut scans: Vec<(PathBuf, FileScan)> = Vec::new();
    let mut pending = vec![(root.to_path_buf(), Vec::<String>::new())];
    while let Some((file, module)) = pending.pop() {
        let source = std::fs::read_to_string(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let mut scanned = scan(&source, &module, &file);
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
        modules.append(&mut scanned.modules);
        scans.push((file, scanned));
    }
    // Each file's own module (not its inline ones).
    let file_modules: BTreeMap<PathBuf, Vec<String>> = modules
        .iter()
        .filter(|(_, names)| names.is_file_module)
        .map(|(module, names)| (names.file.clone(), module.clone()))
        .collect();
    let krate = Crate { modules };
    let relative = |file: &Path| file.strip_prefix(relative_to).unwrap_or(file).to_path_buf();
    let mut graph: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, scanned) in &scans {
        let mut imports = BTreeSet::new();
        for reference in &scanned.references {
            let Some(full) = krate.absolute(&reference.module, &reference.path, 0) else {
                continue;
            };
            if reference.glob {
                // Each name of the module that the file mentions comes from there.
                let Some(names) = krate.modules.get(&full) else {
                    continue;
                };
                for name in names.definitions.iter().chain(names.aliases.keys()) {
                    if scanned.identifiers.contains(name) {
                        let mut item = full.clone();
                        item.push(name.clone());
                        imports.extend(krate.defining_file(&item, 0).cloned());
                    }
                }
            } else {
                imports.extend(krate.defining_file(&full, 0).cloned());
            }
        }
        imports.remove(file);
        // A module's file using its own children is how a module is built from its parts
        // (`mod.rs` calling into `translate.rs`); only the other direction is an import.
        let own_module = &file_modules[file];
        imports.retain(|import| !file_modules[import].starts_with(own_module));
        graph.insert(relative(file), imports.iter().map(|import| relative(import)).collect());
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

    fn module(name: &str) -> Vec<String> {
        vec![name.to_string()]
    }

    #[test]
    fn use_trees_and_code_paths_are_references() {
        let scanned = scan(
            "use crate::a::{b::{self, C}, d as e};\nuse super::*;\npub use crate::f::G;\nfn f() { crate::x::y(); }\n// crate::no\nlet s = \"crate::no\";",
            &module("m"),
            Path::new("m.rs"),
        );
        let paths: Vec<String> = scanned
            .references
            .iter()
            .map(|reference| reference.path.join("::"))
            .collect();
        assert_eq!(
            paths,
            ["crate::a::b", "crate::a::b::C", "crate::a::d", "super", "crate::x::y"]
        );
        let names = &scanned.modules[&module("m")];
        assert_eq!(names.aliases["e"], ["crate", "a", "d"]);
        assert_eq!(names.aliases["G"], ["crate", "f", "G"]);
        assert_eq!(names.globs, [vec!["super".to_string()]]);
        assert!(names.definitions.contains("f"));
    }

    #[test]
    fn inline_modules_and_item_depth_are_tracked() {
        let scanned = scan(
            "mod child;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    fn inner() { fn local() {} }\n}\nimpl X { fn method() {} }\nconst fn konst() {}\nstatic mut S: u8 = 0;\nuse crate::z;",
            &module("m"),
            Path::new("m.rs"),
        );
        assert_eq!(scanned.file_modules, [vec!["m".to_string(), "child".to_string()]]);
        let own: Vec<&String> = scanned.modules[&module("m")].definitions.iter().collect();
        assert_eq!(own, ["S", "child", "konst", "tests"]);
        let tests = vec!["m".to_string(), "tests".to_string()];
        assert_eq!(
            scanned.modules[&tests].definitions.iter().collect::<Vec<_>>(),
            ["inner"]
        );
        assert_eq!(scanned.references[0].module, tests);
        assert_eq!(scanned.references[1].module, module("m"));
    }

    #[test]
    fn circles_are_found_through_re_exports_but_not_through_a_parent_using_its_children() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let write = |file: &str, text: &str| {
            let path = folder.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        // `a` uses `B` through the re-export in `lib.rs`, defined in `b/inner.rs`, which uses
        // `a`: a circle of `a.rs` and `b/inner.rs`. `b/mod.rs` calls into `inner.rs`, whose
        // `use super::helper` is an import of `b/mod.rs`: no circle.
        write("lib.rs", "mod a;\nmod b;\npub use b::B;\n");
        write("a.rs", "use crate::B;\npub struct A;\n");
        write(
            "b/mod.rs",
            "mod inner;\npub use inner::B;\nfn helper() {}\nfn run() { inner::go() }\n",
        );
        write(
            "b/inner.rs",
            "use super::helper;\npub struct B(crate::a::A);\npub fn go() {}\n",
        );
        let graph = import_graph(&folder.path().join("lib.rs"), folder.path());
        let edges = |file: &str| -> Vec<String> {
            graph[Path::new(file)]
                .iter()
                .map(|import| import.display().to_string())
                .collect()
        };
        assert_eq!(edges("a.rs"), ["b/inner.rs"]);
        assert_eq!(edges("b/inner.rs"), ["a.rs", "b/mod.rs"]);
        assert!(edges("b/mod.rs").is_empty());
        assert!(edges("lib.rs").is_empty());
        assert_eq!(
            circles(&graph),
            [vec![PathBuf::from("a.rs"), PathBuf::from("b/inner.rs")]]
        );
    }
}
