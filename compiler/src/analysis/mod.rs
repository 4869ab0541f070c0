//! Questions an editor asks about a checked program, answered from the checker's own results:
//! what the name at an offset refers to, where it is declared, every place that names it, its
//! hover text, the completions at an offset and the symbols of a file. The language server
//! (`lang-lsp`) is a thin protocol layer over these; nothing here parses or checks again.
//!
//! Offsets are byte offsets into the file's text as the checker saw it.

mod completion;
mod context;
mod hover;
mod index;
mod item_completion;
mod rename;
mod repair;
mod symbols;
#[cfg(test)]
mod tests;

pub use completion::{PLACEHOLDER, Request, Site, completions, prepare};
pub use index::{Occurrence, SymbolIndex};
pub use item_completion::{Completion, CompletionKind};
pub use repair::{Repair, close_open_brackets};
pub use symbols::{DocumentSymbol, SymbolKind, document_symbols, outline};

use crate::sema::CheckedProgram;
use crate::sema::types::{EnumId, FunctionId, ModuleId, StructId, VariableId};
use crate::source::{FileId, SourceOrigin, Span};
use crate::syntax::token::Token;
use crate::syntax::{ast, lexer};

/// Something a name can refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// A local variable or parameter, by the name that binds it.
    Local {
        file: FileId,
        span: Span,
    },
    Function(FunctionId),
    Variable(VariableId),
    Struct(StructId),
    Enum(EnumId),
    /// A field of a struct, by index.
    Field(StructId, usize),
    /// A variant of an enum, by index.
    Variant(EnumId, usize),
    Module(ModuleId),
}

/// A span in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// Why a rename was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// The new name is a keyword or not an identifier.
    InvalidName(String),
    /// Nothing renamable at the offset.
    NothingToRename,
    /// The symbol is declared in the standard library.
    InStandardLibrary,
    /// The new name is taken by something the symbol can meet (`rename.rs`): what.
    Clash(String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::InvalidName(name) => {
                write!(f, "`{name}` is not a valid name: it is a keyword or not an identifier")
            }
            RenameError::NothingToRename => f.write_str("there is no local, item, field or variant here to rename"),
            RenameError::InStandardLibrary => {
                f.write_str("this is declared in the standard library and cannot be renamed")
            }
            RenameError::Clash(what) => write!(f, "cannot rename: {what}"),
        }
    }
}

/// A checked program, ready for queries. Its symbol index is built as requests need it: a
/// file's occurrences on the first request about that file, every file's on the first request
/// for references, so that a request after an edit does not walk the whole program.
#[derive(Debug)]
pub struct Analysis {
    pub checked: CheckedProgram,
    occurrences: std::sync::Mutex<std::collections::HashMap<FileId, std::sync::Arc<Vec<Occurrence>>>>,
    index: std::sync::OnceLock<SymbolIndex>,
}

impl Analysis {
    pub fn new(checked: CheckedProgram) -> Analysis {
        Analysis {
            checked,
            occurrences: Default::default(),
            index: std::sync::OnceLock::new(),
        }
    }

    /// The occurrences in `file`, sorted by start offset.
    fn occurrences_of(&self, file: FileId) -> std::sync::Arc<Vec<Occurrence>> {
        if let Some(index) = self.index.get() {
            return std::sync::Arc::new(index.by_file.get(&file).cloned().unwrap_or_default());
        }
        let mut occurrences = self.occurrences.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = occurrences.get(&file) {
            return found.clone();
        }
        let found = std::sync::Arc::new(match self.module_of_file(file) {
            Some(module) => index::module_occurrences(&self.checked, module),
            None => Vec::new(),
        });
        occurrences.insert(file, found.clone());
        found
    }

    /// The index of every file (built on first use).
    pub fn index(&self) -> &SymbolIndex {
        self.index.get_or_init(|| {
            let mut index = SymbolIndex::default();
            for module in &self.checked.program.modules {
                let found = self.occurrences_of(module.file);
                index.add_file(module.file, &found);
                index.by_file.insert(module.file, found.as_ref().clone());
            }
            index
        })
    }

    /// The file loaded from `path`, if it is part of the program.
    pub fn file_of_path(&self, path: &std::path::Path) -> Option<FileId> {
        self.checked
            .sources
            .iter()
            .find(|(_, file)| matches!(&file.origin, SourceOrigin::File(origin) if origin == path))
            .map(|(id, _)| id)
    }

    /// The module whose source is `file`.
    pub fn module_of_file(&self, file: FileId) -> Option<ModuleId> {
        let position = self
            .checked
            .program
            .modules
            .iter()
            .position(|module| module.file == file)?;
        Some(ModuleId(position as u32))
    }

    /// The symbol named at `offset`, with the span of that name.
    pub fn symbol_at(&self, file: FileId, offset: u32) -> Option<Occurrence> {
        index::occurrence_at(&self.occurrences_of(file), offset)
    }

    /// Where `symbol` is declared (a module: the start of its file).
    pub fn declaration(&self, symbol: Symbol) -> Location {
        let items = &self.checked.items;
        match symbol {
            Symbol::Local { file, span } => Location { file, span },
            Symbol::Function(id) => Location {
                file: items.function(id).file,
                span: items.function(id).span,
            },
            Symbol::Variable(id) => Location {
                file: items.variable(id).file,
                span: items.variable(id).span,
            },
            Symbol::Struct(id) => Location {
                file: items.struct_info(id).file,
                span: items.struct_info(id).span,
            },
            Symbol::Enum(id) => Location {
                file: items.enum_info(id).file,
                span: items.enum_info(id).span,
            },
            Symbol::Field(id, index) => Location {
                file: items.struct_info(id).file,
                span: items.struct_info(id).fields[index].span,
            },
            Symbol::Variant(id, index) => Location {
                file: items.enum_info(id).file,
                span: items.enum_info(id).variants[index].span,
            },
            Symbol::Module(id) => Location {
                file: self.checked.program.module(id).file,
                span: Span::default(),
            },
        }
    }

