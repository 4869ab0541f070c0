//! Completion. The text before the cursor says what is wanted: `m.` members of an imported
//! module (its `pub` items), `x.` fields and methods of a value, `.` variants of the enum the
//! context expects, or a plain name. Half-typed code does not parse (`x.` has no field name),
//! so the caller first checks a copy of the text with a placeholder name at the cursor
//! ([`prepare`]): the checker then records the object's type and the expected enum as for any
//! other program, and [`completions`] reads them.

use super::Analysis;
use super::context::{Context, context_before, in_text};
use super::item_completion::{
    Completion, CompletionKind, import_named, module_members, struct_fields, type_completions, type_member_completions,
};
use crate::sema::builtins::{Builtin, PUBLIC_BUILTINS};
use crate::sema::types::{EnumId, ModuleId, Type};
use crate::source::{FileId, Span};
use crate::syntax::ast;

/// The name put at the cursor when nothing of the name is typed yet.
pub const PLACEHOLDER: &str = "__lang_completion";

const KEYWORDS: &[&str] = &[
    "fn", "let", "var", "struct", "enum", "match", "import", "pub", "if", "else", "while", "for", "in", "break",
    "continue", "return", "true", "false", "nil", "and", "or", "not",
];

/// Array methods of LANGUAGE.md sections 5 and 10, with a short signature.
const ARRAY_METHODS: &[(&str, &str)] = &[
    ("len", "fn len() -> int"),
    ("push", "fn push(v: T)"),
    ("pop", "fn pop() -> T"),
    ("map", "fn map(f: fn(T) -> U) -> [U]"),
    ("filter", "fn filter(f: fn(T) -> bool) -> [T]"),
    ("find", "fn find(f: fn(T) -> bool) -> ?T"),
    ("position", "fn position(f: fn(T) -> bool) -> ?int"),
    ("any", "fn any(f: fn(T) -> bool) -> bool"),
    ("all", "fn all(f: fn(T) -> bool) -> bool"),
    ("reduce", "fn reduce(init: U, f: fn(U, T) -> U) -> U"),
    ("sort_by", "fn sort_by(less: fn(T, T) -> bool)"),
    ("contains", "fn contains(x: T) -> bool"),
    ("index_of", "fn index_of(x: T) -> ?int"),
    ("insert_at", "fn insert_at(i: int, x: T)"),
    ("remove_at", "fn remove_at(i: int) -> T"),
    ("slice", "fn slice(a: int, b: int) -> [T]"),
    ("extend", "fn extend(ys: [T])"),
    ("reverse", "fn reverse()"),
    ("clear", "fn clear()"),
    ("copy", "fn copy() -> [T]"),
];

/// Map methods of LANGUAGE.md sections 5 and 10.
const MAP_METHODS: &[(&str, &str)] = &[
    ("len", "fn len() -> int"),
    ("insert", "fn insert(k: K, v: V)"),
    ("has", "fn has(k: K) -> bool"),
    ("remove", "fn remove(k: K)"),
    ("keys", "fn keys() -> [K]"),
    ("values", "fn values() -> [V]"),
    ("get", "fn get(k: K, default: V) -> V"),
];

/// What the text before the cursor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Site {
    /// `object.` then the name: `dot` is the offset of the `.`.
    Member { dot: u32 },
    /// `.` then the name where no object precedes the dot.
    ImplicitMember,
    /// A plain name.
    Name,
    /// Where no name completes: a name being declared (`fn ‸`, `let ‸`, a parameter), or
    /// text (a comment, a string's text, a character literal, a format specification).
    Nothing,
    /// A type (`a: ‸`, `-> ‸`, `[‸`): built-in types, the module's structs and enums, imports.
    Type,
    /// `import.` in a type: the `pub` structs and enums of the module imported as `import`.
    TypeMember { import: String },
    /// A field name inside a struct literal `Name { ... }` (`module.Name` when `module` is
    /// given): the fields not given yet.
    StructField {
        module: Option<String>,
        name: String,
        given: Vec<String>,
    },
}

impl Site {
    /// Whether what this site offers comes from the items of the program alone, not from the
    /// check of the code at the cursor (which does not parse while a declaration, a type or a
    /// struct literal is half-typed).
    fn needs_only_items(&self) -> bool {
        matches!(
            self,
            Site::Nothing | Site::Type | Site::TypeMember { .. } | Site::StructField { .. }
        )
    }
}

/// Where to complete, in the text [`prepare`] returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub site: Site,
    /// The span of the name being completed (the placeholder when nothing was typed).
    pub name: Span,
    /// The part of the name typed so far, which every completion must start with.
    pub prefix: String,
}

