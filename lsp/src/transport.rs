//! Messages over stdin and stdout, framed by `Content-Length` headers. `lsp-server`'s own
//! stdio transport ends at the first malformed message; this one answers it with a JSON-RPC
//! error and reads on, as LANGUAGE.md section 12 asks. Only this file writes to stdout.

use std::io::{BufRead, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::Message;

/// What the reader thread hands to the main loop.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A message that could not be read: the JSON-RPC error code, a description, and the
    /// message's id when it could be read (else `null`, as JSON-RPC 2.0 asks).
    Malformed {
        code: i32,
        message: String,
        id: serde_json::Value,
    },
    /// The input ended (or failed).
    Closed,
}

/// What the main loop and the worker send to the writer thread.
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    /// An error response to a message that is not a valid request: its id when it could be
    /// read, else `null`.
    InvalidMessageError {
        id: serde_json::Value,
        code: i32,
        message: String,
    },
}

pub const PARSE_ERROR: i32 = -32700;
pub const INVALID_REQUEST: i32 = -32600;

pub fn spawn_reader() -> Receiver<Incoming> {
    let (sender, receiver) = crossbeam_channel::unbounded();
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || read_loop(&mut std::io::stdin().lock(), &sender))
        .expect("the reader thread starts");
    receiver
}

fn read_loop(input: &mut impl BufRead, sender: &Sender<Incoming>) {
    loop {
        let incoming = match read_one(input) {
            Ok(Some(incoming)) => incoming,
            Ok(None) | Err(_) => {
                let _ = sender.send(Incoming::Closed);
                return;
            }
        };
        let is_exit = matches!(&incoming, Incoming::Message(Message::Notification(notification)) if notification.method == "exit");
        if sender.send(incoming).is_err() || is_exit {
            return;
        }
    }
}

/// Reads one message: `None` at the end of the input.
fn read_one(input: &mut impl BufRead) -> std::io::Result<Option<Incoming>> {
    let mut length = None;
    let mut saw_header = false;
    loop {
        // Bytes, not a `String`: a header line that is not UTF-8 is a malformed message, not
        // the end of the input.
        let mut bytes = Vec::new();
        if input.read_until(b'\n', &mut bytes)? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&bytes);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        // Found anywhere in the line: after a message whose Content-Length was wrong, its
        // body's bytes run into the next header line, and reading goes on from that header.
        if let Some(at) = line.to_ascii_lowercase().rfind("content-length:") {
            length = line[at + "content-length:".len()..].trim().parse::<usize>().ok();
        }
    }
    let Some(length) = length.filter(|length| *length <= 1 << 30) else {
        return Ok(Some(Incoming::Malformed {
            code: INVALID_REQUEST,
            message: "a message without a valid Content-Length header".into(),
            id: serde_json::Value::Null,
        }));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(decode(&body)))
}

/// A message's body, read as JSON and then as a JSON-RPC message. Valid JSON that is not a
/// request, notification or response is an invalid request (-32600), not a parse error:
/// `lsp-server`'s `Message` alone would read `{"id": 1, "method": 42}` as a response (its
/// `result` and `error` are optional), so a request with a wrong method went unanswered.
fn decode(body: &[u8]) -> Incoming {
    let value = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => value,
        Err(error) => {
            return Incoming::Malformed {
                code: PARSE_ERROR,
                message: format!("malformed message: {error}"),
                id: serde_json::Value::Null,
            };
        }
    };
    let id = match value.get("id") {
        Some(id @ (serde_json::Value::Number(_) | serde_json::Value::String(_))) => id.clone(),
        _ => serde_json::Value::Null,
    };
    let invalid = |message: String| Incoming::Malformed {
        code: INVALID_REQUEST,
        message,
        id: id.clone(),
    };
    let Some(object) = value.as_object() else {
        return invalid("invalid message: not a JSON object".into());
    };
    match object.get("method") {
        Some(serde_json::Value::String(_)) => {}
        Some(_) => return invalid("invalid request: `method` must be a string".into()),
        None if !object.contains_key("result") && !object.contains_key("error") => {
            return invalid(
                "invalid message: neither a `method` (request, notification) nor a `result` or `error` (response)"
                    .into(),
            );
        }
        None => {}
    }
    if object
        .get("id")
        .is_some_and(|id| !matches!(id, serde_json::Value::Number(_) | serde_json::Value::String(_)))
    {
        return invalid("invalid message: `id` must be a number or a string".into());
    }
    // `lsp-server` reads an id as an `i32` or a string; any other number (2147483648, 1.5)
    // would make the message parse as a notification, and the request would go unanswered.
    if let Some(serde_json::Value::Number(number)) = object.get("id")
        && number.as_i64().is_none_or(|id| i32::try_from(id).is_err())
    {
        return invalid("invalid message: a numeric `id` must be an integer that fits in 32 bits".into());
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(error) => invalid(format!("invalid message: {error}")),
    }
}

