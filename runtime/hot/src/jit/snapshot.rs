//! The snapshot of the version that runs: hashes of each module's source, interface, shape,
//! struct declarations and functions' tokens, against which the next version is diffed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use lang_compiler::CheckedProgram;
use lang_compiler::source::SourceOrigin;
use lang_compiler::syntax::ast::Module;

use super::sources::virtual_module;
use super::stamps::{FileStamp, SETTLED};

/// What is known about the version of the program that runs (or is about to).
pub struct Snapshot {
    /// Per module name: a hash of its source text.
    pub sources: HashMap<String, u64>,
    /// Per module name: a hash of its source's tokens (comments and spacing do not count):
    /// whether `on_reload` runs.
    pub source_tokens: HashMap<String, u64>,
    /// Per module name: its interface hash.
    pub interfaces: HashMap<String, u64>,
    /// Per module, per function: a hash of the function's tokens. A module's table is shared
    /// with the next snapshots while its text is unchanged: copying every function's entry
    /// on each save would make a reload cost grow with the program.
    pub functions: HashMap<String, Arc<HashMap<String, u64>>>,
    /// Per module, per function: a hash of where and how its text lies (its line and column,
    /// and its text with spacing and comments). A function that only moved (LANGUAGE.md
    /// section 7 item 2: not a change) keeps its tokens but not its lines: it is compiled
    /// again, unreported, so that its runtime errors name the lines where it now is.
    pub placements: HashMap<String, Arc<HashMap<String, u64>>>,
    /// Per module: a hash of its struct declarations' tokens. Importers build that module's
    /// structs with its field defaults, so a changed default recompiles them.
    pub struct_declarations: HashMap<String, u64>,
    /// Per module: a hash of everything but function bodies (imports, structs, variables and
    /// every function's signature). When it is unchanged, only the functions whose tokens
    /// changed need compiling: the others' code is still right.
    pub shapes: HashMap<String, u64>,
    /// Every file of the program, for the watcher and to notice deletions.
    pub files: Vec<PathBuf>,
    /// The hash of each file's text as this version compiled it (in the order of `files`), as
    /// `file_hashes` computes it: a save that lands during a compile differs from these and
    /// gets its own reload.
    pub compiled_hashes: Vec<u64>,
    /// Every (module, function) whose code the session has held: compiled by this version or
    /// an earlier one, removed since or not (set by `plan::compiled_after`; functions that
    /// cannot run are not compiled).
    pub compiled: CompiledFunctions,
}

/// The functions whose code a session has held, by module name (`Snapshot::compiled`): a
/// plan looks a function up by `&str`, without making a key.
pub type CompiledFunctions = HashMap<String, std::collections::HashSet<String>>;

impl Snapshot {
    /// The hash of the tokens of `function` of `module`, if the version has it.
    pub fn function(&self, module: &str, function: &str) -> Option<u64> {
        self.functions.get(module)?.get(function).copied()
    }

    /// The hash of where `function` of `module` lies (`placements`), if the version has it.
    pub fn placement(&self, module: &str, function: &str) -> Option<u64> {
        self.placements.get(module)?.get(function).copied()
    }
}

