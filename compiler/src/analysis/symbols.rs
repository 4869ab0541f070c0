//! The outline of a file: its items, with the fields of each struct and the variants of each
//! enum nested inside. Read from the syntax tree alone, so it works on a file with type errors.

use crate::source::Span;
use crate::syntax::ast;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Module,
    Function,
    Struct,
    Enum,
    Field,
    Variant,
    Constant,
    Variable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// A short description: a function's parameter list, a field's type.
    pub detail: Option<String>,
    /// The whole declaration.
    pub span: Span,
    /// The name.
    pub selection: Span,
    pub children: Vec<DocumentSymbol>,
}

/// The symbols of a parsed file, in source order. `text` is the file's text, for details.
pub fn document_symbols(module: &ast::Module, text: &str) -> Vec<DocumentSymbol> {
    let source = |span: Span| text.get(span.range()).unwrap_or("").to_string();
    let field = |field: &ast::FieldDecl| DocumentSymbol {
        name: field.name.text.clone(),
        kind: SymbolKind::Field,
        detail: Some(source(field.ty.span)),
        span: field.span,
        selection: field.name.span,
        children: Vec::new(),
    };
    module
        .items
        .iter()
        .map(|item| match item {
            ast::Item::Import(import) => DocumentSymbol {
                name: import.module.text.clone(),
                kind: SymbolKind::Module,
                detail: None,
                span: import.span,
                selection: import.module.span,
                children: Vec::new(),
            },
            ast::Item::Function(function) => {
                let params: Vec<String> = function.params.iter().map(|param| source(param.span)).collect();
                let result = function
                    .result
                    .as_ref()
                    .map(|result| format!(" -> {}", source(result.span)))
                    .unwrap_or_default();
                DocumentSymbol {
                    name: function.name.text.clone(),
                    kind: SymbolKind::Function,
                    detail: Some(format!("fn({}){result}", params.join(", "))),
                    span: function.span,
                    selection: function.name.span,
                    children: Vec::new(),
                }
            }
            ast::Item::Struct(declaration) => DocumentSymbol {
                name: declaration.name.text.clone(),
                kind: SymbolKind::Struct,
                detail: None,
                span: declaration.span,
                selection: declaration.name.span,
                children: declaration.fields.iter().map(field).collect(),
            },
            ast::Item::Enum(declaration) => DocumentSymbol {
                name: declaration.name.text.clone(),
                kind: SymbolKind::Enum,
                detail: None,
                span: declaration.span,
                selection: declaration.name.span,
                children: declaration
                    .variants
                    .iter()
                    .map(|variant| DocumentSymbol {
                        name: variant.name.text.clone(),
                        kind: SymbolKind::Variant,
                        detail: None,
                        span: variant.span,
                        selection: variant.name.span,
                        children: variant.payload.iter().flatten().map(field).collect(),
                    })
                    .collect(),
            },
            ast::Item::Variable(declaration) => DocumentSymbol {
                name: declaration.name.text.clone(),
                kind: if declaration.mutable {
                    SymbolKind::Variable
                } else {
                    SymbolKind::Constant
                },
                detail: declaration.ty.as_ref().map(|ty| source(ty.span)),
                span: declaration.span,
                selection: declaration.name.span,
                children: Vec::new(),
            },
        })
        .collect()
}

/// The symbols of the file whose text is `text`, parsed here. While a bracket is left open
/// (`print(n.` being typed) the parser reads nothing of the file; the outline then comes from
/// the text with its open brackets closed (`analysis::close_open_brackets`), its spans moved
/// back to `text`.
pub fn outline(text: &str) -> Vec<DocumentSymbol> {
    let (module, diagnostics) = crate::syntax::parse_file(text, crate::source::FileId(0));
    if diagnostics.is_empty() {
        return document_symbols(&module, text);
    }
    let repair = super::close_open_brackets(text);
    let repaired = repair.apply(text);
    let (mut repaired_module, errors) = crate::syntax::parse_file(&repaired, crate::source::FileId(0));
    let mut repaired = repaired;
    if !errors.is_empty() {
        // Lines that still do not parse (a half-typed field, `y: }`) are blanked, keeping
        // offsets, so the items around them are still listed.
        let blanked = super::repair::blank_broken_lines(repaired.clone(), None);
        let (blanked_module, blanked_errors) = crate::syntax::parse_file(&blanked, crate::source::FileId(0));
        if blanked_errors.is_empty() {
            repaired_module = blanked_module;
            repaired = blanked;
        }
    }
    if repair.is_empty() && repaired == text {
        return document_symbols(&module, text);
    }
    let mut symbols = document_symbols(&repaired_module, &repaired);
    if symbols.is_empty() {
        return document_symbols(&module, text);
    }
    let back = |span: Span| {
        Span::new(
            repair.to_original(span.start as usize),
            repair.to_original(span.end as usize),
        )
    };
    fn move_spans(symbol: &mut DocumentSymbol, back: &dyn Fn(Span) -> Span) {
        symbol.span = back(symbol.span);
        symbol.selection = back(symbol.selection);
        for child in &mut symbol.children {
            move_spans(child, back);
        }
    }
    for symbol in &mut symbols {
        move_spans(symbol, &back);
    }
    symbols
}
