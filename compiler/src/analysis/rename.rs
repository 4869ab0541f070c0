//! What a rename must not do: give a symbol a name that something it can meet already has.
//! The new name would then be a second field, variant or item of that name (an error), or
//! hide or be hidden by another local, item or built-in, so that a use refers to something
//! else afterwards. The checks are conservative: a name used by any local of the function,
//! or of the module for an item, is refused, with what it clashes with.

use super::{Analysis, Symbol};
use crate::sema::builtins::PUBLIC_BUILTINS;
use crate::sema::types::ModuleId;
use crate::source::{FileId, Span};

/// What `new_name` would clash with if `symbol` took it, said for the editor; `None` when the
/// rename is safe.
pub(super) fn clash(analysis: &Analysis, symbol: Symbol, new_name: &str) -> Option<String> {
    let items = &analysis.checked.items;
    if PUBLIC_BUILTINS.iter().any(|(name, _)| *name == new_name) {
        return Some(format!(
            "`{new_name}` is a built-in function: the new name would hide it or be hidden by it"
        ));
    }
    match symbol {
        Symbol::Field(id, index) => {
            let info = items.struct_info(id);
            let other = info
                .fields
                .iter()
                .enumerate()
                .any(|(i, field)| i != index && field.name == new_name);
            other.then(|| format!("`{}` already has a field `{new_name}`", info.name))
        }
        Symbol::Variant(id, index) => {
            let info = items.enum_info(id);
            let other = info
                .variants
                .iter()
                .enumerate()
                .any(|(i, variant)| i != index && variant.name == new_name);
            other.then(|| format!("`{}` already has a variant `{new_name}`", info.name))
        }
        Symbol::Function(_) | Symbol::Variable(_) | Symbol::Struct(_) | Symbol::Enum(_) => {
            let declaration = analysis.declaration(symbol);
            let module = analysis.module_of_file(declaration.file)?;
            if let Some(what) = module_item_named(analysis, module, new_name)
                && analysis.text(declaration.file, declaration.span) != new_name
            {
                return Some(format!("this module already has {what}"));
            }
            local_named(analysis, declaration.file, None, new_name)
                .map(|_| format!("a local `{new_name}` of this module would hide it where it is used"))
        }
        Symbol::Local { file, span } => {
            if analysis.text(file, span) == new_name {
                return None;
            }
            let module = analysis.module_of_file(file)?;
            if let Some(what) = module_item_named(analysis, module, new_name) {
                return Some(format!("the module has {what}: the local would hide it"));
            }
            let function = analysis.function_around(module, span.start, span.end)?;
            local_named(analysis, file, Some(function), new_name)
                .map(|_| format!("this function already has a local `{new_name}`"))
        }
        Symbol::Module(_) => None,
    }
}

/// What item or import of `module` is called `name`, as "a function `name`".
fn module_item_named(analysis: &Analysis, module: ModuleId, name: &str) -> Option<String> {
    let checked = &analysis.checked;
    let items = &checked.items;
    let found = if items
        .functions
        .iter()
        .any(|info| info.module == module && info.name == name)
    {
        "a function"
    } else if items
        .variables
        .iter()
        .any(|info| info.module == module && info.name == name)
    {
        "a variable"
    } else if items
        .structs
        .iter()
        .any(|info| info.module == module && info.name == name)
    {
        "a struct"
    } else if items
        .enums
        .iter()
        .any(|info| info.module == module && info.name == name)
    {
        "an enum"
    } else if checked
        .program
        .module(module)
        .imports
        .iter()
        .any(|(import, _)| import.text == name)
    {
        "an import"
    } else {
        return None;
    };
    Some(format!("{found} `{name}`"))
}

/// A local (a binding: parameter, `let`, loop variable, pattern name) of `file` called `name`,
/// within `within` if given.
fn local_named(analysis: &Analysis, file: FileId, within: Option<Span>, name: &str) -> Option<Span> {
    analysis
        .checked
        .results
        .tables_of_file(file)
        .flat_map(|tables| tables.locals.keys())
        .filter(|key| key.file == file)
        .map(|key| Span {
            start: key.start,
            end: key.end,
        })
        .filter(|span| within.is_none_or(|function| function.start <= span.start && span.end <= function.end))
        .find(|span| analysis.text(file, *span) == name)
}