/// The text to check for completing at `offset` in `text`, and where to complete in it.
///
/// Half-typed code rarely parses: the name is missing (`p.`), and so often is the rest of
/// the line (`if p.` has no block yet). The text gets a placeholder name and its open
/// brackets closed; if it still does not parse, the cursor's line is cut down to what is
/// being completed (`if p.` to `p.`, see `repair::reduce_cursor_line`), which keeps the
/// rest of the file, and so the object's type, readable.
pub fn prepare(text: &str, offset: usize) -> (String, Request) {
    let offset = floor_boundary(text, offset.min(text.len()));
    let (patched, request) = prepare_as_written(text, offset);
    if parses(&patched) {
        return (patched, request);
    }
    if request.site.needs_only_items() {
        // The cursor's line is not needed, and keeps the rest from parsing: blanked too.
        let cursor_line = line_of(&patched, request.name.start as usize);
        let blanked = super::repair::blank_lines(&patched, &[cursor_line]);
        return (super::repair::blank_broken_lines(blanked, None), request);
    }
    if request.site == Site::ImplicitMember
        && let Some(finished) =
            finish_arm_or_condition(&patched, request.name.start as usize, request.name.end as usize)
        && parses(&finished)
    {
        return (finished, request);
    }
    let (patched, request) = match super::repair::reduce_cursor_line(text, offset) {
        Some((reduced, reduced_offset)) => {
            let (reduced_patched, reduced_request) = prepare_as_written(&reduced, reduced_offset);
            if parses(&reduced_patched) {
                return (reduced_patched, reduced_request);
            }
            (reduced_patched, reduced_request)
        }
        None => (patched, request),
    };
    let cursor_line = line_of(&patched, request.name.start as usize);
    let blanked = super::repair::blank_broken_lines(patched.clone(), Some(cursor_line));
    if parses(&blanked) {
        return (blanked, request);
    }
    (patched, request)
}

/// An arm or condition not finished yet around a variant being typed, finished so that the
/// checker records the enum expected there: ` => {}` after `.Name` starting a line or
/// following the `{` or `,` of a one-line `match` (an arm without its `=>`), ` {}` at the end
/// of a condition of `if` or `while` without its block.
fn finish_arm_or_condition(text: &str, name_start: usize, name_end: usize) -> Option<String> {
    let line_start = line_of(text, name_end);
    let line_end = text[name_end..]
        .find('\n')
        .map_or(text.len(), |newline| name_end + newline);
    let line = text[line_start..line_end].trim();
    let before_dot = text[line_start..name_start.saturating_sub(1).max(line_start)].trim();
    let after_name = &text[name_end..line_end];
    let (at, ending) = if before_dot.is_empty() && !line.contains("=>") {
        (line_end, " => {}")
    } else if line.starts_with("match ")
        && (before_dot.ends_with('{') || before_dot.ends_with(','))
        && !after_name.split([',', '}']).next().unwrap_or("").contains("=>")
    {
        (name_end, " => {}")
    } else if ["if ", "while ", "} else if "]
        .iter()
        .any(|keyword| line.starts_with(keyword))
        && !line.ends_with('{')
    {
        (line_end, " {}")
    } else {
        return None;
    };
    let mut finished = String::with_capacity(text.len() + ending.len());
    finished.push_str(&text[..at]);
    finished.push_str(ending);
    finished.push_str(&text[at..]);
    Some(finished)
}

/// Whether `text` lexes and parses without an error.
fn parses(text: &str) -> bool {
    crate::syntax::parse_file(text, FileId(0)).1.is_empty()
}

/// The offset where the line holding `offset` starts.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = floor_boundary(text, offset.min(text.len()));
    text[..offset].rfind('\n').map_or(0, |newline| newline + 1)
}

