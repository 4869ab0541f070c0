//! The main loop: the handshake, the open documents, debounced rechecks, and requests handed
//! to the analysis thread. It never checks anything itself, so edits are taken at once while
//! a check runs; a check whose documents changed meanwhile publishes nothing.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Message, Notification, Request, Response};
use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, InitializeParams, OneOf,
    PositionEncodingKind, RenameOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind,
};

use crate::positions::{self, Encoding};
use crate::transport::{self, Incoming, Outgoing};
use crate::worker::{self, Document, Job, Snapshot};

/// How long the documents must be still before they are checked again: a burst of
/// keystrokes costs one check.
const DEBOUNCE: Duration = Duration::from_millis(120);

const SERVER_NOT_INITIALIZED: i32 = -32002;

/// Runs the server on stdin and stdout; returns the process's exit code.
pub fn run() -> u8 {
    let incoming = transport::spawn_reader();
    let (out, writer) = transport::spawn_writer();
    let code = serve(&incoming, &out);
    // Everything sent so far is written before the process ends; a check still running on
    // the analysis thread (which holds a sender too) is not waited for beyond a moment.
    drop(out);
    let (done, finished) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        let _ = writer.join();
        let _ = done.send(());
    });
    let _ = finished.recv_timeout(Duration::from_secs(2));
    code
}

struct State {
    out: Sender<Outgoing>,
    jobs: Option<Sender<Job>>,
    generation: Arc<AtomicU64>,
    documents: BTreeMap<std::path::PathBuf, Document>,
    snapshot: Arc<Snapshot>,
    encoding: Encoding,
    shutdown: bool,
    recheck_at: Option<Instant>,
}

fn serve(incoming: &Receiver<Incoming>, out: &Sender<Outgoing>) -> u8 {
    let mut state = State {
        out: out.clone(),
        jobs: None,
        generation: Arc::new(AtomicU64::new(0)),
        documents: BTreeMap::new(),
        snapshot: Arc::new(Snapshot::default()),
        encoding: Encoding::Utf16,
        shutdown: false,
        recheck_at: None,
    };
    loop {
        let next = match state.recheck_at {
            Some(deadline) => incoming.recv_deadline(deadline),
            None => incoming
                .recv()
                .map_err(|_| crossbeam_channel::RecvTimeoutError::Disconnected),
        };
        let message = match next {
            Ok(Incoming::Message(message)) => message,
            Ok(Incoming::Malformed { code, message, id }) => {
                eprintln!("lang lsp: {message}");
                state.send(Outgoing::InvalidMessageError { id, code, message });
                continue;
            }
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                state.recheck_at = None;
                if let Some(jobs) = &state.jobs {
                    let _ = jobs.send(Job::Recheck(state.snapshot.clone()));
                }
                continue;
            }
            Ok(Incoming::Closed) | Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                return if state.shutdown { 0 } else { 1 };
            }
        };
        match message {
            Message::Request(request) => state.request(request),
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return if state.shutdown { 0 } else { 1 };
                }
                state.notification(notification);
            }
            Message::Response(_) => {}
        }
    }
}

impl State {
    fn send(&self, outgoing: Outgoing) {
        let _ = self.out.send(outgoing);
    }

    fn respond(&self, response: Response) {
        self.send(Outgoing::Message(Message::Response(response)));
    }

    fn request(&mut self, request: Request) {
        match request.method.as_str() {
            "initialize" => self.initialize(request),
            _ if self.jobs.is_none() => self.respond(Response::new_err(
                request.id,
                SERVER_NOT_INITIALIZED,
                "the server is not initialized yet".into(),
            )),
            "shutdown" => {
                self.shutdown = true;
                self.respond(Response::new_ok(request.id, serde_json::Value::Null));
            }
            _ if self.shutdown => self.respond(Response::new_err(
                request.id,
                transport::INVALID_REQUEST,
                "the server is shutting down".into(),
            )),
            _ => {
                if let Some(jobs) = &self.jobs {
                    let _ = jobs.send(Job::Request(request, self.snapshot.clone()));
                }
            }
        }
    }

    fn initialize(&mut self, request: Request) {
        if self.jobs.is_some() {
            self.respond(Response::new_err(
                request.id,
                transport::INVALID_REQUEST,
                "the server is already initialized".into(),
            ));
            return;
        }
        let params: InitializeParams = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(error) => {
                self.respond(Response::new_err(
                    request.id,
                    crate::requests::INVALID_PARAMS,
                    format!("invalid initialize parameters: {error}"),
                ));
                return;
            }
        };
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
        self.encoding = if offers_utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let capabilities = ServerCapabilities {
            position_encoding: Some(if offers_utf8 {
                PositionEncodingKind::UTF8
            } else {
                PositionEncodingKind::UTF16
            }),
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
            hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            completion_provider: Some(lsp_types::CompletionOptions {
                trigger_characters: Some(vec![".".into()]),
                ..Default::default()
            }),
            document_symbol_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            document_formatting_provider: Some(OneOf::Left(true)),
            ..Default::default()
        };
        let result = lsp_types::InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "lang".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        self.respond(Response::new_ok(request.id, result));
        self.jobs = Some(worker::spawn(self.out.clone(), self.generation.clone(), self.encoding));
    }

    fn notification(&mut self, notification: Notification) {
        if self.jobs.is_none() {
            return;
        }
        let changed = match notification.method.as_str() {
            "textDocument/didOpen" => match serde_json::from_value::<DidOpenTextDocumentParams>(notification.params) {
                Ok(params) => {
                    let document = params.text_document;
                    match document.uri.to_file_path() {
                        Ok(path) => {
                            self.documents.insert(
                                path,
                                Document {
                                    text: document.text,
                                    version: document.version,
                                },
                            );
                            true
                        }
                        Err(()) => false,
                    }
                }
                Err(error) => {
                    eprintln!("lang lsp: invalid didOpen: {error}");
                    false
                }
            },
            "textDocument/didChange" => {
                match serde_json::from_value::<DidChangeTextDocumentParams>(notification.params) {
                    Ok(params) => {
                        let encoding = self.encoding;
                        let path = params.text_document.uri.to_file_path().ok();
                        match path.and_then(|path| self.documents.get_mut(&path)) {
                            Some(document) => {
                                for change in params.content_changes {
                                    match change.range {
                                        Some(range) => {
                                            let start = positions::offset(&document.text, range.start, encoding);
                                            let end = positions::offset(&document.text, range.end, encoding).max(start);
                                            document.text.replace_range(start..end, &change.text);
                                        }
                                        None => document.text = change.text,
                                    }
                                }
                                document.version = params.text_document.version;
                                true
                            }
                            None => false,
                        }
                    }
                    Err(error) => {
                        eprintln!("lang lsp: invalid didChange: {error}");
                        false
                    }
                }
            }
            "textDocument/didClose" => {
                match serde_json::from_value::<DidCloseTextDocumentParams>(notification.params) {
                    Ok(params) => params
                        .text_document
                        .uri
                        .to_file_path()
                        .is_ok_and(|path| self.documents.remove(&path).is_some()),
                    Err(_) => false,
                }
            }
            // A save or a change on disk can change what imports read.
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => true,
            _ => false,
        };
        if changed {
            let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
            self.snapshot = Arc::new(Snapshot {
                generation,
                documents: self.documents.clone(),
            });
            self.recheck_at = Some(Instant::now() + DEBOUNCE);
        }
    }
}
