//! Semantic analysis: loading every module of a program, resolving names across modules and
//! type checking, producing the checked program and its diagnostics.

pub mod builtins;
mod check;
pub mod interface;
mod items;
pub mod results;
pub mod types;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, LoadError, SourceLoader, SourceMap, SourceOrigin};
use crate::syntax::{self, ast};
use interface::ModuleInterface;
pub use types::{ModuleId, Type};

/// One module of a program.
#[derive(Debug)]
pub struct ModuleData {
    /// The module's name: its file stem.
    pub name: String,
    pub file: FileId,
    pub is_stdlib: bool,
    pub ast: ast::Module,
    /// Each `import` of the module: the name written, and the module it refers to (`None`
    /// when it could not be found; that has been reported).
    pub imports: Vec<(ast::Name, Option<ModuleId>)>,
}

/// Every module of a program, in the order they were loaded (the main file first).
#[derive(Debug, Default)]
pub struct Program {
    pub modules: Vec<ModuleData>,
}

impl Program {
    pub fn module(&self, id: ModuleId) -> &ModuleData {
        &self.modules[id.0 as usize]
    }

    /// Initialization order (LANGUAGE.md section 3): depth-first post-order of the imports
    /// from the main module, each module once; an import that would close a cycle is skipped.
    pub fn initialization_order(&self) -> Vec<ModuleId> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Unvisited,
            InProgress,
            Done,
        }
        let mut marks = vec![Mark::Unvisited; self.modules.len()];
        let mut order = Vec::with_capacity(self.modules.len());
        if self.modules.is_empty() {
            return order;
        }
        // An explicit stack of (module, next import index) instead of recursion: import chains
        // in hostile input can be long.
        let mut stack = vec![(ModuleId(0), 0usize)];
        marks[0] = Mark::InProgress;
        while let Some((module, next)) = stack.pop() {
            let imports = &self.module(module).imports;
            if let Some((_, target)) = imports.get(next) {
                stack.push((module, next + 1));
                if let Some(target) = target
                    && marks[target.0 as usize] == Mark::Unvisited
                {
                    marks[target.0 as usize] = Mark::InProgress;
                    stack.push((*target, 0));
                }
            } else {
                marks[module.0 as usize] = Mark::Done;
                order.push(module);
            }
        }
        order
    }
}

/// The result of checking a program: the sources, every module, the checked items, and all
/// diagnostics. The program is valid when no diagnostic is an error.
#[derive(Debug)]
pub struct CheckedProgram {
    pub sources: SourceMap,
    pub program: Program,
    pub items: types::Items,
    /// The exported interface of each module, indexed like `program.modules`.
    pub interfaces: Vec<ModuleInterface>,
    /// The type of every expression and what every name and call refers to.
    pub results: results::TypeckResults,
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckedProgram {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// A type as text that names it uniquely in the whole program: like `Items::display`, but
    /// a struct is `module.Name`. Hot reload keys slots, cells and layouts by it, so that two
    /// structs of the same name in different modules never share one.
    pub fn type_key(&self, ty: &types::Type) -> String {
        use types::Type;
        match ty {
            Type::Array(element) => format!("[{}]", self.type_key(element)),
            Type::Map(key, value) => format!("{{{}: {}}}", self.type_key(key), self.type_key(value)),
            Type::Struct(id) => {
                let info = self.items.struct_info(*id);
                format!("{}.{}", self.program.module(info.module).name, info.name)
            }
            Type::Optional(inner) => format!("?{}", self.type_key(inner)),
            Type::Function(params, result) => {
                let params: Vec<String> = params.iter().map(|param| self.type_key(param)).collect();
                match result {
                    Some(result) => format!("fn({}) -> {}", params.join(", "), self.type_key(result)),
                    None => format!("fn({})", params.join(", ")),
                }
            }
            _ => self.items.display(ty),
        }
    }

    /// The declaration of every function, indexed by `FunctionId`, found in one pass over
    /// the modules (a search per function would be quadratic in large programs).
    pub fn function_declarations(&self) -> Vec<Option<&crate::syntax::ast::FunctionDecl>> {
        let mut by_span = std::collections::HashMap::new();
        for (index, module) in self.program.modules.iter().enumerate() {
            for item in &module.ast.items {
                if let crate::syntax::ast::Item::Function(declaration) = item {
                    by_span.insert((index, declaration.name.span), declaration);
                }
            }
        }
        self.items
            .functions
            .iter()
            .map(|info| by_span.get(&(info.module.0 as usize, info.span)).copied())
            .collect()
    }
}

/// The main file itself could not be read; there is nothing to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootLoadError {
    pub path: PathBuf,
    pub error: LoadError,
}

impl std::fmt::Display for RootLoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.error)
    }
}

/// Loads the program whose main file is `root`, with every module it imports, and checks it.
pub fn check_program(root: &Path, loader: &mut dyn SourceLoader) -> Result<CheckedProgram, RootLoadError> {
    let text = loader.load(root).map_err(|error| RootLoadError {
        path: root.to_path_buf(),
        error,
    })?;
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    let program = load_modules(root, text, loader, &mut sources, &mut diagnostics);
    let has_syntax_errors = diagnostics.iter().any(Diagnostic::is_error);
    let (items, interfaces, results) = if has_syntax_errors {
        // Name resolution and type checking on a tree with holes in it would mostly report
        // consequences of the syntax errors; like rustc, stop here.
        (types::Items::default(), Vec::new(), results::TypeckResults::default())
    } else {
        let mut checker = check::Checker::new(&program);
        checker.check_all();
        diagnostics.extend(checker.diagnostics);
        let interfaces = (0..program.modules.len())
            .map(|index| ModuleInterface::of(&checker.items, &checker.scopes[index], ModuleId(index as u32)))
            .collect();
        (checker.items, interfaces, checker.results)
    };
    diagnostics.sort_by_key(|diagnostic| (diagnostic.primary.file, diagnostic.primary.span.start));
    Ok(CheckedProgram {
        sources,
        program,
        items,
        interfaces,
        results,
        diagnostics,
    })
}

