//! Completions that need only the program's items, not the check of the code at the cursor:
//! a module's `pub` items after `module.`, the types that can be named, a module's types
//! after `module.` in a type, and the fields a struct literal has not given yet. Also the
//! completion's result type.

use super::Analysis;
use crate::sema::types::ModuleId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Local,
    Function,
    Variable,
    Struct,
    Enum,
    Field,
    Variant,
    Module,
    Keyword,
    Method,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
}

pub(super) fn import_named(analysis: &Analysis, module: ModuleId, name: &str) -> Option<ModuleId> {
    analysis
        .checked
        .program
        .module(module)
        .imports
        .iter()
        .find(|(import, _)| import.text == name)
        .and_then(|(_, target)| *target)
}

pub(super) fn module_members(analysis: &Analysis, target: ModuleId) -> Vec<Completion> {
    let items = &analysis.checked.items;
    let mut found = Vec::new();
    for info in items
        .functions
        .iter()
        .filter(|info| info.module == target && info.is_pub)
    {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Function,
            detail: Some(items.display(&info.ty())),
        });
    }
    for info in items
        .variables
        .iter()
        .filter(|info| info.module == target && info.is_pub)
    {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Variable,
            detail: info.ty.as_ref().map(|ty| items.display(ty)),
        });
    }
    for info in items.structs.iter().filter(|info| info.module == target && info.is_pub) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Struct,
            detail: Some(format!("struct {}", info.name)),
        });
    }
    for info in items.enums.iter().filter(|info| info.module == target && info.is_pub) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Enum,
            detail: Some(format!("enum {}", info.name)),
        });
    }
    let module_name = &analysis.checked.program.module(target).name;
    if module_name == "sort" {
        for name in ["sort", "sort_by"] {
            found.push(Completion {
                label: name.to_string(),
                kind: CompletionKind::Function,
                detail: Some(format!("sort.{name}")),
            });
        }
    }
    found
}

/// The types that can be named in `module`: built-in ones, its structs and enums, and its
/// imports (for `module.Type`).
pub(super) fn type_completions(analysis: &Analysis, module: ModuleId) -> Vec<Completion> {
    let items = &analysis.checked.items;
    let mut found: Vec<Completion> = ["int", "float", "str", "bool"]
        .iter()
        .map(|name| Completion {
            label: name.to_string(),
            kind: CompletionKind::Keyword,
            detail: Some("built-in type".to_string()),
        })
        .collect();
    for info in items.structs.iter().filter(|info| info.module == module) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Struct,
            detail: Some(format!("struct {}", info.name)),
        });
    }
    for info in items.enums.iter().filter(|info| info.module == module) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Enum,
            detail: Some(format!("enum {}", info.name)),
        });
    }
    for (import, _) in &analysis.checked.program.module(module).imports {
        found.push(Completion {
            label: import.text.clone(),
            kind: CompletionKind::Module,
            detail: None,
        });
    }
    found
}

/// `import.` in a type: the `pub` structs and enums of that import.
pub(super) fn type_member_completions(analysis: &Analysis, module: ModuleId, import: &str) -> Vec<Completion> {
    let Some(target) = import_named(analysis, module, import) else {
        return Vec::new();
    };
    let mut found = module_members(analysis, target);
    found.retain(|completion| matches!(completion.kind, CompletionKind::Struct | CompletionKind::Enum));
    found
}

/// The fields of struct `name` (of the import `qualifier`, if given) not in `given`, in
/// declaration order; `None` when no such struct is visible from `module`.
pub(super) fn struct_fields(
    analysis: &Analysis,
    module: ModuleId,
    qualifier: Option<&str>,
    name: &str,
    given: &[String],
) -> Option<Vec<Completion>> {
    let items = &analysis.checked.items;
    let declaring = match qualifier {
        Some(qualifier) => import_named(analysis, module, qualifier)?,
        None => module,
    };
    let info = items
        .structs
        .iter()
        .find(|info| info.module == declaring && info.name == name && (qualifier.is_none() || info.is_pub))?;
    Some(
        info.fields
            .iter()
            .filter(|field| !given.contains(&field.name))
            .map(|field| Completion {
                label: field.name.clone(),
                kind: CompletionKind::Field,
                detail: Some(items.display(&field.ty)),
            })
            .collect(),
    )
}
