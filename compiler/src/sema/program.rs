//! What semantic analysis produces: the program's modules as loaded, and the checked program
//! (items, interfaces, side tables and diagnostics) that code generation and hot reload read.

use std::path::PathBuf;

use super::interface::ModuleInterface;
use super::results::TypeckResults;
use super::types::{self, ModuleId};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, LoadError, SourceMap};
use crate::syntax::ast;

/// One module of a program.
#[derive(Debug)]
pub struct ModuleData {
    /// The module's name: its file stem.
    pub name: String,
    pub file: FileId,
    pub is_stdlib: bool,
    /// Shared with the hot-reload session's parse cache: an unchanged file costs no copy.
    pub ast: std::sync::Arc<ast::Module>,
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
    pub interfaces: Vec<std::sync::Arc<ModuleInterface>>,
    /// The type of every expression and what every name and call refers to.
    pub results: TypeckResults,
    pub diagnostics: Vec<Diagnostic>,
}

impl CheckedProgram {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// A type as text that names it uniquely in the whole program: like `Items::display`, but
    /// a struct or enum is `module.Name`. Hot reload keys slots, cells and layouts by it, so that two
    /// structs of the same name in different modules never share one.
    /// A function expression's identity under hot reload (LANGUAGE.md section 10), as the
    /// name and signature of its runtime-owned slot: the item it is written in and its
    /// ordinal there, with the names and types of what it captures; and its type.
    pub fn closure_identity(&self, info: &super::results::ClosureInfo) -> (String, String) {
        let captures: Vec<String> = info
            .captures
            .iter()
            .map(|capture| format!("{}: {}", capture.name, self.type_key(&capture.ty)))
            .collect();
        let name = format!(
            "{{closure #{} in {}, capturing ({})}}",
            info.ordinal,
            info.owner,
            captures.join(", ")
        );
        let ty = types::Type::Function(info.params.clone(), info.result.clone().map(Box::new));
        (name, self.type_key(&ty))
    }

    /// The identities of the function expressions of `module` (see `closure_identity`).
    pub fn closure_identities(&self, module: types::ModuleId) -> Vec<(String, String)> {
        let file = self.program.module(module).file;
        let mut identities: Vec<(String, String)> = self
            .results
            .tables_of_file(file)
            .flat_map(|tables| tables.closures.iter())
            .filter(|(key, _)| key.file == file)
            .map(|(_, info)| self.closure_identity(info))
            .collect();
        identities.sort();
        identities
    }

    pub fn type_key(&self, ty: &types::Type) -> String {
        use types::Type;
        match ty {
            Type::Array(element) => format!("[{}]", self.type_key(element)),
            Type::Map(key, value) => format!("{{{}: {}}}", self.type_key(key), self.type_key(value)),
            Type::Struct(id) => {
                let info = self.items.struct_info(*id);
                format!("{}.{}", self.program.module(info.module).name, info.name)
            }
            Type::Enum(id) => {
                let info = self.items.enum_info(*id);
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

    /// The declarations of the functions `indices`, found by walking only their modules (a hot
    /// module's compile must not cost a walk of the whole program).
    pub fn function_declarations_of(
        &self,
        indices: &[usize],
    ) -> std::collections::HashMap<usize, &crate::syntax::ast::FunctionDecl> {
        let mut modules: Vec<u32> = indices
            .iter()
            .map(|index| self.items.functions[*index].module.0)
            .collect();
        modules.sort_unstable();
        modules.dedup();
        let mut by_span = std::collections::HashMap::new();
        for module in modules {
            for item in &self.program.modules[module as usize].ast.items {
                if let crate::syntax::ast::Item::Function(declaration) = item {
                    by_span.insert((module, declaration.name.span), declaration);
                }
            }
        }
        indices
            .iter()
            .filter_map(|index| {
                let info = &self.items.functions[*index];
                let declaration = by_span.get(&(info.module.0, info.span))?;
                Some((*index, *declaration))
            })
            .collect()
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

/// The key of a module in the cache: user files and standard library modules may share a name.
pub(super) fn module_key(program: &Program, module: ModuleId) -> String {
    let data = program.module(module);
    let kind = if data.is_stdlib { "std" } else { "file" };
    format!("{kind}:{}", data.name)
}
