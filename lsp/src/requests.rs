//! The answers to requests: each converts positions to offsets, asks `lang_compiler::analysis`
//! and converts the answer back. Run on the analysis thread (`worker`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lang_compiler::analysis::{self, Analysis, CompletionKind, Location, SymbolKind};
use lang_compiler::{FileId, Span};
use lsp_server::{Request, Response};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, DocumentFormattingParams,
    DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, Position, PrepareRenameResponse, ReferenceParams, RenameParams,
    TextDocumentPositionParams, TextEdit, Url, WorkspaceEdit,
};
use serde_json::Value;

use crate::positions;
use crate::worker::{Snapshot, Worker};

pub const INVALID_PARAMS: i32 = -32602;
pub const METHOD_NOT_FOUND: i32 = -32601;
pub const REQUEST_FAILED: i32 = -32803;

type Answer = Result<Value, (i32, String)>;

pub fn handle(worker: &mut Worker, request: Request, snapshot: &Snapshot) -> Response {
    let id = request.id.clone();
    let answer = match request.method.as_str() {
        "textDocument/hover" => with_params(request, |params| hover(worker, snapshot, params)),
        "textDocument/definition" => with_params(request, |params| definition(worker, snapshot, params)),
        "textDocument/references" => with_params(request, |params| references(worker, snapshot, params)),
        "textDocument/completion" => with_params(request, |params| completion(worker, snapshot, params)),
        "textDocument/documentSymbol" => with_params(request, |params| document_symbols(worker, snapshot, params)),
        "textDocument/prepareRename" => with_params(request, |params| prepare_rename(worker, snapshot, params)),
        "textDocument/rename" => match serde_json::from_value::<RenameParams>(request.params) {
            Ok(params) => match rename(worker, snapshot, params) {
                Ok(edit) => Ok(serde_json::to_value(edit).unwrap_or(Value::Null)),
                Err(message) => Err((REQUEST_FAILED, message)),
            },
            Err(error) => Err((INVALID_PARAMS, format!("invalid parameters: {error}"))),
        },
        "textDocument/formatting" => with_params(request, |params| formatting(snapshot, params, worker)),
        "lang/panicForTesting" if std::env::var_os("LANG_LSP_TEST_HOOKS").is_some() => {
            panic!("a panic requested by the test hook")
        }
        other => Err((METHOD_NOT_FOUND, format!("unknown request `{other}`"))),
    };
    match answer {
        Ok(value) => Response::new_ok(id, value),
        Err((code, message)) => Response::new_err(id, code, message),
    }
}

fn with_params<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    request: Request,
    answer: impl FnOnce(P) -> Option<R>,
) -> Answer {
    let params: P = serde_json::from_value(request.params)
        .map_err(|error| (INVALID_PARAMS, format!("invalid parameters: {error}")))?;
    Ok(serde_json::to_value(answer(params)).unwrap_or(Value::Null))
}

fn path_of(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

/// The check of the program rooted at the document, the document's file and the offset.
fn at(worker: &mut Worker, snapshot: &Snapshot, uri: &Url, position: Position) -> Option<(Arc<Analysis>, FileId, u32)> {
    let path = path_of(uri)?;
    let analysis = worker.analysis(&path, snapshot)?;
    let file = analysis.file_of_path(&path)?;
    let offset = positions::offset(&analysis.checked.sources.get(file).text, position, worker.encoding);
    Some((analysis, file, offset as u32))
}

fn hover(worker: &mut Worker, snapshot: &Snapshot, params: HoverParams) -> Option<Hover> {
    let position = params.text_document_position_params;
    let (analysis, file, offset) = at(worker, snapshot, &position.text_document.uri, position.position)?;
    let (span, text) = analysis.hover(file, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(positions::range(
            &analysis.checked.sources.get(file).text,
            span,
            worker.encoding,
        )),
    })
}

fn definition(
    worker: &mut Worker,
    snapshot: &Snapshot,
    params: GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let position = params.text_document_position_params;
    let (analysis, file, offset) = at(worker, snapshot, &position.text_document.uri, position.position)?;
    let found = analysis.definition(file, offset)?;
    Some(GotoDefinitionResponse::Scalar(
        worker.location(&analysis, found.file, found.span)?,
    ))
}

/// The file and span of a location, by path, to find the same symbol in other programs.
fn path_location(analysis: &Analysis, location: Location) -> Option<(PathBuf, Span)> {
    match &analysis.checked.sources.get(location.file).origin {
        lang_compiler::source::SourceOrigin::File(path) => Some((path.clone(), location.span)),
        lang_compiler::source::SourceOrigin::Stdlib(_) => None,
    }
}

