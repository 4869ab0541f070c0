//! The analysis thread: it owns the compiler's caches, checks the open programs and answers
//! requests, off the main loop (which stays free to take edits). It runs on a thread with a
//! large stack, like `lang check`, because the compiler recurses over the syntax tree.
//!
//! What is incremental: files whose text did not change are not parsed again (`ParseCache`);
//! the bodies of a module are checked again only when the module or an interface it reads
//! changed (`sema::incremental`, the machinery of hot reload, with one body cache per program
//! root); a check of a generation already checked is reused by every request of it; and the
//! symbol index is built per file as requests ask about it (`analysis::Analysis`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender};
use lang_compiler::analysis::Analysis;
use lang_compiler::source::SourceOrigin;
use lang_compiler::{FileSystemLoader, LoadError, ParseCache, Severity, SourceLoader};
use lsp_server::{Message, Notification, Request, Response};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, PublishDiagnosticsParams, Url};

use crate::positions::{self, Encoding};
use crate::requests;
use crate::transport::Outgoing;

/// The compiler recurses over the syntax tree; as `lang check`, it gets a stack large enough
/// for anything within the parser's nesting limits (only reserved, not used).
const STACK_SIZE: usize = lang_compiler::threads::DEEP_STACK_SIZE;

pub const INTERNAL_ERROR: i32 = -32603;

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    pub text: String,
    pub version: i32,
}

/// The open documents at one moment; `generation` grows with every change.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub generation: u64,
    pub documents: BTreeMap<PathBuf, Document>,
}

pub enum Job {
    Recheck(Arc<Snapshot>),
    Request(Request, Arc<Snapshot>),
}

/// Reads open documents from the editor and every other file from disk.
pub struct OverlayLoader<'a> {
    pub documents: &'a BTreeMap<PathBuf, Document>,
    /// One file's text replaced (completion checks a copy with a placeholder name).
    pub replaced: Option<(&'a Path, &'a str)>,
}

impl SourceLoader for OverlayLoader<'_> {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        if let Some((replaced, text)) = self.replaced
            && replaced == path
        {
            return Ok(text.to_string());
        }
        match self.documents.get(path) {
            Some(document) => Ok(document.text.clone()),
            None => FileSystemLoader.load(path),
        }
    }
}

pub struct Worker {
    pub out: Sender<Outgoing>,
    pub latest_generation: Arc<AtomicU64>,
    pub encoding: Encoding,
    parse_cache: ParseCache,
    /// The last check of each open file as the root of a program, with its generation.
    analyses: HashMap<PathBuf, (u64, Arc<Analysis>)>,
    published: HashSet<Url>,
    /// The line indexes of the last few source texts positions were asked in (diagnostics,
    /// references): each holds its text, so a pointer names the text while it is here.
    line_indexes: std::cell::RefCell<Vec<(Arc<String>, Arc<positions::LineIndex>)>>,
}

pub fn spawn(out: Sender<Outgoing>, latest_generation: Arc<AtomicU64>, encoding: Encoding) -> Sender<Job> {
    let (sender, receiver) = crossbeam_channel::unbounded::<Job>();
    std::thread::Builder::new()
        .name("lsp-analysis".into())
        .stack_size(STACK_SIZE)
        .spawn(move || {
            let mut worker = Worker {
                out,
                latest_generation,
                encoding,
                parse_cache: ParseCache::default(),
                line_indexes: std::cell::RefCell::new(Vec::new()),
                analyses: HashMap::new(),
                published: HashSet::new(),
            };
            worker.run(&receiver);
        })
        .expect("the analysis thread starts");
    sender
}

