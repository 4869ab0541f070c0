//! Hover texts: `name: type` for a local, the signature and doc comment of a function, the
//! fields of a struct, the variants of an enum; Markdown with the code in an `ln` block.

use super::{Analysis, Symbol, doc_comment};
use crate::sema::types::{FieldInfo, Items, Type};
use crate::syntax::ast;

pub(super) fn describe(analysis: &Analysis, symbol: Symbol) -> String {
    let checked = &analysis.checked;
    let items = &checked.items;
    let declaration = analysis.declaration(symbol);
    let (code, declaration_start) = match symbol {
        Symbol::Local { file, span } => {
            let name = analysis.text(file, span);
            // A type the checker could not make out (after an error) is not shown: the
            // editor would show its internal `{unknown}`.
            let code = match checked.results.local(file, span) {
                Some(ty) if !matches!(ty, Type::Error) => format!("{name}: {}", items.display(ty)),
                _ => name.to_string(),
            };
            (code, None)
        }
        Symbol::Function(id) => {
            let info = items.function(id);
            let declaration = find_item(analysis, symbol);
            let names: Vec<String> = match declaration {
                Some(ast::Item::Function(function)) => {
                    function.params.iter().map(|param| param.name.text.clone()).collect()
                }
                _ => Vec::new(),
            };
            let params: Vec<String> = info
                .params
                .iter()
                .enumerate()
                .map(|(index, ty)| match names.get(index) {
                    Some(name) => format!("{name}: {}", items.display(ty)),
                    None => items.display(ty),
                })
                .collect();
            let result = match &info.result {
                Some(result) => format!(" -> {}", items.display(result)),
                None => String::new(),
            };
            let visibility = if info.is_pub { "pub " } else { "" };
            let code = format!("{visibility}fn {}({}){result}", info.name, params.join(", "));
            (code, declaration.map(item_start))
        }
        Symbol::Variable(id) => {
            let info = items.variable(id);
            let keyword = if info.mutable { "var" } else { "let" };
            let code = match info.ty.as_ref().filter(|ty| !matches!(ty, Type::Error)) {
                Some(ty) => format!("{keyword} {}: {}", info.name, items.display(ty)),
                None => format!("{keyword} {}", info.name),
            };
            (code, find_item(analysis, symbol).map(item_start))
        }
        Symbol::Struct(id) => {
            let info = items.struct_info(id);
            let mut code = format!("struct {} {{\n", info.name);
            for field in &info.fields {
                code.push_str(&format!("    {},\n", field_text(items, field)));
            }
            code.push('}');
            (code, find_item(analysis, symbol).map(item_start))
        }
        Symbol::Enum(id) => {
            let info = items.enum_info(id);
            let mut code = format!("enum {} {{\n", info.name);
            for variant in &info.variants {
                code.push_str(&format!("    {},\n", variant_text(items, variant)));
            }
            code.push('}');
            (code, find_item(analysis, symbol).map(item_start))
        }
        Symbol::Field(id, index) => {
            let info = items.struct_info(id);
            (
                format!("{}.{}", info.name, field_text(items, &info.fields[index])),
                None,
            )
        }
        Symbol::Variant(id, index) => {
            let info = items.enum_info(id);
            (
                format!("{}.{}", info.name, variant_text(items, &info.variants[index])),
                None,
            )
        }
        Symbol::Module(id) => {
            let module = checked.program.module(id);
            let origin = &checked.sources.get(module.file).display_name;
            (format!("import {}  // {origin}", module.name), None)
        }
    };
    let mut text = format!("```ln\n{code}\n```");
    let field_or_variant_doc = match symbol {
        Symbol::Field(..) | Symbol::Variant(..) => Some(declaration.span.start as usize),
        _ => None,
    };
    if let Some(start) = declaration_start.or(field_or_variant_doc) {
        let source = &checked.sources.get(declaration.file).text;
        if let Some(doc) = doc_comment(source, start) {
            text.push_str("\n\n");
            text.push_str(&doc);
        }
    }
    text
}

fn field_text(items: &Items, field: &FieldInfo) -> String {
    let default = if field.has_default { " = ..." } else { "" };
    format!("{}: {}{default}", field.name, items.display(&field.ty))
}

fn variant_text(items: &Items, variant: &crate::sema::types::VariantInfo) -> String {
    if !variant.has_payload {
        return variant.name.clone();
    }
    let fields: Vec<String> = variant.fields.iter().map(|field| field_text(items, field)).collect();
    format!("{}({})", variant.name, fields.join(", "))
}

/// The item declaring `symbol` (a function, variable, struct or enum).
fn find_item(analysis: &Analysis, symbol: Symbol) -> Option<&ast::Item> {
    let declaration = analysis.declaration(symbol);
    let module = analysis.module_of_file(declaration.file)?;
    analysis
        .checked
        .program
        .module(module)
        .ast
        .items
        .iter()
        .find(|item| item_name_span(item) == Some(declaration.span))
}

fn item_name_span(item: &ast::Item) -> Option<crate::source::Span> {
    match item {
        ast::Item::Function(declaration) => Some(declaration.name.span),
        ast::Item::Variable(declaration) => Some(declaration.name.span),
        ast::Item::Struct(declaration) => Some(declaration.name.span),
        ast::Item::Enum(declaration) => Some(declaration.name.span),
        ast::Item::Import(_) => None,
    }
}

fn item_start(item: &ast::Item) -> usize {
    let span = match item {
        ast::Item::Function(declaration) => declaration.span,
        ast::Item::Variable(declaration) => declaration.span,
        ast::Item::Struct(declaration) => declaration.span,
        ast::Item::Enum(declaration) => declaration.span,
        ast::Item::Import(declaration) => declaration.span,
    };
    span.start as usize
}
