//! MCP's stdio framing and the few JSON-RPC 2.0 shapes the proxy looks at.
//!
//! MCP over stdio is newline-delimited JSON-RPC: one message per line, no
//! embedded newlines. The proxy relays every line byte for byte; it parses a
//! line with the core's strict parser only to recognize `tools/call`
//! requests, their responses and cancellations, and writes JSON-RPC error
//! responses of its own (refusals, a server that died mid-call).

use std::io::{self, BufRead};

use super::envelope;
use tooltrail_json::{CanonError, Value};
use tooltrail_json::{write_canonical, write_ordered};

/// The JSON-RPC error code of a call the gateway refused (a budget, the loop
/// guard): in the range JSON-RPC leaves to implementations (−32000 to
/// −32099), clear of the codes the MCP SDKs use (−32000 connection closed,
/// −32001 request timeout, −32002 resource not found). The adapters raise
/// the same code (docs/integrations.md).
pub const REFUSED: i64 = -32010;

/// The JSON-RPC error code the MCP SDKs use for a connection that closed
/// with requests pending: what the proxy answers them when the server dies.
pub const CONNECTION_CLOSED: i64 = -32000;

/// One line of input, with its newline (the last line may lack one).
/// `Ok(None)` at end of input.
pub fn read_line(input: &mut dyn BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    match input.read_until(b'\n', &mut line)? {
        0 => Ok(None),
        _ => Ok(Some(line)),
    }
}

/// What a line is, as far as the proxy cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A request (`method` and `id`).
    Request {
        /// The id, as sent.
        id: Value,
        /// `method`.
        method: String,
        /// `params` (`null` when absent). For a `tools/call` whose
        /// arguments the strict parser refuses: `name` only.
        params: Value,
        /// Why `params.arguments` has no JSON form (a duplicate key, an
        /// integer beyond 2^53, a lone surrogate); the call is still
        /// recorded, with that error as its `args_error`.
        invalid_arguments: Option<CanonError>,
    },
    /// A notification (`method`, no `id`).
    Notification {
        /// `method`.
        method: String,
        /// `params` (`null` when absent).
        params: Value,
    },
    /// A response: `result` or `error` for `id`.
    Response {
        /// The id it answers.
        id: Value,
        /// `Ok(result)` or `Err(error object)`. For a result the strict
        /// parser refuses: `Ok` of its `isError` member alone.
        outcome: Result<Value, Value>,
        /// Why the result has no JSON form, if it has none.
        invalid_result: Option<CanonError>,
    },
    /// Anything else: a batch, text that is not (strict) JSON, an object
    /// of no JSON-RPC shape. Relayed as is, never recorded.
    Other,
}

impl Message {
    /// Parses one line (its newline and a `\r` before it are ignored).
    pub fn parse(line: &[u8]) -> Message {
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let Ok(text) = std::str::from_utf8(text) else {
            return Message::Other;
        };
        match tooltrail_json::parse_json_str(text) {
            Ok(Value::Object(members)) => Self::of_members(members),
            Ok(_) => Message::Other,
            Err(_) => Self::of_envelope(text).unwrap_or(Message::Other),
        }
    }

    fn of_members(mut members: Vec<(String, Value)>) -> Message {
        let mut take = |key: &str| {
            members
                .iter()
                .position(|(k, _)| k == key)
                .map(|i| members.swap_remove(i).1)
        };
        let (id, method) = (take("id"), take("method"));
        let params = take("params").unwrap_or(Value::Null);
        match (id, method) {
            (Some(id), Some(Value::String(method))) => Message::Request {
                id,
                method,
                params,
                invalid_arguments: None,
            },
            (None, Some(Value::String(method))) => Message::Notification { method, params },
            (Some(id), None) => match (take("result"), take("error")) {
                (Some(result), None) => Message::Response {
                    id,
                    outcome: Ok(result),
                    invalid_result: None,
                },
                (None, Some(error)) => Message::Response {
                    id,
                    outcome: Err(error),
                    invalid_result: None,
                },
                _ => Message::Other,
            },
            _ => Message::Other,
        }
    }