fn module_name_of(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Loads and parses the main module and, breadth first, every module it imports.
fn load_modules(
    root: &Path,
    root_text: String,
    loader: &mut dyn SourceLoader,
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
    push_module(&mut program, sources, diagnostics, root_name, file, false);

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

/// The last syntax tree parsed without diagnostics for each file (by where it came from),
/// with the text it was parsed from. A hot-reload session checks the whole program again on
/// every save; the files that did not change (and the standard library) are found here
/// instead of being parsed again. Trees hold no file ids, so one parsed from the same text
/// is the same tree. One tree per file: keeping every version would grow with each save.
type ParsedFiles = HashMap<String, (String, ast::Module)>;
static PARSED: std::sync::Mutex<Option<ParsedFiles>> = std::sync::Mutex::new(None);

static KEEP_PARSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keeps syntax trees for later checks of the same texts in this process (hot reload). A
/// single check (`lang check`, `lang run`) does not keep them: copying every tree would
/// only cost it time and memory.
pub fn keep_parsed_modules() {
    KEEP_PARSED.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn parse_cached(origin: &SourceOrigin, text: &str, file: FileId) -> (ast::Module, Vec<Diagnostic>) {
    if !KEEP_PARSED.load(std::sync::atomic::Ordering::Relaxed) {
        return syntax::parse_file(text, file);
    }
    let key = format!("{origin:?}");
    let lock = || PARSED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, tree)) = lock()
        .as_ref()
        .and_then(|parsed| parsed.get(&key))
        .filter(|(parsed_text, _)| parsed_text == text)
    {
        return (tree.clone(), Vec::new());
    }
    let (tree, diagnostics) = syntax::parse_file(text, file);
    if diagnostics.is_empty() {
        lock()
            .get_or_insert_with(HashMap::new)
            .insert(key, (text.to_string(), tree.clone()));
    }
    (tree, diagnostics)
}

fn push_module(
    program: &mut Program,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
    name: String,
    file: FileId,
    is_stdlib: bool,
) -> ModuleId {
    let source = sources.get(file);
    let (ast, parse_diagnostics) = parse_cached(&source.origin, &source.text, file);
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
                let id = push_module(program, sources, diagnostics, module.clone(), file, false);
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
        let id = push_module(program, sources, diagnostics, module.clone(), file, true);
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;

    use super::*;

    struct Files(HashMap<&'static str, &'static str>);

    impl SourceLoader for Files {
        fn load(&mut self, path: &Path) -> Result<String, LoadError> {
            let name = path.to_string_lossy();
            self.0
                .get(name.as_ref())
                .map(|text| text.to_string())
                .ok_or(LoadError::NotFound)
        }
    }

    fn module_names(checked: &CheckedProgram, order: &[ModuleId]) -> Vec<String> {
        order
            .iter()
            .map(|id| checked.program.module(*id).name.clone())
            .collect()
    }

    #[test]
    fn initialization_order_is_depth_first_post_order_skipping_cycles() {
        let mut files = Files(HashMap::from([
            ("main.ln", "import a\nimport c\nfn main() {}\n"),
            ("a.ln", "import b\n"),
            ("b.ln", "import a\n"),
            ("c.ln", "import b\n"),
        ]));
        let checked = check_program(Path::new("main.ln"), &mut files).unwrap();
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let order = checked.program.initialization_order();
        assert_eq!(module_names(&checked, &order), ["b", "a", "c", "main"]);
    }

    #[test]
    fn a_sibling_file_wins_over_the_standard_library() {
        let mut files = Files(HashMap::from([
            ("main.ln", "import math\nfn main() { print(math.mine()) }\n"),
            ("math.ln", "pub fn mine() -> int { return 1 }\n"),
        ]));
        let checked = check_program(Path::new("main.ln"), &mut files).unwrap();
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        assert!(!checked.program.modules[1].is_stdlib);
    }

    #[test]
    fn interfaces_change_only_when_exports_change() {
        let check = |library: &'static str| {
            let mut files = Files(HashMap::from([
                ("main.ln", "import lib\nfn main() {}\n"),
                ("lib.ln", library),
            ]));
            check_program(Path::new("main.ln"), &mut files).unwrap().interfaces[1].hash_value()
        };
        let original = check("pub fn f(x: int) -> int { return x }\nfn private() {}\n");
        let body_changed = check("pub fn f(x: int) -> int { return x + 1 }\nfn private() {}\n");
        let private_changed = check("pub fn f(x: int) -> int { return x }\nfn private(y: int) {}\n");
        let signature_changed = check("pub fn f(x: float) -> int { return 1 }\nfn private() {}\n");
        assert_eq!(original, body_changed);
        assert_eq!(original, private_changed);
        assert_ne!(original, signature_changed);
    }
}