pub fn spawn_writer() -> (Sender<Outgoing>, std::thread::JoinHandle<()>) {
    let (sender, receiver) = crossbeam_channel::unbounded::<Outgoing>();
    let handle = std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut stdout = stdout.lock();
            for outgoing in receiver {
                let written = match outgoing {
                    Outgoing::Message(message) => message.write(&mut stdout),
                    Outgoing::InvalidMessageError { id, code, message } => {
                        let body = serde_json::json!({
                            "jsonrpc": "2.0",
                            "id": id,
                            "error": { "code": code, "message": message },
                        })
                        .to_string();
                        write!(stdout, "Content-Length: {}\r\n\r\n{body}", body.len()).and_then(|()| stdout.flush())
                    }
                };
                if written.is_err() {
                    return;
                }
            }
        })
        .expect("the writer thread starts");
    (sender, handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_messages_are_reported_and_reading_goes_on() {
        let input = format!(
            "{}{}garbage\r\n\r\n{}",
            framed("{not json"),
            framed(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            framed(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let mut input = std::io::Cursor::new(input.into_bytes());
        let first = read_one(&mut input).unwrap().unwrap();
        assert!(
            matches!(first, Incoming::Malformed { code: PARSE_ERROR, .. }),
            "{first:?}"
        );
        assert!(matches!(read_one(&mut input).unwrap().unwrap(), Incoming::Message(_)));
        assert!(matches!(
            read_one(&mut input).unwrap().unwrap(),
            Incoming::Malformed {
                code: INVALID_REQUEST,
                ..
            }
        ));
        assert!(matches!(read_one(&mut input).unwrap().unwrap(), Incoming::Message(_)));
        assert!(read_one(&mut input).unwrap().is_none());
    }

    #[test]
    fn a_header_that_is_not_utf8_or_a_wrong_length_does_not_end_the_input() {
        let exit = framed(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        // A header line of bytes that are not UTF-8, then a whole message.
        let mut input = b"\xff\xfe\r\n\r\n".to_vec();
        input.extend_from_slice(exit.as_bytes());
        // A Content-Length too small: the rest of the body runs into the next header line.
        let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        input.extend_from_slice(format!("Content-Length: 5\r\n\r\n{body}").as_bytes());
        input.extend_from_slice(exit.as_bytes());
        let mut input = std::io::Cursor::new(input);
        let first = read_one(&mut input).unwrap().unwrap();
        assert!(
            matches!(
                first,
                Incoming::Malformed {
                    code: INVALID_REQUEST,
                    ..
                }
            ),
            "{first:?}"
        );
        assert!(matches!(read_one(&mut input).unwrap().unwrap(), Incoming::Message(_)));
        let short = read_one(&mut input).unwrap().unwrap();
        assert!(
            matches!(short, Incoming::Malformed { code: PARSE_ERROR, .. }),
            "{short:?}"
        );
        let resynced = read_one(&mut input).unwrap().unwrap();
        assert!(
            matches!(&resynced, Incoming::Message(Message::Notification(notification)) if notification.method == "exit"),
            "{resynced:?}"
        );
        assert!(read_one(&mut input).unwrap().is_none());
    }

    #[test]
    fn json_that_is_not_a_message_is_an_invalid_request_answered_with_its_id() {
        for (body, id) in [
            (r#"{"jsonrpc":"2.0","id":2,"method":42}"#, serde_json::json!(2)),
            (
                r#"{"jsonrpc":"2.0","id":"a","method":null,"params":{}}"#,
                serde_json::json!("a"),
            ),
            (r#"{"jsonrpc":"2.0","id":3}"#, serde_json::json!(3)),
            (
                r#"{"jsonrpc":"2.0","id":2147483648,"method":"shutdown"}"#,
                serde_json::json!(2147483648_u64),
            ),
            (
                r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
                serde_json::json!(1.5),
            ),
            (
                r#"{"jsonrpc":"2.0","id":[1],"method":"shutdown"}"#,
                serde_json::Value::Null,
            ),
            (r#"[1, 2]"#, serde_json::Value::Null),
            (r#"42"#, serde_json::Value::Null),
        ] {
            let decoded = decode(body.as_bytes());
            assert!(
                matches!(&decoded, Incoming::Malformed { code: INVALID_REQUEST, id: read, .. } if *read == id),
                "{body}: {decoded:?}"
            );
        }
        // A response from the client (to a request the server sent) stays a message.
        let response = decode(br#"{"jsonrpc":"2.0","id":7,"result":null}"#);
        assert!(
            matches!(response, Incoming::Message(Message::Response(_))),
            "{response:?}"
        );
    }
}