fn prepare_as_written(text: &str, offset: usize) -> (String, Request) {
    let before = &text[..offset];
    let prefix_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map_or(offset, |(index, _)| index);
    let prefix = text[prefix_start..offset].to_string();
    let name_end = offset
        + text[offset..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - offset);
    let site = if in_text(&before[..prefix_start]) {
        Site::Nothing
    } else if before[..prefix_start].ends_with('.') && !before[..prefix_start].ends_with("..") {
        let dot = prefix_start - 1;
        let object_end = text[..dot].trim_end_matches([' ', '\t']);
        let after_object = object_end.chars().last();
        // `return .`, `x == .`: a keyword before the dot is no object, so the dot starts a variant.
        let after_keyword = identifier_before(object_end, object_end.len())
            .is_some_and(|(_, word)| KEYWORDS.contains(&word) && !matches!(word, "true" | "false" | "nil"));
        if !after_keyword
            && after_object
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ')' || c == ']' || c == '!' || c == '"')
        {
            // `geo.` where a type goes (`a: geo.`): the module's types.
            let in_type = identifier_before(object_end, object_end.len())
                .filter(|(object_start, _)| context_before(&text[..*object_start]) == Some(Context::Type));
            if let Some((_, import)) = in_type {
                Site::TypeMember {
                    import: import.to_string(),
                }
            } else {
                Site::Member { dot: dot as u32 }
            }
        } else {
            Site::ImplicitMember
        }
    } else {
        match context_before(&text[..prefix_start]) {
            Some(Context::Declaration | Context::Text) => Site::Nothing,
            Some(Context::Type) => Site::Type,
            Some(Context::StructLiteral { module, name, given }) => Site::StructField { module, name, given },
            None => Site::Name,
        }
    };
    let (patched, request) = if prefix_start == name_end {
        let mut patched = String::with_capacity(text.len() + PLACEHOLDER.len());
        patched.push_str(&text[..offset]);
        patched.push_str(PLACEHOLDER);
        patched.push_str(&text[offset..]);
        let name = Span::new(offset, offset + PLACEHOLDER.len());
        (patched, Request { site, name, prefix })
    } else {
        let name = Span::new(prefix_start, name_end);
        (text.to_string(), Request { site, name, prefix })
    };
    close_brackets_for(patched, request)
}

