//! How a `tools/call` ended, the one rule for the proxy and both client
//! adapters (Python's `tooltrail.integrations.mcp`, Node's
//! `tooltrail/integrations/mcp`): the `error_class` of a JSON-RPC error,
//! whether a result reports a tool failure, and the error a refused call
//! is answered with.

use super::message::{CONNECTION_CLOSED, REFUSED, first_text};
use tooltrail_core::Attr;
use tooltrail_json::Value;

/// The `error_class` of a call whose result has `isError: true` (MCP's
/// "tool execution error"): the tool ran and failed.
pub const TOOL_ERROR: &str = "ToolError";
/// The `error_class` of a call answered with a JSON-RPC error (unknown tool,
/// invalid params, an exception in the server): the SDKs' `McpError`.
pub const MCP_ERROR: &str = "McpError";
/// The JSON-RPC code MCP servers answer bad arguments (and, in the SDKs,
/// an unknown tool) with: "Invalid params".
pub const INVALID_PARAMS: i64 = -32602;
/// The code the MCP SDKs give a request that timed out (mcp 1.x for Python
/// answers HTTP's 408 instead).
pub const REQUEST_TIMEOUT: i64 = -32001;

/// The `error_class` of a `tools/call` answered with a JSON-RPC error, the
/// one rule for the proxy and both client adapters: an unknown tool
/// (`Unknown tool…`, the SDKs' wording, under Invalid params) is
/// `unknown_tool`; other Invalid params — the model's arguments failed the
/// tool's schema — `invalid_arguments`; a closed connection
/// [`CONNECTION_CLOSED_CLASS`]; a timeout `TimeoutError` (classified
/// `timeout`); anything else [`MCP_ERROR`].
pub fn error_class(code: i64, message: &str) -> &'static str {
    match code {
        INVALID_PARAMS
            if message
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("unknown tool") =>
        {
            "unknown_tool"
        }
        INVALID_PARAMS => "invalid_arguments",
        CONNECTION_CLOSED => CONNECTION_CLOSED_CLASS,
        REQUEST_TIMEOUT | 408 => "TimeoutError",
        _ => MCP_ERROR,
    }
}

/// The `error_class` of a call pending when the server's output ended (it
/// crashed or exited mid-call): the SDKs say "Connection closed".
pub const CONNECTION_CLOSED_CLASS: &str = "ConnectionClosed";
/// The message of a result that reports a tool failure (`isError: true`,
/// logged [`TOOL_ERROR`]: its first text block, or empty), or `None` for a
/// result that is a success.
pub fn result_error(result: &Value) -> Option<&str> {
    (result.get("isError") == Some(&Value::Bool(true))).then(|| first_text(result).unwrap_or(""))
}

/// The attributes of a refused call's error that `error.data` carries,
/// after `error_class`, in this order.
pub const REFUSAL_ATTRS: [Attr; 3] = [Attr::Budget, Attr::StopReason, Attr::Tool];

/// The JSON-RPC error a call refused by a budget or the loop guard is
/// answered with: [`REFUSED`], `"tooltrail: <message>"`, and `data` =
/// `{"error_class", "budget", "stop_reason" | "tool"}` (the attributes the
/// error has, named as in Python). `attr` looks an attribute up on the
/// error (the core's, or a binding's exception).
pub fn refusal(
    error_class: &str,
    message: &str,
    attr: impl Fn(Attr) -> Option<String>,
) -> (i64, String, Value) {
    let mut data = vec![("error_class".to_owned(), Value::from(error_class))];
    data.extend(
        REFUSAL_ATTRS
            .iter()
            .filter_map(|&a| attr(a).map(|v| (a.py_name().to_owned(), Value::String(v)))),
    );
    (
        REFUSED,
        format!("tooltrail: {message}"),
        Value::Object(data),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_result_gives_its_first_text_and_a_success_none() {
        let failed = tooltrail_json::parse_json(
            br#"{"content":[{"type":"image","data":"x"},{"type":"text","text":"boom"}],"isError":true}"#,
        )
        .unwrap();
        assert_eq!(result_error(&failed), Some("boom"));
        let silent = tooltrail_json::parse_json(br#"{"content":[],"isError":true}"#).unwrap();
        assert_eq!(result_error(&silent), Some(""));
        let ok = tooltrail_json::parse_json(br#"{"content":[],"isError":false}"#).unwrap();
        assert_eq!(result_error(&ok), None);
    }

    #[test]
    fn a_refusal_carries_the_attributes_the_error_has_in_order() {
        let (code, message, data) = refusal("budget_exceeded", "budget used up", |a| match a {
            Attr::StopReason => Some("max_tool_calls".into()),
            Attr::Budget => Some("budgets.max_tool_calls".into()),
            _ => None,
        });
        assert_eq!(code, REFUSED);
        assert_eq!(message, "tooltrail: budget used up");
        assert_eq!(
            tooltrail_json::canonical_json(&data).unwrap(),
            r#"{"budget":"budgets.max_tool_calls","error_class":"budget_exceeded","stop_reason":"max_tool_calls"}"#
        );
        let keys: Vec<_> = match &data {
            Value::Object(m) => m.iter().map(|(k, _)| k.as_str()).collect(),
            _ => unreachable!(),
        };
        assert_eq!(keys, ["error_class", "budget", "stop_reason"]);
    }
}
