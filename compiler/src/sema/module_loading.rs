//! Loading a program: the main file and, breadth first, every module it imports (a sibling
//! file first, then the standard library), each parsed once, through the caller's parse cache
//! when it has one. Files are parsed on several threads while the loader reads the next ones
//! (`module_parsing`); each module's tree is taken back when the walk reaches it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::module_parsing::{ParseQueue, Shared, compile_threads};
use super::parse_cache::ParseCache;
use super::program::{ModuleData, Program};
use super::types::ModuleId;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, LoadError, SourceLoader, SourceMap, SourceOrigin};
use crate::syntax::ast;

fn module_name_of(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Loads and parses the main module and, breadth first, every module it imports.
pub(super) fn load_modules(
    root: &Path,
    root_text: Arc<String>,
    loader: &mut dyn SourceLoader,
    parse_cache: Option<&mut ParseCache>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Program {
    let shared = Shared::default();
    let program = std::thread::scope(|scope| {
        let mut queue = ParseQueue::new(scope, &shared, compile_threads());
        load_with_queue(root, root_text, loader, parse_cache, &mut queue, sources, diagnostics)
        // The queue is closed when dropped here, and the scope joins its workers.
    });
    shared.add_worker_times();
    program
}

/// Modules still being parsed: each module of the program has a placeholder tree from when
/// its file is read until the walk takes its parsed tree from the queue.
struct Pending {
    /// By module position: whether its tree is still in the queue.
    in_queue: Vec<bool>,
}

fn load_with_queue(
    root: &Path,
    root_text: Arc<String>,
    loader: &mut dyn SourceLoader,
    mut parse_cache: Option<&mut ParseCache>,
    queue: &mut ParseQueue<'_, '_>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Program {
    let mut pending = Pending { in_queue: Vec::new() };
    let directory = root.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut program = Program::default();
    // Modules by key: `file:NAME` for user files (all live in the main file's folder, since
    // imports name sibling files) and `std:NAME` for the standard library.
    let mut by_key: HashMap<String, ModuleId> = HashMap::new();
    let root_name = module_name_of(root);
    let file = sources.add(SourceOrigin::File(root.to_path_buf()), root_text);
    by_key.insert(format!("file:{root_name}"), ModuleId(0));
    push_module(
        &mut program,
        parse_cache.as_deref(),
        queue,
        &mut pending,
        sources,
        root_name,
        file,
        false,
    );

    let mut next = 0;
    while next < program.modules.len() {
        let module_id = ModuleId(next as u32);
        next += 1;
        if pending.in_queue[module_id.0 as usize] {
            pending.in_queue[module_id.0 as usize] = false;
            let (tree, parse_diagnostics) = queue.take(module_id.0 as usize);
            let tree = Arc::new(tree);
            if let Some(cache) = parse_cache.as_deref_mut() {
                let source = sources.get(program.module(module_id).file);
                cache.keep(&source.origin, &source.text, &tree, &parse_diagnostics);
            }
            // Later than when the file was read, but the diagnostics are sorted by file and
            // position at the end of the check, and a module's import errors still come
            // after its own syntax errors: the order is the same.
            diagnostics.extend(parse_diagnostics);
            program.modules[module_id.0 as usize].ast = tree;
        }
        let is_stdlib = program.module(module_id).is_stdlib;
        let file = program.module(module_id).file;
        let import_names: Vec<ast::Name> = program
            .module(module_id)
            .ast
            .items
            .iter()
            .filter_map(|item| match item {
                ast::Item::Import(import) => Some(import.module.clone()),
                _ => None,
            })
            .collect();
        let mut imports = Vec::with_capacity(import_names.len());
        for name in import_names {
            let target = resolve_import(
                &name,
                is_stdlib,
                &directory,
                file,
                loader,
                parse_cache.as_deref(),
                queue,
                &mut pending,
                &mut program,
                &mut by_key,
                sources,
                diagnostics,
            );
            imports.push((name, target));
        }
        program.modules[module_id.0 as usize].imports = imports;
    }
    program
}

/// Adds the module of `file` to the program and hands the file to the parse queue, unless the
/// parse cache has its tree.
fn push_module(
    program: &mut Program,
    parse_cache: Option<&ParseCache>,
    queue: &mut ParseQueue<'_, '_>,
    pending: &mut Pending,
    sources: &SourceMap,
    name: String,
    file: FileId,
    is_stdlib: bool,
) -> ModuleId {
    let source = sources.get(file);
    let position = program.modules.len();
    let cached = parse_cache.and_then(|cache| cache.lookup(&source.origin, &source.text));
    pending.in_queue.push(cached.is_none());
    let ast = match cached {
        Some(tree) => tree,
        None => {
            queue.submit(position, &source.text, file);
            Arc::default()
        }
    };
    program.modules.push(ModuleData {
        name,
        file,
        is_stdlib,
        ast,
        imports: Vec::new(),
    });
    ModuleId(position as u32)
}

fn resolve_import(
    name: &ast::Name,
    from_stdlib: bool,
    directory: &Path,
    importer_file: FileId,
    loader: &mut dyn SourceLoader,
    parse_cache: Option<&ParseCache>,
    queue: &mut ParseQueue<'_, '_>,
    pending: &mut Pending,
    program: &mut Program,
    by_key: &mut HashMap<String, ModuleId>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ModuleId> {
    let module = &name.text;
    if !from_stdlib {
        let key = format!("file:{module}");
        if let Some(&id) = by_key.get(&key) {
            return Some(id);
        }
        let path = directory.join(format!("{module}.ln"));
        match loader.load_shared(&path) {
            Ok(text) => {
                let file = sources.add(SourceOrigin::File(path), text);
                let id = push_module(
                    program,
                    parse_cache,
                    queue,
                    pending,
                    sources,
                    module.clone(),
                    file,
                    false,
                );
                by_key.insert(key, id);
                return Some(id);
            }
            Err(LoadError::NotFound) => {}
            Err(error) => {
                diagnostics.push(
                    Diagnostic::error(
                        Code::UnreadableModule,
                        importer_file,
                        name.span,
                        format!("cannot read module `{module}` from `{}`: {error}", path.display()),
                    )
                    .with_label("imported here"),
                );
                return None;
            }
        }
    }
    let key = format!("std:{module}");
    if let Some(&id) = by_key.get(&key) {
        return Some(id);
    }
    if let Some(text) = lang_stdlib::module_source(module) {
        let file = sources.add(SourceOrigin::Stdlib(module.clone()), text.to_string());
        let id = push_module(
            program,
            parse_cache,
            queue,
            pending,
            sources,
            module.clone(),
            file,
            true,
        );
        by_key.insert(key, id);
        return Some(id);
    }
    let looked_in = directory.join(format!("{module}.ln"));
    let stdlib_names: Vec<&str> = lang_stdlib::MODULES.iter().map(|(name, _)| *name).collect();
    diagnostics.push(
        Diagnostic::error(
            Code::UnknownModule,
            importer_file,
            name.span,
            format!("cannot find module `{module}`"),
        )
        .with_label("no such module")
        .with_help(format!(
            "looked for `{}` and in the standard library ({})",
            looked_in.display(),
            stdlib_names.join(", ")
        )),
    );
    None
}