/// The text with the brackets that half-typed code leaves open closed (`print(n.` while it
/// is typed), and the request moved to match; without this nothing of the file parses.
fn close_brackets_for(patched: String, request: Request) -> (String, Request) {
    let repair = super::close_open_brackets(&patched);
    if repair.is_empty() {
        return (patched, request);
    }
    let moved = |offset: u32| repair.to_repaired(offset as usize) as u32;
    let site = match request.site {
        Site::Member { dot } => Site::Member { dot: moved(dot) },
        other => other,
    };
    let name = Span::new(moved(request.name.start) as usize, moved(request.name.end) as usize);
    (
        repair.apply(&patched),
        Request {
            site,
            name,
            prefix: request.prefix,
        },
    )
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The completions of `request` in `file` of a program checked with [`prepare`]'s text.
pub fn completions(analysis: &Analysis, file: FileId, request: &Request) -> Vec<Completion> {
    let Some(module) = analysis.module_of_file(file) else {
        return Vec::new();
    };
    let mut found = match &request.site {
        Site::Member { dot } => member_completions(analysis, file, module, *dot),
        Site::ImplicitMember => match analysis.checked.results.implicit_member_enum(file, request.name) {
            Some(id) => variants(analysis, id),
            None => Vec::new(),
        },
        Site::Name => name_completions(analysis, file, module, request.name.start),
        Site::Nothing => Vec::new(),
        Site::Type => type_completions(analysis, module),
        Site::TypeMember { import } => type_member_completions(analysis, module, import),
        Site::StructField {
            module: qualifier,
            name,
            given,
        } => {
            match struct_fields(analysis, module, qualifier.as_deref(), name, given) {
                Some(fields) => fields,
                // `if ready {`: a brace after a name that is no struct opens a block.
                None => name_completions(analysis, file, module, request.name.start),
            }
        }
    };
    // Case aside, as editors match (`pl` finds `Player`); the editor narrows the list as more
    // is typed, and every later match starts with what is typed now.
    let prefix = request.prefix.to_lowercase();
    found.retain(|completion| completion.label.to_lowercase().starts_with(&prefix) && completion.label != PLACEHOLDER);
    let mut seen = std::collections::HashSet::new();
    found.retain(|completion| seen.insert(completion.label.clone()));
    found
}

fn variants(analysis: &Analysis, id: EnumId) -> Vec<Completion> {
    let items = &analysis.checked.items;
    let info = items.enum_info(id);
    info.variants
        .iter()
        .map(|variant| Completion {
            label: variant.name.clone(),
            kind: CompletionKind::Variant,
            detail: Some(format!("{}.{}", info.name, variant.name)),
        })
        .collect()
}

/// The identifier that ends at `end` in `text`, if any.
fn identifier_before(text: &str, end: usize) -> Option<(usize, &str)> {
    let before = &text[..end];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map(|(index, _)| index)?;
    Some((start, &before[start..]))
}

fn member_completions(analysis: &Analysis, file: FileId, module: ModuleId, dot: u32) -> Vec<Completion> {
    let checked = &analysis.checked;
    let text = &checked.sources.get(file).text;
    let object_end = text[..dot as usize].trim_end_matches([' ', '\t']).len();
    // `m.` of an import (not shadowed by a local), and `E.` / `m.E.` of an enum.
    if let Some((start, name)) = identifier_before(text, object_end) {
        let shadowed = checked.results.name(file, Span::new(start, object_end)).is_some();
        let qualified = text[..start].ends_with('.');
        if !shadowed
            && !qualified
            && let Some(target) = import_named(analysis, module, name)
        {
            return module_members(analysis, target);
        }
        let enum_module = if qualified {
            identifier_before(text, start - 1).and_then(|(_, module_name)| import_named(analysis, module, module_name))
        } else if !shadowed {
            Some(module)
        } else {
            None
        };
        if let Some(enum_module) = enum_module
            && let Some(position) = checked
                .items
                .enums
                .iter()
                .position(|info| info.module == enum_module && info.name == name)
        {
            return variants(analysis, EnumId(position as u32));
        }
    }
    // A value: the narrowest checked expression that ends where the object ends.
    let object_type = checked
        .results
        .tables_of_file(file)
        .flat_map(|tables| tables.expr_types.iter())
        .filter(|(key, _)| key.file == file && key.end as usize == object_end)
        .min_by_key(|(key, _)| key.end - key.start)
        .map(|(_, ty)| ty.clone());
    match object_type {
        Some(ty) => value_members(analysis, module, &ty),
        None => Vec::new(),
    }
}

fn value_members(analysis: &Analysis, module: ModuleId, ty: &Type) -> Vec<Completion> {
    let items = &analysis.checked.items;
    let mut found = Vec::new();
    // An optional has no fields or methods of its own (`o.x` of a `?Point` is an error:
    // unwrap it first); only functions that take the optional itself apply.
    let object = ty;
    // A type the checker could not make out (`geo.Point.`: a struct's name is no value) has
    // no members to offer.
    if matches!(object, Type::Error) {
        return found;
    }
    if let Type::Struct(id) = object {
        for field in &items.struct_info(*id).fields {
            found.push(Completion {
                label: field.name.clone(),
                kind: CompletionKind::Field,
                detail: Some(items.display(&field.ty)),
            });
        }
    }
    let methods: &[(&str, &str)] = match object {
        Type::Array(_) => ARRAY_METHODS,
        Type::Map(..) => MAP_METHODS,
        Type::Str => &[
            ("len", "fn len() -> int"),
            ("int", "fn int() -> int"),
            ("float", "fn float() -> float"),
        ],
        Type::Int => &[
            ("abs", "fn abs() -> int"),
            ("min", "fn min(b: int) -> int"),
            ("max", "fn max(b: int) -> int"),
            ("float", "fn float() -> float"),
            ("fill", "fn fill(v: T) -> [T]"),
        ],
        Type::Float => &[
            ("abs", "fn abs() -> float"),
            ("min", "fn min(b: float) -> float"),
            ("max", "fn max(b: float) -> float"),
            ("int", "fn int() -> int"),
        ],
        _ => &[],
    };
    for (name, signature) in methods {
        found.push(Completion {
            label: name.to_string(),
            kind: CompletionKind::Method,
            detail: Some(signature.to_string()),
        });
    }
    if items.is_printable(object) {
        for (name, signature) in [
            ("str", "fn str() -> str"),
            ("print", "fn print()"),
            ("write", "fn write()"),
        ] {
            found.push(Completion {
                label: name.to_string(),
                kind: CompletionKind::Method,
                detail: Some(signature.to_string()),
            });
        }
    }
    for (name, builtin) in PUBLIC_BUILTINS {
        if let Some((params, result)) = builtin.signature()
            && params.first().is_some_and(|first| ty.is_assignable_to(first))
            && *builtin != Builtin::Assert
        {
            let function = Type::Function(params, result.map(Box::new));
            found.push(Completion {
                label: name.to_string(),
                kind: CompletionKind::Method,
                detail: Some(items.display(&function)),
            });
        }
    }
    // Functions of this module and `pub` functions of imported ones whose first parameter
    // accepts the value: method syntax calls them.
    let imports: Vec<ModuleId> = analysis
        .checked
        .program
        .module(module)
        .imports
        .iter()
        .filter_map(|(_, target)| *target)
        .collect();
    for info in &items.functions {
        let reachable = info.module == module || (info.is_pub && imports.contains(&info.module));
        if reachable
            && info.params.first().is_some_and(|first| ty.is_assignable_to(first))
            && !matches!(ty, Type::Error)
        {
            found.push(Completion {
                label: info.name.clone(),
                kind: CompletionKind::Function,
                detail: Some(items.display(&info.ty())),
            });
        }
    }
    found
}

/// The spans a local can be bound in and is visible throughout: blocks, function
/// expressions, `for` statements (their variables), `if let` statements and `match` arms.
fn scope_regions(module: &crate::sema::ModuleData, function: Span) -> Vec<Span> {
    use crate::syntax::visit::{self, Visitor};
    struct Regions(Vec<Span>);
    impl<'ast> Visitor<'ast> for Regions {
        fn visit_block(&mut self, block: &'ast ast::Block) {
            self.0.push(block.span);
            visit::walk_block(self, block);
        }
        fn visit_statement(&mut self, statement: &'ast ast::Statement) {
            if matches!(
                statement.kind,
                ast::StatementKind::ForRange { .. }
                    | ast::StatementKind::ForEach { .. }
                    | ast::StatementKind::IfLet { .. }
            ) {
                self.0.push(statement.span);
            }
            visit::walk_statement(self, statement);
        }
        fn visit_expr(&mut self, expr: &'ast ast::Expr) {
            if matches!(expr.kind, ast::ExprKind::Function(_) | ast::ExprKind::If(_)) {
                self.0.push(expr.span);
            }
            visit::walk_expr(self, expr);
        }
        fn visit_match(&mut self, match_node: &'ast ast::Match) {
            self.0.extend(match_node.arms.iter().map(|arm| arm.span));
            visit::walk_match(self, match_node);
        }
    }
    let mut regions = Regions(Vec::new());
    for item in &module.ast.items {
        if let ast::Item::Function(declaration) = item
            && declaration.span == function
        {
            regions.visit_block(&declaration.body);
        }
    }
    regions.0
}

/// Whether a local bound at `binding` is visible at `offset`: the smallest region holding
/// the binding also holds the offset (a parameter, in none, is visible in the whole function).
fn in_scope_at(regions: &[Span], binding: u32, offset: u32) -> bool {
    regions
        .iter()
        .filter(|region| region.start <= binding && binding < region.end)
        .min_by_key(|region| region.end - region.start)
        .is_none_or(|region| region.start <= offset && offset <= region.end)
}

fn name_completions(analysis: &Analysis, file: FileId, module: ModuleId, offset: u32) -> Vec<Completion> {
    let checked = &analysis.checked;
    let items = &checked.items;
    let text = &checked.sources.get(file).text;
    let mut found = Vec::new();
    // Locals bound earlier in the function around the cursor, the nearest first.
    let function = analysis.function_around(module, offset, offset);
    if let Some(function) = function {
        let regions = scope_regions(checked.program.module(module), function);
        let mut locals: Vec<(Span, &Type)> = checked
            .results
            .tables_of_file(file)
            .flat_map(|tables| tables.locals.iter())
            .filter(|(key, _)| key.file == file && key.start >= function.start && key.end <= offset)
            .filter(|(key, _)| in_scope_at(&regions, key.start, offset))
            .map(|(key, ty)| {
                (
                    Span {
                        start: key.start,
                        end: key.end,
                    },
                    ty,
                )
            })
            .collect();
        locals.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
        for (span, ty) in locals {
            found.push(Completion {
                label: text.get(span.range()).unwrap_or("").to_string(),
                kind: CompletionKind::Local,
                detail: Some(items.display(ty)),
            });
        }
    }
    for info in items.functions.iter().filter(|info| info.module == module) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Function,
            detail: Some(items.display(&info.ty())),
        });
    }
    for info in items.variables.iter().filter(|info| info.module == module) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Variable,
            detail: info.ty.as_ref().map(|ty| items.display(ty)),
        });
    }
    for info in items.structs.iter().filter(|info| info.module == module) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Struct,
            detail: None,
        });
    }
    for info in items.enums.iter().filter(|info| info.module == module) {
        found.push(Completion {
            label: info.name.clone(),
            kind: CompletionKind::Enum,
            detail: None,
        });
    }
    for (import, _) in &checked.program.module(module).imports {
        found.push(Completion {
            label: import.text.clone(),
            kind: CompletionKind::Module,
            detail: None,
        });
    }
    for (name, _) in PUBLIC_BUILTINS {
        found.push(Completion {
            label: name.to_string(),
            kind: CompletionKind::Function,
            detail: Some("built-in".to_string()),
        });
    }
    for keyword in KEYWORDS {
        found.push(Completion {
            label: keyword.to_string(),
            kind: CompletionKind::Keyword,
            detail: None,
        });
    }
    found
}
