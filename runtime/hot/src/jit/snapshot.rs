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
}

/// A hash of a text, to notice that it changed (within this process only).
pub(super) fn hash_text(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Hashes of the program's files as they are on disk now (`None` when one is missing).
pub(super) fn file_hashes(files: &[PathBuf]) -> Option<Vec<u64>> {
    files
        .iter()
        .map(|path| {
            std::fs::read(path)
                .ok()
                .map(|bytes| hash_text(&String::from_utf8_lossy(&bytes)))
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
    for (index, module) in checked.program.modules.iter().enumerate() {
        let file = checked.sources.get(module.file);
        sources.insert(module.name.clone(), hash_text(&file.text));
        source_tokens.insert(module.name.clone(), token_hash(&file.text));
        if let Some(interface) = checked.interfaces.get(index) {
            interfaces.insert(module.name.clone(), interface.hash_value());
        }
        if let SourceOrigin::File(path) = &file.origin
            && virtual_module(path).is_none()
        {
            files.push(path.clone());
            compiled_hashes.push(hash_text(&file.text));
        }
    }
    let mut functions = HashMap::new();
    let declarations = checked.function_declarations();
    for (info, declaration) in checked.items.functions.iter().zip(declarations) {
        let module = checked.program.module(info.module);
        let text = &checked.sources.get(module.file).text;
        if let Some(declaration) = declaration {
            functions.insert(
                (module.name.clone(), info.name.clone()),
                token_hash(&text[declaration.span.range()]),
            );
        }
    }
    let mut shapes = HashMap::new();
    for (index, module) in checked.program.modules.iter().enumerate() {
        let text = &checked.sources.get(module.file).text;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for item in &module.ast.items {
            match item {
                lang_compiler::syntax::ast::Item::Function(_) => {}
                lang_compiler::syntax::ast::Item::Import(import) => {
                    token_hash(&text[import.span.range()]).hash(&mut hasher)
                }
                lang_compiler::syntax::ast::Item::Struct(declaration) => {
                    token_hash(&text[declaration.span.range()]).hash(&mut hasher)
                }
                lang_compiler::syntax::ast::Item::Enum(declaration) => {
                    token_hash(&text[declaration.span.range()]).hash(&mut hasher)
                }
                lang_compiler::syntax::ast::Item::Variable(declaration) => {
                    token_hash(&text[declaration.span.range()]).hash(&mut hasher)
                }
            }
        }
        let mut signatures: Vec<String> = checked
            .items
            .functions
            .iter()
            .filter(|info| info.module.0 as usize == index)
            .map(|info| format!("{}:{}", info.name, checked.type_key(&info.ty())))
            .collect();
        signatures.sort();
        signatures.hash(&mut hasher);
        shapes.insert(module.name.clone(), hasher.finish());
    }
    let mut struct_declarations = HashMap::new();
    for module in &checked.program.modules {
        let text = &checked.sources.get(module.file).text;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for item in &module.ast.items {
            if let lang_compiler::syntax::ast::Item::Struct(declaration) = item {
                token_hash(&text[declaration.span.range()]).hash(&mut hasher);
            }
        }
        struct_declarations.insert(module.name.clone(), hasher.finish());
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
    }
}
