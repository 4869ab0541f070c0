//! Loading a program: the main file and, breadth first, every module it imports (a sibling
//! file first, then the standard library), each parsed once, through the caller's parse cache
//! when it has one.

use std::collections::HashMap;
use std::path::Path;

use super::parse_cache::ParseCache;
use super::program::{ModuleData, Program};
use super::types::ModuleId;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, LoadError, SourceLoader, SourceMap, SourceOrigin};
use crate::syntax::{self, ast};

fn module_name_of(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Loads and parses the main module and, breadth first, every module it imports.
pub(super) fn load_modules(
    root: &Path,
    root_text: String,
    loader: &mut dyn SourceLoader,
    mut parse_cache: Option<&mut ParseCache>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Program {
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
        parse_cache.as_deref_mut(),
        sources,
        diagnostics,
        root_name,
        file,
        false,
    );

    let mut next = 0;
    while next < program.modules.len() {
        let module_id = ModuleId(next as u32);
        next += 1;
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
                parse_cache.as_deref_mut(),
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

fn push_module(
    program: &mut Program,
    parse_cache: Option<&mut ParseCache>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    name: String,
    file: FileId,
    is_stdlib: bool,
) -> ModuleId {
    let source = sources.get(file);
    let (ast, parse_diagnostics) = match parse_cache {
        Some(parse_cache) => parse_cache.parse(&source.origin, &source.text, file),
        None => {
            let (tree, diagnostics) = syntax::parse_file(&source.text, file);
            (std::sync::Arc::new(tree), diagnostics)
        }
    };
    diagnostics.extend(parse_diagnostics);
    program.modules.push(ModuleData {
        name,
        file,
        is_stdlib,
        ast,
        imports: Vec::new(),
    });
    ModuleId(program.modules.len() as u32 - 1)
}

fn resolve_import(
    name: &ast::Name,
    from_stdlib: bool,
    directory: &Path,
    importer_file: FileId,
    loader: &mut dyn SourceLoader,
    parse_cache: Option<&mut ParseCache>,
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
        match loader.load(&path) {
            Ok(text) => {
                let file = sources.add(SourceOrigin::File(path), text);
                let id = push_module(program, parse_cache, sources, diagnostics, module.clone(), file, false);
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
        let id = push_module(program, parse_cache, sources, diagnostics, module.clone(), file, true);
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
