//! The snapshot of the version that runs: hashes of each module's source, interface, shape,
//! struct declarations and functions' tokens, against which the next version is diffed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use lang_compiler::CheckedProgram;
use lang_compiler::codegen::token_hash;
use lang_compiler::source::SourceOrigin;

use super::sources::virtual_module;

/// What is known about the version of the program that runs (or is about to).
pub struct Snapshot {
    /// Per module name: a hash of its source text.
    pub sources: HashMap<String, u64>,
    /// Per module name: a hash of its source's tokens (comments and spacing do not count):
    /// whether `on_reload` runs.
    pub source_tokens: HashMap<String, u64>,
    /// Per module name: its interface hash.
    pub interfaces: HashMap<String, u64>,
    /// Per (module, function): a hash of the function's tokens.
    pub functions: HashMap<(String, String), u64>,
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
    pub compiled: std::collections::HashSet<(String, String)>,
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

/// What identifies one state of a file without reading it: its size, inode, modification and
/// status-change times.
#[derive(Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    inode: u64,
    modified: Option<std::time::SystemTime>,
    changed: (i64, i64),
}

impl FileStamp {
    fn of(metadata: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        let (inode, changed) = {
            use std::os::unix::fs::MetadataExt;
            (metadata.ino(), (metadata.ctime(), metadata.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (inode, changed) = (0, (0, 0));
        FileStamp {
            len: metadata.len(),
            inode,
            modified: metadata.modified().ok(),
            changed,
        }
    }

    /// The latest time the stamp says the file was touched.
    fn latest(&self) -> Option<std::time::SystemTime> {
        let changed = u64::try_from(self.changed.0).ok().map(|seconds| {
            std::time::UNIX_EPOCH + std::time::Duration::new(seconds, self.changed.1.clamp(0, 999_999_999) as u32)
        });
        match (self.modified, changed) {
            (Some(modified), Some(changed)) => Some(modified.max(changed)),
            (modified, changed) => modified.or(changed),
        }
    }
}

/// A file touched less than this long before it was read may be written again with the same
/// stamp (file systems keep times at a coarse granularity): its hash is not kept.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(3);

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
    source_tokens: u64,
    /// Each function declaration's name and token hash, in source order.
    functions: Vec<(String, u64)>,
    /// The tokens of every item but functions (imports, structs, enums, variables).
    other_items: u64,
    struct_declarations: u64,
}

std::thread_local! {
    /// `ModuleHashes` by module name and text hash, for the modules of the last snapshot made
    /// on this thread (a compiler thread makes one per version).
    static MODULE_HASHES: std::cell::RefCell<HashMap<(String, u64), std::rc::Rc<ModuleHashes>>> =
        std::cell::RefCell::new(HashMap::new());
}

fn module_hashes(module: &lang_compiler::sema::ModuleData, text: &str) -> ModuleHashes {
    use lang_compiler::syntax::ast::Item;
    let mut functions = Vec::new();
    let mut other_items = std::collections::hash_map::DefaultHasher::new();
    let mut struct_declarations = std::collections::hash_map::DefaultHasher::new();
    for item in &module.ast.items {
        let span = match item {
            Item::Function(declaration) => {
                functions.push((
                    declaration.name.text.clone(),
                    token_hash(&text[declaration.span.range()]),
                ));
                continue;
            }
            Item::Import(import) => import.span,
            Item::Struct(declaration) => {
                token_hash(&text[declaration.span.range()]).hash(&mut struct_declarations);
                declaration.span
            }
            Item::Enum(declaration) => declaration.span,
            Item::Variable(declaration) => declaration.span,
        };
        token_hash(&text[span.range()]).hash(&mut other_items);
    }
    ModuleHashes {
        source_tokens: token_hash(text),
        functions,
        other_items: other_items.finish(),
        struct_declarations: struct_declarations.finish(),
    }
}

/// The snapshot of a checked program.
pub fn snapshot(checked: &CheckedProgram) -> Snapshot {
    let mut sources = HashMap::new();
    let mut source_tokens = HashMap::new();
    let mut interfaces = HashMap::new();
    let mut files = Vec::new();
    let mut compiled_hashes = Vec::new();
    let mut functions = HashMap::new();
    let mut struct_declarations = HashMap::new();
    let mut other_items = Vec::new();
    let mut kept = HashMap::new();
    MODULE_HASHES.with(|memo| {
        let memo = memo.borrow();
        for (index, module) in checked.program.modules.iter().enumerate() {
            let file = checked.sources.get(module.file);
            let text_hash = hash_text(&file.text);
            let key = (module.name.clone(), text_hash);
            let hashes = match memo.get(&key) {
                Some(hashes) => hashes.clone(),
                None => std::rc::Rc::new(module_hashes(module, &file.text)),
            };
            sources.insert(module.name.clone(), text_hash);
            source_tokens.insert(module.name.clone(), hashes.source_tokens);
            if let Some(interface) = checked.interfaces.get(index) {
                interfaces.insert(module.name.clone(), interface.hash_value());
            }
            if let SourceOrigin::File(path) = &file.origin
                && virtual_module(path).is_none()
            {
                files.push(path.clone());
                compiled_hashes.push(text_hash);
            }
            for (function, hash) in &hashes.functions {
                functions.insert((module.name.clone(), function.clone()), *hash);
            }
            struct_declarations.insert(module.name.clone(), hashes.struct_declarations);
            other_items.push(hashes.other_items);
            kept.insert(key, hashes);
        }
    });
    MODULE_HASHES.with(|memo| *memo.borrow_mut() = kept);
    let mut signatures: Vec<Vec<String>> = checked.program.modules.iter().map(|_| Vec::new()).collect();
    for info in &checked.items.functions {
        signatures[info.module.0 as usize].push(format!("{}:{}", info.name, checked.type_key(&info.ty())));
    }
    let mut shapes = HashMap::new();
    for (index, module) in checked.program.modules.iter().enumerate() {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        other_items[index].hash(&mut hasher);
        signatures[index].sort();
        signatures[index].hash(&mut hasher);
        shapes.insert(module.name.clone(), hasher.finish());
    }
    Snapshot {
        sources,
        source_tokens,
        interfaces,
        functions,
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