impl Worker {
    fn run(&mut self, jobs: &Receiver<Job>) {
        for job in jobs {
            match job {
                Job::Recheck(snapshot) => {
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.recheck(&snapshot)));
                    if outcome.is_err() {
                        eprintln!("lang lsp: checking the open files failed (see the panic above); going on");
                        // A panic may have left a half-updated cache behind.
                        self.parse_cache = ParseCache::default();
                        self.analyses.clear();
                    }
                }
                Job::Request(request, snapshot) => {
                    let id = request.id.clone();
                    let method = request.method.clone();
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        requests::handle(self, request, &snapshot)
                    }));
                    let response = outcome.unwrap_or_else(|panic| {
                        let reason = panic
                            .downcast_ref::<&str>()
                            .map(|text| text.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "unknown".into());
                        eprintln!("lang lsp: the request `{method}` failed: {reason}");
                        self.parse_cache = ParseCache::default();
                        self.analyses.clear();
                        Response::new_err(id, INTERNAL_ERROR, format!("internal error in `{method}`: {reason}"))
                    });
                    let _ = self.out.send(Outgoing::Message(Message::Response(response)));
                }
            }
        }
    }

    /// The check of the program whose main file is `root`, in `snapshot`.
    pub fn analysis(&mut self, root: &Path, snapshot: &Snapshot) -> Option<Arc<Analysis>> {
        if let Some((generation, analysis)) = self.analyses.get(root)
            && *generation == snapshot.generation
        {
            return Some(analysis.clone());
        }
        let mut loader = OverlayLoader {
            documents: &snapshot.documents,
            replaced: None,
        };
        let checked = lang_compiler::check_program_with_cache(root, &mut loader, &mut self.parse_cache).ok()?;
        let analysis = Arc::new(Analysis::new(checked));
        if snapshot.documents.contains_key(root) {
            self.analyses
                .insert(root.to_path_buf(), (snapshot.generation, analysis.clone()));
        }
        Some(analysis)
    }

    /// A check of `root` with the text of `path` replaced, not kept.
    pub fn analysis_with(&mut self, root: &Path, snapshot: &Snapshot, path: &Path, text: &str) -> Option<Analysis> {
        let mut loader = OverlayLoader {
            documents: &snapshot.documents,
            replaced: Some((path, text)),
        };
        let checked = lang_compiler::check_program_with_cache(root, &mut loader, &mut self.parse_cache).ok()?;
        Some(Analysis::new(checked))
    }

    /// The checks of every open file as a root, in path order.
    pub fn all_analyses(&mut self, snapshot: &Snapshot) -> Vec<(PathBuf, Arc<Analysis>)> {
        let roots: Vec<PathBuf> = snapshot.documents.keys().cloned().collect();
        roots
            .into_iter()
            .filter_map(|root| Some((root.clone(), self.analysis(&root, snapshot)?)))
            .collect()
    }

    fn is_stale(&self, snapshot: &Snapshot) -> bool {
        self.latest_generation.load(Ordering::SeqCst) > snapshot.generation
    }

    /// Checks every open program and publishes the diagnostics of every file in them, unless
    /// the documents changed meanwhile (the newer check will publish).
    fn recheck(&mut self, snapshot: &Snapshot) {
        if self.is_stale(snapshot) {
            return;
        }
        self.analyses.retain(|root, _| snapshot.documents.contains_key(root));
        let analyses = self.all_analyses(snapshot);
        // A file's diagnostics come from a program that imports it when there is one (a
        // library checked as its own root would lack a `main`), else from its own.
        let mut owners: BTreeMap<PathBuf, usize> = BTreeMap::new();
        for (index, (root, analysis)) in analyses.iter().enumerate() {
            for (_, file) in analysis.checked.sources.iter() {
                if let SourceOrigin::File(path) = &file.origin
                    && path != root
                {
                    owners.entry(path.clone()).or_insert(index);
                }
            }
        }
        for (index, (root, _)) in analyses.iter().enumerate() {
            owners.entry(root.clone()).or_insert(index);
        }
        let mut publications = Vec::new();
        for (path, index) in &owners {
            if crate::stdlib_files::is_stdlib_file(path) {
                continue;
            }
            let analysis = &analyses[*index].1;
            let Some(file) = analysis.file_of_path(path) else {
                continue;
            };
            let Ok(uri) = Url::from_file_path(path) else { continue };
            let diagnostics = analysis
                .checked
                .diagnostics
                .iter()
                .filter(|diagnostic| diagnostic.primary.file == file)
                // As many as `lang check` shows: converting each position costs time in
                // proportion to its line, and tens of thousands blocked the server.
                .take(lang_compiler::diagnostics::MOST_RENDERED)
                .map(|diagnostic| self.diagnostic(analysis, diagnostic))
                .collect();
            let version = snapshot.documents.get(path).map(|document| document.version);
            publications.push(PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            });
        }
        if self.is_stale(snapshot) {
            return;
        }
        let now: HashSet<Url> = publications.iter().map(|publication| publication.uri.clone()).collect();
        for uri in self.published.difference(&now) {
            self.publish(PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: Vec::new(),
                version: None,
            });
        }
        for publication in publications {
            self.publish(publication);
        }
        self.published = now;
    }

    fn publish(&self, params: PublishDiagnosticsParams) {
        let notification = Notification::new("textDocument/publishDiagnostics".into(), params);
        let _ = self.out.send(Outgoing::Message(Message::Notification(notification)));
    }

    /// An LSP location of `span` in `file` of `analysis` (a standard-library module's in the
    /// file `stdlib_files` writes for it); `None` when there is no file to point at.
    pub fn location(
        &self,
        analysis: &Analysis,
        file: lang_compiler::FileId,
        span: lang_compiler::Span,
    ) -> Option<lsp_types::Location> {
        let source = analysis.checked.sources.get(file);
        let path = match &source.origin {
            SourceOrigin::File(path) => path.clone(),
            SourceOrigin::Stdlib(name) => crate::stdlib_files::stdlib_file(name, &source.text)?,
        };
        Some(lsp_types::Location {
            uri: Url::from_file_path(&path).ok()?,
            range: self.range(&source.text, span),
        })
    }

    /// The range of `span` in `text`, through the text's line index (made once).
    fn range(&self, text: &Arc<String>, span: lang_compiler::Span) -> lsp_types::Range {
        const KEPT: usize = 8;
        let mut indexes = self.line_indexes.borrow_mut();
        let index = match indexes.iter().position(|(kept, _)| Arc::ptr_eq(kept, text)) {
            Some(found) => indexes[found].1.clone(),
            None => {
                let index = Arc::new(positions::LineIndex::new(text));
                if indexes.len() == KEPT {
                    indexes.remove(0);
                }
                indexes.push((text.clone(), index.clone()));
                index
            }
        };
        index.range(text, span, self.encoding)
    }

    fn diagnostic(&self, analysis: &Analysis, diagnostic: &lang_compiler::Diagnostic) -> lsp_types::Diagnostic {
        let primary = &diagnostic.primary;
        let text = &analysis.checked.sources.get(primary.file).text;
        let range = self.range(text, primary.span);
        let mut related: Vec<DiagnosticRelatedInformation> = diagnostic
            .secondary
            .iter()
            .filter_map(|label| {
                Some(DiagnosticRelatedInformation {
                    location: self.location(analysis, label.file, label.span)?,
                    message: label.message.clone(),
                })
            })
            .collect();
        if let Some(help) = &diagnostic.help
            && let Some(location) = self.location(analysis, primary.file, primary.span)
        {
            related.push(DiagnosticRelatedInformation {
                location,
                message: format!("help: {help}"),
            });
        }
        lsp_types::Diagnostic {
            range,
            severity: Some(match diagnostic.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                _ => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
            source: Some("lang".into()),
            message: diagnostic.message.clone(),
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        }
    }
}