    /// Go to definition: the declaration of the symbol named at `offset`.
    pub fn definition(&self, file: FileId, offset: u32) -> Option<Location> {
        let occurrence = self.symbol_at(file, offset)?;
        Some(self.declaration(occurrence.symbol))
    }

    /// Every place that names the symbol at `offset`, its declaration first when
    /// `include_declaration` (a module's declaration, its file, is never included).
    pub fn references(&self, file: FileId, offset: u32, include_declaration: bool) -> Vec<Location> {
        let Some(occurrence) = self.symbol_at(file, offset) else {
            return Vec::new();
        };
        self.references_of(occurrence.symbol, include_declaration)
    }

    fn references_of(&self, symbol: Symbol, include_declaration: bool) -> Vec<Location> {
        let declaration = self.declaration(symbol);
        let mut locations = Vec::new();
        if include_declaration && !matches!(symbol, Symbol::Module(_)) {
            locations.push(declaration);
        }
        for (file, span) in self.index().by_symbol.get(&symbol).into_iter().flatten() {
            let location = Location {
                file: *file,
                span: *span,
            };
            if location != declaration {
                locations.push(location);
            }
        }
        locations
    }

    /// The edits of renaming the symbol at `offset` to `new_name`: every span to replace.
    pub fn rename(&self, file: FileId, offset: u32, new_name: &str) -> Result<Vec<Location>, RenameError> {
        if !is_identifier(new_name) {
            return Err(RenameError::InvalidName(new_name.to_string()));
        }
        let occurrence = self.symbol_at(file, offset).ok_or(RenameError::NothingToRename)?;
        if matches!(occurrence.symbol, Symbol::Module(_)) {
            // A module's name is its file's name; renaming files is not an edit of text.
            return Err(RenameError::NothingToRename);
        }
        let declaration = self.declaration(occurrence.symbol);
        if self.is_stdlib_file(declaration.file) {
            return Err(RenameError::InStandardLibrary);
        }
        if let Some(what) = rename::clash(self, occurrence.symbol, new_name) {
            return Err(RenameError::Clash(what));
        }
        Ok(self.references_of(occurrence.symbol, true))
    }

    /// The span of the name at `offset` that a rename would replace.
    pub fn rename_range(&self, file: FileId, offset: u32) -> Option<Span> {
        let occurrence = self.symbol_at(file, offset)?;
        if matches!(occurrence.symbol, Symbol::Module(_))
            || self.is_stdlib_file(self.declaration(occurrence.symbol).file)
        {
            return None;
        }
        Some(occurrence.span)
    }

    /// The span of the top-level function of `module` around `start..end`.
    pub(super) fn function_around(&self, module: ModuleId, start: u32, end: u32) -> Option<Span> {
        self.checked
            .program
            .module(module)
            .ast
            .items
            .iter()
            .find_map(|item| match item {
                ast::Item::Function(function) if function.span.start <= start && end <= function.span.end => {
                    Some(function.span)
                }
                _ => None,
            })
    }

    pub fn is_stdlib_file(&self, file: FileId) -> bool {
        matches!(self.checked.sources.get(file).origin, SourceOrigin::Stdlib(_))
    }

    /// The hover text at `offset`: Markdown, with the span it describes.
    pub fn hover(&self, file: FileId, offset: u32) -> Option<(Span, String)> {
        if let Some(occurrence) = self.symbol_at(file, offset) {
            return Some((occurrence.span, hover::describe(self, occurrence.symbol)));
        }
        // Elsewhere in an expression: the type of the narrowest expression around the offset.
        let (key, ty) = self
            .checked
            .results
            .tables_of_file(file)
            .flat_map(|tables| tables.expr_types.iter())
            .filter(|(key, _)| key.file == file && key.start <= offset && offset < key.end)
            .min_by_key(|(key, _)| key.end - key.start)?;
        let span = Span {
            start: key.start,
            end: key.end,
        };
        Some((span, format!("```ln\n{}\n```", self.checked.items.display(ty))))
    }

    /// The text of `span` in `file`.
    pub fn text(&self, file: FileId, span: Span) -> &str {
        self.checked.sources.get(file).text.get(span.range()).unwrap_or("")
    }
}

/// Whether `text` is one identifier token (not a keyword, not `_` alone).
pub fn is_identifier(text: &str) -> bool {
    if text.is_empty() || text == "_" {
        return false;
    }
    let lexed = lexer::lex(text, FileId(0));
    lexed.diagnostics.is_empty()
        && lexed.tokens.len() == 1
        && matches!(&lexed.tokens[0].0, Token::Ident(name) if *name == text)
}

/// The doc comment of a declaration starting at `start`: the `//` lines directly above it,
/// without their `//` and one space after it.
pub fn doc_comment(text: &str, start: usize) -> Option<String> {
    let before = &text[..start.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    if !before[line_start..].trim().is_empty() {
        return None;
    }
    let mut lines = Vec::new();
    for line in before[..line_start].lines().rev() {
        let trimmed = line.trim();
        let Some(comment) = trimmed.strip_prefix("//") else {
            break;
        };
        lines.push(comment.strip_prefix(' ').unwrap_or(comment).trim_end().to_string());
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}