/// Every place naming the symbol at the position, in every program of the open files
/// (a library's symbol is used by each program that imports it); `None` when there is no
/// symbol there.
fn all_references(
    worker: &mut Worker,
    snapshot: &Snapshot,
    position: &TextDocumentPositionParams,
    new_name: Option<&str>,
) -> Option<Result<HashMap<Url, Vec<lsp_types::Range>>, String>> {
    let (analysis, file, offset) = at(worker, snapshot, &position.text_document.uri, position.position)?;
    // This very program has a syntax error: it was not checked, so even a local's uses are
    // not known (only its declaration is): references answer nothing, a rename is refused
    // rather than edit the declaration alone.
    if let Some(path) = unchecked_file(&analysis) {
        return new_name.map(|_| Err(syntax_error_refusal(&path)));
    }
    let occurrence = analysis.symbol_at(file, offset)?;
    let first = match new_name {
        Some(name) => match analysis.rename(file, offset, name) {
            Ok(locations) => locations,
            Err(error) => return Some(Err(error.to_string())),
        },
        None => analysis.references(file, offset, true),
    };
    let declaration = path_location(&analysis, analysis.declaration(occurrence.symbol));
    let mut found: HashMap<Url, Vec<lsp_types::Range>> = HashMap::new();
    let mut add = |worker: &Worker, analysis: &Analysis, locations: Vec<Location>| {
        for location in locations {
            if let Some(location) = worker.location(analysis, location.file, location.span) {
                let ranges = found.entry(location.uri).or_default();
                if !ranges.contains(&location.range) {
                    ranges.push(location.range);
                }
            }
        }
    };
    add(worker, &analysis, first);
    let is_local = matches!(occurrence.symbol, analysis::Symbol::Local { .. });
    let others = if is_local {
        Vec::new()
    } else {
        worker.all_analyses(snapshot)
    };
    // A program that could not be checked (a syntax error) may use the name where no one can
    // see: renaming without those uses would break it once the error is fixed.
    if new_name.is_some()
        && let Some(path) = others.iter().find_map(|(_, other)| unchecked_file(other))
    {
        return Some(Err(syntax_error_refusal(&path)));
    }
    if let Some((declaration_path, declaration_span)) = declaration.filter(|_| !is_local) {
        for (_, other) in others {
            let Some(other_file) = other.file_of_path(&declaration_path) else {
                continue;
            };
            let Some(other_occurrence) = other.symbol_at(other_file, declaration_span.start) else {
                continue;
            };
            if other_occurrence.span != declaration_span || !other_occurrence.is_definition {
                continue;
            }
            add(
                worker,
                &other,
                other.references(other_file, declaration_span.start, true),
            );
        }
    }
    Some(Ok(found))
}

/// Why a rename is refused while the program of `path` has a syntax error.
fn syntax_error_refusal(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |name| name.to_string_lossy().into());
    format!("cannot rename while `{name}` has a syntax error: its uses of the name cannot be found; fix it first")
}

/// The file of the first syntax error of a program that was not checked because of it.
fn unchecked_file(analysis: &Analysis) -> Option<PathBuf> {
    // A checked program has at least its `main`; one with a syntax error has no items at all.
    if !analysis.checked.items.functions.is_empty() {
        return None;
    }
    let error = analysis
        .checked
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.is_error())?;
    match &analysis.checked.sources.get(error.primary.file).origin {
        lang_compiler::source::SourceOrigin::File(path) => Some(path.clone()),
        lang_compiler::source::SourceOrigin::Stdlib(_) => None,
    }
}

fn references(worker: &mut Worker, snapshot: &Snapshot, params: ReferenceParams) -> Option<Vec<lsp_types::Location>> {
    let include_declaration = params.context.include_declaration;
    let position = params.text_document_position;
    let declaration = if include_declaration {
        None
    } else {
        let (analysis, file, offset) = at(worker, snapshot, &position.text_document.uri, position.position)?;
        let occurrence = analysis.symbol_at(file, offset)?;
        let declaration = analysis.declaration(occurrence.symbol);
        worker.location(&analysis, declaration.file, declaration.span)
    };
    let found = all_references(worker, snapshot, &position, None)?.ok()?;
    let mut locations: Vec<lsp_types::Location> = found
        .into_iter()
        .flat_map(|(uri, ranges)| {
            ranges.into_iter().map(move |range| lsp_types::Location {
                uri: uri.clone(),
                range,
            })
        })
        .filter(|location| Some(location) != declaration.as_ref())
        .collect();
    locations.sort_by(|a, b| {
        (a.uri.as_str(), a.range.start.line, a.range.start.character).cmp(&(
            b.uri.as_str(),
            b.range.start.line,
            b.range.start.character,
        ))
    });
    Some(locations)
}

fn prepare_rename(
    worker: &mut Worker,
    snapshot: &Snapshot,
    params: TextDocumentPositionParams,
) -> Option<PrepareRenameResponse> {
    let (analysis, file, offset) = at(worker, snapshot, &params.text_document.uri, params.position)?;
    let span = analysis.rename_range(file, offset)?;
    Some(PrepareRenameResponse::Range(positions::range(
        &analysis.checked.sources.get(file).text,
        span,
        worker.encoding,
    )))
}