/// A hash of a text, to notice that it changed (within this process only).
pub(super) fn hash_text(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Hashes of the program's files as they are on disk now (`None` when one is missing).
pub(super) fn file_hashes(files: &[PathBuf]) -> Option<Vec<u64>> {
    files.iter().map(|path| file_hash(path)).collect()
}

std::thread_local! {
    /// Per file: its stamp and hash when it was read, for files that had settled by then.
    /// Each save hashes every file of the program to notice what changed; reading and hashing
    /// the unchanged ones again would make a reload cost grow with the program (LANGUAGE.md
    /// section 7 item 14). As git's index does, a file whose stamp is too recent is read again.
    static SETTLED_HASHES: std::cell::RefCell<HashMap<PathBuf, (FileStamp, u64)>> =
        std::cell::RefCell::new(HashMap::new());
}

/// The hash of a file's text as it is on disk now (`None` when it cannot be read).
fn file_hash(path: &std::path::Path) -> Option<u64> {
    let Ok(metadata) = std::fs::metadata(path) else {
        SETTLED_HASHES.with(|kept| kept.borrow_mut().remove(path));
        return None;
    };
    let stamp = FileStamp::of(&metadata);
    let kept = SETTLED_HASHES.with(|kept| kept.borrow().get(path).copied());
    if let Some((kept_stamp, hash)) = kept
        && kept_stamp == stamp
    {
        return Some(hash);
    }
    let read_at = std::time::SystemTime::now();
    let bytes = std::fs::read(path).ok()?;
    let hash = hash_text(&String::from_utf8_lossy(&bytes));
    // Kept only when the file is the one stamped (not replaced between the two calls) and had
    // settled: a write after `read_at` then gets a later stamp.
    let settled = stamp
        .latest()
        .and_then(|latest| read_at.duration_since(latest).ok())
        .is_some_and(|age| age >= SETTLED);
    let unchanged = std::fs::metadata(path).is_ok_and(|after| FileStamp::of(&after) == stamp);
    SETTLED_HASHES.with(|kept| {
        let mut kept = kept.borrow_mut();
        if settled && unchanged {
            kept.insert(path.to_path_buf(), (stamp, hash));
        } else {
            kept.remove(path);
        }
    });
    Some(hash)
}

/// The hashes of one module that depend on its text alone, kept between snapshots of a
/// session (`MODULE_HASHES`, shared, not copied): lexing every function of every module again on
/// each save would make a reload cost grow with the program (LANGUAGE.md section 7 item 14).
struct ModuleHashes {
    /// The tree the hashes were made from: the parse cache gives the same tree back for the
    /// same text, so a module whose tree is this one needs neither its text hashed nor its
    /// tokens lexed again.
    tree: Arc<Module>,
    text: u64,
    source_tokens: u64,
    /// Each function declaration's token hash, by name.
    functions: Arc<HashMap<String, u64>>,
    /// Each function declaration's placement hash (`Snapshot::placements`), by name.
    placements: Arc<HashMap<String, u64>>,
    /// The tokens of every item but functions (imports, structs, enums, variables).
    other_items: u64,
    struct_declarations: u64,
    /// The sorted signatures (`name:type key`) of the module's functions, with the hash of the
    /// interfaces of the modules it imports that they were made with: a signature names types
    /// by module and name, so it follows from the module's text and what it imports.
    signatures: std::cell::RefCell<Option<(u64, Rc<Vec<String>>)>>,
}

std::thread_local! {
    /// `ModuleHashes` by module name, for the modules of the last snapshot made on this
    /// thread (a compiler thread makes one per version).
    static MODULE_HASHES: std::cell::RefCell<HashMap<String, Rc<ModuleHashes>>> =
        std::cell::RefCell::new(HashMap::new());
}

std::thread_local! {
    /// How many modules' function signatures the last snapshot made on this thread made
    /// again (the others' were kept): `LANG_HMR_DEBUG` shows it.
    static SIGNATURES_RECOMPUTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// See `SIGNATURES_RECOMPUTED`.
pub(super) fn last_signatures_recomputed() -> usize {
    SIGNATURES_RECOMPUTED.with(std::cell::Cell::get)
}

/// The module's tokens, lexed once: the hash of those within a span is `token_hash` of the
/// span's text (a test checks it), without lexing each item again.
struct Tokens {
    /// Each token's start and end in the text, and where its hash's bytes
    /// (`codegen::token_hash`: the token's `Token::write_stable` bytes; newlines do not count)
    /// are in `shown`. One buffer for all tokens: a module has tens of thousands of them, and a
    /// `String` each made the first snapshot of a large program cost one allocation per token.
    tokens: Vec<(usize, usize, std::ops::Range<usize>)>,
    shown: Vec<u8>,
}

impl Tokens {
    fn of(text: &str) -> Tokens {
        use lang_compiler::syntax::token::Token;
        let lexed = lang_compiler::syntax::lexer::lex(text, lang_compiler::FileId(0));
        let mut tokens = Vec::with_capacity(lexed.tokens.len());
        let mut shown = Vec::with_capacity(text.len() * 2);
        for (token, span) in &lexed.tokens {
            if *token == Token::Newline {
                continue;
            }
            let start = shown.len();
            token.write_stable(&mut shown);
            let range = span.range();
            tokens.push((range.start, range.end, start..shown.len()));
        }
        Tokens { tokens, shown }
    }

    /// `token_hash` of the text in `range`.
    fn hash(&self, range: std::ops::Range<usize>) -> u64 {
        use std::hash::Hasher;
        let first = self.tokens.partition_point(|(start, _, _)| *start < range.start);
        let mut hasher = lang_abi::StableHasher::new();
        for (_, end, shown) in &self.tokens[first..] {
            if *end > range.end {
                break;
            }
            hasher.write(&self.shown[shown.clone()]);
            hasher.write_u8(0xff);
        }
        hasher.finish()
    }
}

fn module_hashes(module: &lang_compiler::sema::ModuleData, text: &str, text_hash: u64) -> ModuleHashes {
    use lang_compiler::syntax::ast::Item;
    let tokens = Tokens::of(text);
    let mut functions = HashMap::new();
    let mut placements = HashMap::new();
    let mut other_items = std::collections::hash_map::DefaultHasher::new();
    let mut struct_declarations = std::collections::hash_map::DefaultHasher::new();
    // The line of the last function's start, counted on from there (items come in order).
    let (mut line, mut counted_to) = (1usize, 0usize);
    for item in &module.ast.items {
        let span = match item {
            Item::Function(declaration) => {
                functions.insert(declaration.name.text.clone(), tokens.hash(declaration.span.range()));
                let start = (declaration.span.start as usize).max(counted_to);
                line += text.as_bytes()[counted_to..start]
                    .iter()
                    .filter(|byte| **byte == b'\n')
                    .count();
                counted_to = start;
                let line_start = text[..start].rfind('\n').map_or(0, |newline| newline + 1);
                let mut placement = std::collections::hash_map::DefaultHasher::new();
                (line, start - line_start, text.get(declaration.span.range())).hash(&mut placement);
                placements.insert(declaration.name.text.clone(), placement.finish());
                continue;
            }
            Item::Import(import) => import.span,
            Item::Struct(declaration) => {
                tokens.hash(declaration.span.range()).hash(&mut struct_declarations);
                declaration.span
            }
            Item::Enum(declaration) => declaration.span,
            Item::Variable(declaration) => declaration.span,
        };
        tokens.hash(span.range()).hash(&mut other_items);
    }
    ModuleHashes {
        tree: module.ast.clone(),
        text: text_hash,
        source_tokens: tokens.hash(0..text.len()),
        functions: Arc::new(functions),
        placements: Arc::new(placements),
        other_items: other_items.finish(),
        struct_declarations: struct_declarations.finish(),
        signatures: std::cell::RefCell::new(None),
    }
}

/// The hashes of `module` (whose text is `text`): the kept ones when its tree, or else its
/// text, is the one they were made from.
fn hashes_of(
    memo: &HashMap<String, Rc<ModuleHashes>>,
    module: &lang_compiler::sema::ModuleData,
    text: &str,
) -> Rc<ModuleHashes> {
    let kept = memo.get(&module.name);
    if let Some(kept) = kept
        && Arc::ptr_eq(&kept.tree, &module.ast)
    {
        return kept.clone();
    }
    let text_hash = hash_text(text);
    match kept {
        Some(kept) if kept.text == text_hash => kept.clone(),
        _ => Rc::new(module_hashes(module, text, text_hash)),
    }
}

/// The sorted signatures of the functions of module `index`, made again only when the
/// module's text or the interfaces of the modules it imports changed.
fn signatures_of(
    checked: &CheckedProgram,
    index: usize,
    hashes: &ModuleHashes,
    interfaces: &HashMap<String, u64>,
    recomputed: &mut usize,
) -> Rc<Vec<String>> {
    let module = &checked.program.modules[index];
    let mut imports = std::collections::hash_map::DefaultHasher::new();
    for (_, target) in &module.imports {
        target
            .map(|target| interfaces.get(&checked.program.module(target).name))
            .hash(&mut imports);
    }
    let imports = imports.finish();
    if let Some((key, signatures)) = &*hashes.signatures.borrow()
        && *key == imports
    {
        return signatures.clone();
    }
    *recomputed += 1;
    let id = lang_compiler::sema::ModuleId(index as u32);
    let mut signatures: Vec<String> = checked
        .items
        .functions
        .iter()
        .filter(|info| info.module == id)
        .map(|info| format!("{}:{}", info.name, checked.type_key(&info.ty())))
        .collect();
    signatures.sort();
    let signatures = Rc::new(signatures);
    *hashes.signatures.borrow_mut() = Some((imports, signatures.clone()));
    signatures
}

/// The program's files as a snapshot lists them (`Snapshot::files`): module files read from
/// disk, in module order.
pub(super) fn files_of(checked: &CheckedProgram) -> Vec<PathBuf> {
    checked
        .program
        .modules
        .iter()
        .filter_map(|module| match &checked.sources.get(module.file).origin {
            SourceOrigin::File(path) if virtual_module(path).is_none() => Some(path.clone()),
            _ => None,
        })
        .collect()
}

/// The snapshot of a checked program.
pub fn snapshot(checked: &CheckedProgram) -> Snapshot {
    let mut sources = HashMap::new();
    let mut source_tokens = HashMap::new();
    let mut interfaces = HashMap::new();
    let mut files = Vec::new();
    let mut compiled_hashes = Vec::new();
    let mut functions = HashMap::new();
    let mut placements = HashMap::new();
    let mut struct_declarations = HashMap::new();
    let mut shapes = HashMap::new();
    let mut kept = HashMap::new();
    for (index, module) in checked.program.modules.iter().enumerate() {
        if let Some(interface) = checked.interfaces.get(index) {
            interfaces.insert(module.name.clone(), interface.hash_value());
        }
    }
    let mut recomputed = 0;
    MODULE_HASHES.with(|memo| {
        let memo = memo.borrow();
        for (index, module) in checked.program.modules.iter().enumerate() {
            let file = checked.sources.get(module.file);
            let hashes = hashes_of(&memo, module, &file.text);
            sources.insert(module.name.clone(), hashes.text);
            source_tokens.insert(module.name.clone(), hashes.source_tokens);
            if let SourceOrigin::File(path) = &file.origin
                && virtual_module(path).is_none()
            {
                files.push(path.clone());
                compiled_hashes.push(hashes.text);
            }
            functions.insert(module.name.clone(), hashes.functions.clone());
            placements.insert(module.name.clone(), hashes.placements.clone());
            struct_declarations.insert(module.name.clone(), hashes.struct_declarations);
            let signatures = signatures_of(checked, index, &hashes, &interfaces, &mut recomputed);
            let mut shape = std::collections::hash_map::DefaultHasher::new();
            hashes.other_items.hash(&mut shape);
            signatures.hash(&mut shape);
            shapes.insert(module.name.clone(), shape.finish());
            kept.insert(module.name.clone(), hashes);
        }
    });
    MODULE_HASHES.with(|memo| *memo.borrow_mut() = kept);
    SIGNATURES_RECOMPUTED.with(|count| count.set(recomputed));
    Snapshot {
        sources,
        source_tokens,
        interfaces,
        functions,
        placements,
        struct_declarations,
        shapes,
        files,
        compiled_hashes,
        compiled: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lang_compiler::codegen::token_hash;

    #[test]
    fn hashes_of_spans_of_one_lexing_are_token_hashes_of_their_texts() {
        let text = "import lib\n\n// a comment\npub struct Point {\n    x: int = 1,\n    label: str = \"p {1 + 2}\",\n}\n\nvar count = 0\n\npub fn show(point: Point) -> str {\n    let list = [1, 2, 3]\n    for value in list {\n        count += value // counted\n    }\n    return \"{point.label}: {count} {lib.value()}\"\n}\n\nfn main() {\n    print(show(Point()))\n}\n";
        let tokens = Tokens::of(text);
        assert_eq!(tokens.hash(0..text.len()), token_hash(text));
        let tree = lang_compiler::syntax::parse_file(text, lang_compiler::FileId(0)).0;
        assert_eq!(tree.items.len(), 5);
        for item in &tree.items {
            use lang_compiler::syntax::ast::Item;
            let span = match item {
                Item::Function(declaration) => declaration.span,
                Item::Import(import) => import.span,
                Item::Struct(declaration) => declaration.span,
                Item::Enum(declaration) => declaration.span,
                Item::Variable(declaration) => declaration.span,
            };
            assert_eq!(
                tokens.hash(span.range()),
                token_hash(&text[span.range()]),
                "{}",
                &text[span.range()]
            );
        }
    }

    #[test]
    fn a_file_rewritten_at_once_with_the_same_size_gets_its_new_hash() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("lib.ln");
        std::fs::write(&path, "pub fn f() -> int {\n    return 1\n}\n").expect("written");
        let first = file_hashes(std::slice::from_ref(&path)).expect("hashed");
        // Same size, same second: a file touched just now is read again, never taken on trust.
        std::fs::write(&path, "pub fn f() -> int {\n    return 2\n}\n").expect("written");
        let second = file_hashes(std::slice::from_ref(&path)).expect("hashed");
        assert_ne!(first, second);
        assert_eq!(second, vec![hash_text("pub fn f() -> int {\n    return 2\n}\n")]);
        std::fs::remove_file(&path).expect("removed");
        assert_eq!(file_hashes(std::slice::from_ref(&path)), None);
    }
}