    /// A line the strict parser refused: a `tools/call` whose arguments, or
    /// a response whose result, has no JSON form, read member by member
    /// ([`envelope`](crate::envelope)). Anything else stays [`Message::Other`].
    fn of_envelope(text: &str) -> Option<Message> {
        let m = envelope::members(text)?;
        let id = envelope::value(envelope::get(&m, "id")?).ok()?;
        if let Some(method) = envelope::get(&m, "method") {
            let Ok(Value::String(method)) = envelope::value(method) else {
                return None;
            };
            let params = envelope::members(envelope::get(&m, "params")?)?;
            let name = envelope::value(envelope::get(&params, "name")?).ok()?;
            let arguments = envelope::get(&params, "arguments")?;
            let invalid = envelope::value(arguments).err()?;
            return (method == "tools/call").then(|| Message::Request {
                id,
                method,
                params: Value::object([("name", name)]),
                invalid_arguments: Some(invalid),
            });
        }
        let result = envelope::get(&m, "result")?;
        let invalid = envelope::value(result).err()?;
        let is_error = envelope::members(result)
            .and_then(|r| envelope::get(&r, "isError").map(|v| v.trim() == "true"))
            .unwrap_or(false);
        Some(Message::Response {
            id,
            outcome: Ok(Value::object([("isError", Value::Bool(is_error))])),
            invalid_result: Some(invalid),
        })
    }
}

/// The key pending calls are filed under: the id's canonical JSON, so that
/// `1` and `"1"` (different ids in JSON-RPC) stay apart.
pub fn id_key(id: &Value) -> Option<String> {
    let mut out = Vec::new();
    write_canonical(id, &mut out).ok()?;
    String::from_utf8(out).ok()
}

/// A JSON-RPC error response line for `id`: `{"jsonrpc":"2.0","id":…,
/// "error":{"code":…,"message":…,"data":…}}` and a newline.
pub fn error_response(id: &Value, code: i64, message: &str, data: Option<Value>) -> Vec<u8> {
    let mut error = vec![
        ("code".to_owned(), Value::Number(code as f64)),
        ("message".to_owned(), Value::from(message)),
    ];
    if let Some(data) = data {
        error.push(("data".to_owned(), data));
    }
    let response = Value::object([
        ("jsonrpc", Value::from("2.0")),
        ("id", id.clone()),
        ("error", Value::Object(error)),
    ]);
    let mut line = Vec::with_capacity(160);
    // The id came from the strict parser and the rest is ours: it serializes.
    if write_ordered(&response, &mut line).is_err() {
        line.clear();
        line.extend_from_slice(br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"tooltrail: unserializable error"}}"#);
    }
    line.push(b'\n');
    line
}

/// The text of a tool result's first `text` content block (the message of a
/// result with `isError: true`), if any.
pub fn first_text(result: &Value) -> Option<&str> {
    let Some(Value::Array(blocks)) = result.get("content") else {
        return None;
    };
    blocks
        .iter()
        .find_map(|b| match (b.get("type"), b.get("text")) {
            (Some(Value::String(t)), Some(Value::String(text))) if t == "text" => {
                Some(text.as_str())
            }
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_requests_notifications_and_responses() {
        let m = Message::parse(
            b"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}\r\n",
        );
        let Message::Request {
            id, method, params, ..
        } = m
        else {
            panic!("{m:?}")
        };
        assert_eq!((id, method.as_str()), (Value::Number(7.0), "tools/call"));
        assert_eq!(params.get("name"), Some(&Value::from("x")));
        assert!(matches!(
            Message::parse(br#"{"jsonrpc":"2.0","method":"notifications/cancelled"}"#),
            Message::Notification {
                params: Value::Null,
                ..
            }
        ));
        assert!(matches!(
            Message::parse(br#"{"jsonrpc":"2.0","id":"a","error":{"code":-1}}"#),
            Message::Response {
                outcome: Err(_),
                ..
            }
        ));
        for other in [
            &b"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"[..],
            b"not json",
            b"{\"id\":1}",
            b"{\"id\":1,\"result\":1,\"error\":{}}",
            // Refused by the strict parser and not a call or its response.
            b"{\"id\":1,\"method\":\"ping\",\"params\":{\"a\":1,\"a\":2}}",
            b"{\"id\":9007199254740993,\"result\":{}}",
        ] {
            assert_eq!(Message::parse(other), Message::Other);
        }
    }

    #[test]
    fn ids_keep_their_type_and_responses_echo_them() {
        assert_ne!(id_key(&Value::Number(1.0)), id_key(&Value::from("1")));
        let line = error_response(&Value::from("a\"b"), REFUSED, "no", None);
        assert_eq!(
            line,
            b"{\"jsonrpc\":\"2.0\",\"id\":\"a\\\"b\",\"error\":{\"code\":-32010,\"message\":\"no\"}}\n"
        );
    }
}