/// A refused rename is an error response, so that the editor shows why.
fn rename(worker: &mut Worker, snapshot: &Snapshot, params: RenameParams) -> Result<WorkspaceEdit, String> {
    if !analysis::is_identifier(&params.new_name) {
        return Err(analysis::RenameError::InvalidName(params.new_name).to_string());
    }
    let edits = match all_references(worker, snapshot, &params.text_document_position, Some(&params.new_name)) {
        Some(Ok(found)) => found,
        Some(Err(message)) => return Err(message),
        None => return Err(analysis::RenameError::NothingToRename.to_string()),
    };
    let changes = edits
        .into_iter()
        .map(|(uri, ranges)| {
            let edits = ranges
                .into_iter()
                .map(|range| TextEdit {
                    range,
                    new_text: params.new_name.clone(),
                })
                .collect();
            (uri, edits)
        })
        .collect();
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

fn completion(worker: &mut Worker, snapshot: &Snapshot, params: CompletionParams) -> Option<CompletionResponse> {
    let position = params.text_document_position;
    let path = path_of(&position.text_document.uri)?;
    let text = match snapshot.documents.get(&path) {
        Some(document) => document.text.clone(),
        None => lang_compiler::source::read_source_file(&path).ok()?,
    };
    let offset = positions::offset(&text, position.position, worker.encoding);
    let (patched, request) = analysis::prepare(&text, offset);
    let analysis = worker.analysis_with(&path, snapshot, &path, &patched)?;
    let file = analysis.file_of_path(&path)?;
    let items = analysis::completions(&analysis, file, &request)
        .into_iter()
        .map(|completion| CompletionItem {
            label: completion.label,
            kind: Some(completion_kind(completion.kind)),
            detail: completion.detail,
            ..Default::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}

fn completion_kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Local => CompletionItemKind::VARIABLE,
        CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Variable => CompletionItemKind::VARIABLE,
        CompletionKind::Struct => CompletionItemKind::STRUCT,
        CompletionKind::Enum => CompletionItemKind::ENUM,
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Variant => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Module => CompletionItemKind::MODULE,
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Method => CompletionItemKind::METHOD,
    }
}

fn document_text(snapshot: &Snapshot, uri: &Url) -> Option<String> {
    let path = path_of(uri)?;
    match snapshot.documents.get(&path) {
        Some(document) => Some(document.text.clone()),
        None => lang_compiler::source::read_source_file(Path::new(&path)).ok(),
    }
}

fn document_symbols(
    worker: &mut Worker,
    snapshot: &Snapshot,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let text = document_text(snapshot, &params.text_document.uri)?;
    let symbols = analysis::outline(&text);
    let lines = positions::LineIndex::new(&text);
    Some(DocumentSymbolResponse::Nested(
        symbols
            .into_iter()
            .map(|symbol| document_symbol(&text, &lines, symbol, worker))
            .collect(),
    ))
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol's struct.
fn document_symbol(
    text: &str,
    lines: &positions::LineIndex,
    symbol: analysis::DocumentSymbol,
    worker: &Worker,
) -> lsp_types::DocumentSymbol {
    lsp_types::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: match symbol.kind {
            SymbolKind::Module => lsp_types::SymbolKind::MODULE,
            SymbolKind::Function => lsp_types::SymbolKind::FUNCTION,
            SymbolKind::Struct => lsp_types::SymbolKind::STRUCT,
            SymbolKind::Enum => lsp_types::SymbolKind::ENUM,
            SymbolKind::Field => lsp_types::SymbolKind::FIELD,
            SymbolKind::Variant => lsp_types::SymbolKind::ENUM_MEMBER,
            SymbolKind::Constant => lsp_types::SymbolKind::CONSTANT,
            SymbolKind::Variable => lsp_types::SymbolKind::VARIABLE,
        },
        tags: None,
        deprecated: None,
        range: lines.range(text, symbol.span, worker.encoding),
        selection_range: lines.range(text, symbol.selection, worker.encoding),
        children: Some(
            symbol
                .children
                .into_iter()
                .map(|child| document_symbol(text, lines, child, worker))
                .collect(),
        )
        .filter(|children: &Vec<_>| !children.is_empty()),
    }
}

fn formatting(snapshot: &Snapshot, params: DocumentFormattingParams, worker: &Worker) -> Option<Vec<TextEdit>> {
    let text = document_text(snapshot, &params.text_document.uri)?;
    let Some(formatted) = crate::format::format_document(&text) else {
        // A syntax error: no edits, as section 12 says.
        return Some(Vec::new());
    };
    if formatted == text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit {
        range: positions::range(&text, Span::new(0, text.len()), worker.encoding),
        new_text: formatted,
    }])
}
