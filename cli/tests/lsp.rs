//! `lang lsp` driven as a real process through a scripted session, as an editor drives it:
//! the handshake, diagnostics of a two-module program as it is edited, hover, definition
//! across files, completion, references, rename, formatting, symbols, garbage input, a
//! panicking request, and the exit codes of the protocol.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Generous: a loaded CI machine may be slow, and a passing test never waits this long.
const DEADLINE: Duration = Duration::from_secs(60);

const GEO: &str = "// A point in the plane.
pub struct Point {
    x: float,
    y: float,
}

pub enum Shape { Circle(r: float), Empty }

// The distance from the origin.
pub fn norm(p: Point) -> float {
    return sqrt(p.x * p.x + p.y * p.y)
}
";

const MAIN_WITH_ERROR: &str = "import geo

fn main() {
    let p = geo.Point { x: 3.0, y: 4.0 }
    let total: int = geo.norm(p)
    print(total)
}
";

const MAIN: &str = "import geo

fn main() {
    let p = geo.Point { x: 3.0, y: 4.0 }
    let total: float = geo.norm(p)
    print(total)
}
";

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Notifications received while waiting for something else.
    pending: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(folder: &std::path::Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lang"))
            .arg("lsp")
            .current_dir(folder)
            .env("LANG_LSP_TEST_HOOKS", "1")
            // Never the user's cache (the server writes the standard library's files there).
            .env("XDG_CACHE_HOME", folder.join("lang-test-cache"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("lang lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                // Every byte on stdout must be part of a framed message.
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(": ").expect("a header line on stdout");
                    assert_eq!(name, "Content-Length", "only LSP messages on stdout");
                    length = Some(value.parse::<usize>().unwrap());
                }
                let mut body = vec![0; length.expect("a Content-Length")];
                reader.read_exact(&mut body).unwrap();
                let message: Value = serde_json::from_slice(&body).expect("JSON on stdout");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            pending: Vec::new(),
            next_id: 0,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn receive(&mut self, deadline: Instant) -> Value {
        match self
            .messages
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in time; got {:#?}", self.pending),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.response(json!(id))
    }

    fn response(&mut self, id: Value) -> Value {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let message = self.receive(deadline);
            if message.get("method").is_none() && message["id"] == id {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// Waits for diagnostics of `uri` that satisfy `accept`, and returns them.
    fn diagnostics(&mut self, uri: &str, accept: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + DEADLINE;
        let mut index = 0;
        loop {
            while index < self.pending.len() {
                let message = self.pending[index].clone();
                index += 1;
                if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
                    let diagnostics = message["params"]["diagnostics"].as_array().unwrap().clone();
                    if accept(&diagnostics) {
                        self.pending.remove(index - 1);
                        return diagnostics;
                    }
                }
            }
            let message = self.receive(deadline);
            self.pending.push(message);
        }
    }

    fn wait_for_exit(&mut self) -> i32 {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// The position of the `nth` (from 0) occurrence of `needle` in `text`, plus `delta` characters.
fn position(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .expect("the needle is in the text")
        .0
        + delta;
    let line = text[..offset].matches('\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    json!({ "line": line, "character": offset - line_start })
}

fn at(document: &str, text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    json!({ "textDocument": { "uri": document }, "position": position(text, needle, nth, delta) })
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion
        .as_array()
        .or_else(|| completion["items"].as_array())
        .expect("completion items");
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_string())
        .collect()
}

fn initialize(client: &mut Client, folder: &std::path::Path) -> Value {
    let result = client.result(
        "initialize",
        json!({ "processId": null, "rootUri": uri(folder), "capabilities": {} }),
    );
    client.notify("initialized", json!({}));
    result
}

#[test]
fn a_scripted_editor_session() {
    let folder = tempfile::tempdir().unwrap();
    let folder = folder.path().canonicalize().unwrap();
    std::fs::write(folder.join("geo.ln"), GEO).unwrap();
    std::fs::write(folder.join("main.ln"), MAIN_WITH_ERROR).unwrap();
    let main = uri(&folder.join("main.ln"));
    let geo = uri(&folder.join("geo.ln"));
    let mut client = Client::start(&folder);

    let capabilities = initialize(&mut client, &folder)["capabilities"].clone();
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["hoverProvider"], true);

    // The file with an error: its diagnostic, with `lang check`'s code and headline.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": main, "languageId": "lang", "version": 1, "text": MAIN_WITH_ERROR } }),
    );
    let diagnostics = client.diagnostics(&main, |diagnostics| !diagnostics.is_empty());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert!(diagnostic["code"].as_str().unwrap().starts_with('E'), "{diagnostic}");
    assert_eq!(diagnostic["range"]["start"]["line"], 4, "{diagnostic}");
    assert_eq!(diagnostic["severity"], 1);
    // The imported module has none, and says so.
    client.diagnostics(&geo, |diagnostics| diagnostics.is_empty());

    // Fixing it clears it.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": main, "version": 2 }, "contentChanges": [{ "text": MAIN }] }),
    );
    client.diagnostics(&main, |diagnostics| diagnostics.is_empty());

    // Hover: a function's signature and doc comment, a local's type, a struct's fields.
    let hover = client.result("textDocument/hover", at(&main, MAIN, "norm", 0, 1));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("pub fn norm(p: Point) -> float"), "{text}");
    assert!(text.contains("The distance from the origin."), "{text}");
    let hover = client.result("textDocument/hover", at(&main, MAIN, "total", 1, 0));
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("total: float"),
        "{hover}"
    );
    let hover = client.result("textDocument/hover", at(&main, MAIN, "Point", 0, 0));
    assert!(
        hover["contents"]["value"].as_str().unwrap().contains("x: float"),
        "{hover}"
    );

    // Definition across files.
    let definition = client.result("textDocument/definition", at(&main, MAIN, "norm", 0, 0));
    assert_eq!(definition["uri"], geo.as_str());
    assert_eq!(definition["range"]["start"], json!({ "line": 9, "character": 7 }));
    let definition = client.result("textDocument/definition", at(&main, MAIN, "p)", 0, 0));
    assert_eq!(definition["uri"], main.as_str());
    assert_eq!(definition["range"]["start"], json!({ "line": 3, "character": 8 }));

    // Completion after `m.`, `x.` and `.`, in half-typed code.
    let mut version = 3;
    let mut complete = |client: &mut Client, line: &str, cursor_after: &str| {
        let typing = MAIN.replace("    print(total)\n", &format!("    print(total)\n{line}\n"));
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": main, "version": version }, "contentChanges": [{ "text": typing }] }),
        );
        version += 1;
        labels(&client.result(
            "textDocument/completion",
            at(&main, &typing, cursor_after, 0, cursor_after.len()),
        ))
    };
    let members = complete(&mut client, "    geo.", "    geo.");
    assert!(
        members.contains(&"norm".into()) && members.contains(&"Point".into()),
        "{members:?}"
    );
    let fields = complete(&mut client, "    p.", "    p.");
    assert!(
        fields.contains(&"x".into()) && fields.contains(&"y".into()) && fields.contains(&"norm".into()),
        "{fields:?}"
    );
    let variants = complete(&mut client, "    let s: geo.Shape = .", "= .");
    assert_eq!(variants, ["Circle", "Empty"]);
    let locals = complete(&mut client, "    print(to)", "print(to");
    assert_eq!(locals, ["total"]);
    // The `(` is not closed yet, as while typing: the rest of the file still counts.
    let open_call = complete(&mut client, "    print(p.", "print(p.");
    assert!(
        open_call.contains(&"x".into()) && open_call.contains(&"norm".into()),
        "{open_call:?}"
    );
    let symbols = client.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": main } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|symbol| symbol["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"main"), "{symbols}");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": main, "version": version }, "contentChanges": [{ "text": MAIN }] }),
    );

    // References of a function, from its use: the declaration in geo and the use in main.
    let references = client.result(
        "textDocument/references",
        json!({ "textDocument": { "uri": main }, "position": position(MAIN, "norm", 0, 0), "context": { "includeDeclaration": true } }),
    );
    let uris: Vec<&str> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|location| location["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris.len(), 2, "{references}");
    assert!(uris.contains(&geo.as_str()) && uris.contains(&main.as_str()));

    // Rename across the files; a keyword is refused.
    let edit = client.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": main }, "position": position(MAIN, "norm", 0, 0), "newName": "length" }),
    );
    assert_eq!(edit["changes"][&main].as_array().unwrap().len(), 1, "{edit}");
    assert_eq!(edit["changes"][&geo].as_array().unwrap().len(), 1, "{edit}");
    assert_eq!(edit["changes"][&geo][0]["newText"], "length");
    let refused = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": main }, "position": position(MAIN, "norm", 0, 0), "newName": "while" }),
    );
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("keyword"),
        "{refused}"
    );

    // Formatting: a formatted file needs no edits.
    let edits = client.result(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": main }, "options": { "tabSize": 4, "insertSpaces": true } }),
    );
    assert_eq!(edits, json!([]));

    // Symbols, nested.
    let symbols = client.result("textDocument/documentSymbol", json!({ "textDocument": { "uri": geo } }));
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|symbol| symbol["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Point", "Shape", "norm"]);
    assert_eq!(symbols[0]["children"][1]["name"], "y");
    assert_eq!(symbols[1]["children"][0]["name"], "Circle");

    // Garbage gets an error and the server goes on.
    client.send_raw(b"Content-Length: 9\r\n\r\n{garbage}");
    let error = client.response(Value::Null);
    assert_eq!(error["error"]["code"], -32700, "{error}");
    // JSON that is not a request is an invalid request, answered with its id.
    client.send(json!({ "jsonrpc": "2.0", "id": 9001, "method": 42 }));
    let invalid = client.response(json!(9001));
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    // So does a panic inside a request.
    let panicked = client.request("lang/panicForTesting", json!({}));
    assert_eq!(panicked["error"]["code"], -32603, "{panicked}");
    // Deep nesting is a diagnostic, not a crash.
    let deep = format!(
        "fn main() {{\n    let x = {}1{}\n}}\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": main, "version": 100 }, "contentChanges": [{ "text": deep }] }),
    );
    client.diagnostics(&main, |diagnostics| {
        Value::from(diagnostics).to_string().contains("nest")
    });
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": main }, "position": { "line": 1, "character": 9000 } }),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    let symbols = client.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": main } }),
    );
    assert!(symbols.is_array(), "{symbols}");

    assert_eq!(client.result("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_for_exit(), 0);
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let folder = tempfile::tempdir().unwrap();
    let mut client = Client::start(folder.path());
    initialize(&mut client, folder.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_for_exit(), 1);
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let folder = tempfile::tempdir().unwrap();
    let folder = folder.path().canonicalize().unwrap();
    let text = "fn main() {\n    let s = \"é😀\"; let n = 1\n    print(n)\n}\n";
    std::fs::write(folder.join("main.ln"), text).unwrap();
    let main = uri(&folder.join("main.ln"));
    let mut client = Client::start(&folder);
    let result = client.result(
        "initialize",
        json!({ "processId": null, "capabilities": { "general": { "positionEncodings": ["utf-8", "utf-16"] } } }),
    );
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": main, "languageId": "lang", "version": 1, "text": text } }),
    );
    // `n` after the emoji: its UTF-8 column counts bytes.
    let definition = client.result("textDocument/definition", at(&main, text, "n)", 0, 0));
    let byte_column = text.find("n = 1").unwrap() - text.find("    let s").unwrap();
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": 1, "character": byte_column })
    );
    assert_eq!(client.result("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_for_exit(), 0);
}

#[test]
fn definition_of_a_standard_library_item_opens_its_source() {
    let folder = tempfile::tempdir().unwrap();
    let folder = folder.path().canonicalize().unwrap();
    let text = "import math\nfn main() {\n    print(math.clamp(3.0, 0.0, 1.0))\n}\n";
    std::fs::write(folder.join("main.ln"), text).unwrap();
    let main = uri(&folder.join("main.ln"));
    let mut client = Client::start(&folder);
    initialize(&mut client, &folder);
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": main, "languageId": "lang", "version": 1, "text": text } }),
    );
    client.diagnostics(&main, |diagnostics| diagnostics.is_empty());
    let definition = client.result("textDocument/definition", at(&main, text, "clamp", 0, 0));
    let target = definition["uri"].as_str().expect("a location");
    let path = url_path(target);
    assert!(path.starts_with(folder.join("lang-test-cache")), "{path:?}");
    assert!(path.ends_with("math.ln"), "{path:?}");
    let source = std::fs::read_to_string(&path).unwrap();
    let line = definition["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        source.lines().nth(line).unwrap().starts_with("pub fn clamp("),
        "line {line} of {source}"
    );
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
    // Opened in the editor, the library reports no missing `main`.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": target, "languageId": "lang", "version": 1, "text": source } }),
    );
    let hover = client.result("textDocument/hover", at(target, &source, "clamp", 0, 0));
    assert!(hover.to_string().contains("fn clamp"), "{hover}");
    assert_eq!(client.result("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_for_exit(), 0);
}

/// The path of a `file:` URL.
fn url_path(url: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(url.strip_prefix("file://").expect("a file URL"))
}

#[test]
fn rename_is_refused_while_a_program_using_the_name_has_a_syntax_error() {
    let folder = tempfile::tempdir().unwrap();
    let folder = folder.path().canonicalize().unwrap();
    let geo = "pub fn norm(x: float) -> float {\n    return x\n}\n";
    let main = "import geo\n\nfn main() {\n    let size = 1.0\n    print(geo.norm(size))\n}\n";
    std::fs::write(folder.join("geo.ln"), geo).unwrap();
    std::fs::write(folder.join("main.ln"), main).unwrap();
    let (geo_uri, main_uri) = (uri(&folder.join("geo.ln")), uri(&folder.join("main.ln")));
    let mut client = Client::start(&folder);
    initialize(&mut client, &folder);
    for (uri, text) in [(&geo_uri, geo), (&main_uri, main)] {
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "lang", "version": 1, "text": text } }),
        );
    }
    client.diagnostics(&main_uri, |diagnostics| diagnostics.is_empty());
    // Half-typed code in `main.ln`: the program cannot be checked, its use of `norm` unseen.
    let broken = main.replace("    print(", "    let = 1\n    print(");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": main_uri, "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    client.diagnostics(&main_uri, |diagnostics| !diagnostics.is_empty());
    let refused = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": geo_uri }, "position": position(geo, "norm", 0, 0), "newName": "length" }),
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("main.ln") && message.contains("syntax error"),
        "{refused}"
    );
    // A local of the broken program too: only its declaration could be found, and renaming
    // that alone would break the program.
    let refused = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": main_uri }, "position": position(&broken, "size", 0, 0), "newName": "width" }),
    );
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("syntax error"), "{refused}");
    // Fixed, the rename covers both files.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": main_uri, "version": 3 }, "contentChanges": [{ "text": main }] }),
    );
    client.diagnostics(&main_uri, |diagnostics| diagnostics.is_empty());
    let edit = client.result(
        "textDocument/rename",
        json!({ "textDocument": { "uri": geo_uri }, "position": position(geo, "norm", 0, 0), "newName": "length" }),
    );
    assert_eq!(edit["changes"][&main_uri].as_array().map(Vec::len), Some(1), "{edit}");
    assert_eq!(client.result("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_for_exit(), 0);
}
