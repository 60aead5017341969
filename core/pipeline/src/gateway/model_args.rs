//! [`ModelCall`]: a model step as a host reports it, read from the
//! binding's converted arguments by one set of rules (names, types, the
//! shapes of requested tool calls), so both languages accept and refuse the
//! same things.

use super::model_usage::UsageTokens;
use super::types::GatewayError;
use crate::schema::{MODEL_ERROR, field};
use tooltrail_json::Value;

/// A tool call the model asked for: its name and id, never its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedTool {
    /// The tool's name.
    pub name: String,
    /// The model's (or framework's) id of the call.
    pub call_id: Option<String>,
}

/// One model step, as recorded by [`Gateway::model_call`](super::Gateway::model_call).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCall {
    /// The model, as the provider named it (`gpt-4o-mini`).
    pub model: String,
    /// The provider (`openai`, `anthropic`, …).
    pub provider: Option<String>,
    /// Input tokens, cached ones included.
    pub input_tokens: Option<u64>,
    /// Output tokens, reasoning ones included.
    pub output_tokens: Option<u64>,
    /// The part of `input_tokens` read from the cache.
    pub cached_input_tokens: Option<u64>,
    /// The part of `output_tokens` spent reasoning.
    pub reasoning_tokens: Option<u64>,
    /// Milliseconds; `None`: timed by the gateway, or unknown.
    pub latency_ms: Option<f64>,
    /// Whether the call succeeded.
    pub ok: bool,
    /// Why it failed (`None` with `ok: false`: `model_error`).
    pub error_class: Option<String>,
    /// Why the model stopped, as the provider said.
    pub finish_reason: Option<String>,
    /// What it cost, USD, when the host knows; else the price table decides.
    pub cost_usd: Option<f64>,
    /// The tools the model asked for.
    pub tool_calls: Vec<RequestedTool>,
}

impl ModelCall {
    /// A successful call of `model` with nothing else known.
    pub fn new(model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            provider: None,
            input_tokens: None,
            output_tokens: None,
            cached_input_tokens: None,
            reasoning_tokens: None,
            latency_ms: None,
            ok: true,
            error_class: None,
            finish_reason: None,
            cost_usd: None,
            tool_calls: Vec::new(),
        }
    }

    /// Marks the call failed with what the host raised: its class from
    /// [`classify`](crate::classify) unless one was given.
    pub fn fail_with(&mut self, facts: &crate::FailureFacts) {
        self.ok = false;
        if self.error_class.is_none() {
            self.error_class = Some(crate::classify(facts));
        }
    }

    /// The `error_class` the event carries: `None` when ok.
    pub(super) fn failure(&self) -> Option<&str> {
        match (&self.error_class, self.ok) {
            (Some(class), _) => Some(class),
            (None, false) => Some(MODEL_ERROR),
            (None, true) => None,
        }
    }
}

/// How the binding spells the argument names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    /// Python: `input_tokens`.
    Snake,
    /// Node: `inputTokens`.
    Camel,
}

/// Each argument: its snake and camel names.
const KEYS: [(&str, &str); 13] = [
    (field::MODEL, "model"),
    (field::PROVIDER, "provider"),
    (field::INPUT_TOKENS, "inputTokens"),
    (field::OUTPUT_TOKENS, "outputTokens"),
    (field::CACHED_INPUT_TOKENS, "cachedInputTokens"),
    (field::REASONING_TOKENS, "reasoningTokens"),
    (field::LATENCY_MS, "latencyMs"),
    (field::OK, "ok"),
    (field::ERROR_CLASS, "errorClass"),
    (field::FINISH_REASON, "finishReason"),
    (field::COST_USD, "costUsd"),
    (field::TOOL_CALLS, "toolCalls"),
    // A provider's or framework's usage object, as it came
    // ([`UsageTokens::read`]); the counts given by name win.
    ("usage", "usage"),
];

/// The largest integer every language holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

fn bad(key: &str, message: &str) -> GatewayError {
    GatewayError::invalid_argument(key, message)
}

impl ModelCall {
    /// Reads a model call from the binding's arguments (an object; `null`
    /// members are absent). Unknown names, wrong types, negative counts and
    /// tool calls without a name are `invalid_argument` naming the member.
    pub fn from_value(v: &Value, style: KeyStyle) -> Result<Self, GatewayError> {
        let Value::Object(members) = v else {
            return Err(bad("model_call", "must be an object"));
        };
        let name = |i: usize| match style {
            KeyStyle::Snake => KEYS[i].0,
            KeyStyle::Camel => KEYS[i].1,
        };
        for (k, _) in members {
            if !(0..KEYS.len()).any(|i| name(i) == k) {
                return Err(bad(k, "unknown argument"));
            }
        }
        let get = |i: usize| match v.get(name(i)) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        };
        let text = |i: usize| -> Result<Option<String>, GatewayError> {
            match get(i) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(bad(name(i), "must be a string")),
            }
        };
        let count = |i: usize| -> Result<Option<u64>, GatewayError> {
            match get(i) {
                None => Ok(None),
                Some(Value::Number(n)) if n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(n) => {
                    Ok(Some(*n as u64))
                }
                Some(_) => Err(bad(name(i), "must be a whole number of at least 0")),
            }
        };
        let amount = |i: usize| -> Result<Option<f64>, GatewayError> {
            match get(i) {
                None => Ok(None),
                Some(Value::Number(n)) if n.is_finite() && *n >= 0.0 => Ok(Some(*n)),
                Some(_) => Err(bad(name(i), "must be a number of at least 0")),
            }
        };
        let model = text(0)?
            .filter(|m| !m.is_empty())
            .ok_or_else(|| bad(name(0), "is required (a non-empty string)"))?;
        let ok = match get(7) {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(bad(name(7), "must be true or false")),
        };
        let error_class = text(8)?.filter(|c| !c.is_empty());
        let usage = get(12).map(UsageTokens::read).unwrap_or_default();
        Ok(Self {
            model,
            provider: text(1)?,
            input_tokens: count(2)?.or(usage.input),
            output_tokens: count(3)?.or(usage.output),
            cached_input_tokens: count(4)?.or(usage.cached_input),
            reasoning_tokens: count(5)?.or(usage.reasoning),
            latency_ms: amount(6)?,
            // A class says it failed.
            ok: ok && error_class.is_none(),
            error_class,
            finish_reason: text(9)?,
            cost_usd: amount(10)?,
            tool_calls: requested(get(11), name(11))?,
        })
    }
}

/// `tool_calls`: names (`"search"`) or objects with `name` (or, as OpenAI
/// writes them, `function.name`) and `call_id` (or `id`). Anything else in
/// an object — the arguments above all — is ignored, never stored.
fn requested(v: Option<&Value>, key: &str) -> Result<Vec<RequestedTool>, GatewayError> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = v else {
        return Err(bad(
            key,
            "must be a list of tool names or tool call objects",
        ));
    };
    let str_at = |v: &Value, k: &str| match v.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = || {
                bad(
                    &format!("{key}[{i}]"),
                    "must be a tool name or an object with a name",
                )
            };
            match item {
                Value::String(s) if !s.is_empty() => Ok(RequestedTool {
                    name: s.clone(),
                    call_id: None,
                }),
                Value::Object(_) => {
                    let name = str_at(item, field::NAME)
                        .or_else(|| item.get("function").and_then(|f| str_at(f, field::NAME)))
                        .ok_or_else(at)?;
                    let call_id = str_at(item, field::CALL_ID).or_else(|| str_at(item, "id"));
                    Ok(RequestedTool { name, call_id })
                }
                _ => Err(at()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tooltrail_json::parse_json;

    fn read(text: &str, style: KeyStyle) -> Result<ModelCall, GatewayError> {
        ModelCall::from_value(&parse_json(text.as_bytes()).unwrap(), style)
    }

    fn key_of(e: GatewayError) -> String {
        match e {
            GatewayError::InvalidArgument { key, .. } => key,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn both_spellings_read_the_same_call() {
        let snake = read(
            r#"{"model":"m","input_tokens":10,"cached_input_tokens":4,"latency_ms":1.5,"finish_reason":"stop","cost_usd":null,"tool_calls":["a",{"name":"b","call_id":"c1","args":{"x":1}},{"id":"c2","function":{"name":"d","arguments":"{}"}}]}"#,
            KeyStyle::Snake,
        )
        .unwrap();
        let camel = read(
            r#"{"model":"m","inputTokens":10,"cachedInputTokens":4,"latencyMs":1.5,"finishReason":"stop","toolCalls":["a",{"name":"b","call_id":"c1","args":{"x":1}},{"id":"c2","function":{"name":"d","arguments":"{}"}}]}"#,
            KeyStyle::Camel,
        )
        .unwrap();
        assert_eq!(snake, camel);
        let names: Vec<_> = snake
            .tool_calls
            .iter()
            .map(|t| (t.name.as_str(), t.call_id.as_deref()))
            .collect();
        assert_eq!(names, [("a", None), ("b", Some("c1")), ("d", Some("c2"))]);
        assert!(snake.ok && snake.failure().is_none());
    }

    #[test]
    fn bad_arguments_name_their_key() {
        let cases = [
            (r#"{}"#, "model"),
            (r#"{"model":""}"#, "model"),
            (r#"{"model":"m","input_tokens":-1}"#, "input_tokens"),
            (r#"{"model":"m","output_tokens":1.5}"#, "output_tokens"),
            (r#"{"model":"m","input_tokens":true}"#, "input_tokens"),
            (r#"{"model":"m","cost_usd":-0.1}"#, "cost_usd"),
            (r#"{"model":"m","ok":1}"#, "ok"),
            (r#"{"model":"m","inputTokens":1}"#, "inputTokens"),
            (
                r#"{"model":"m","tool_calls":[{"call_id":"x"}]}"#,
                "tool_calls[0]",
            ),
            (r#"{"model":"m","tool_calls":"search"}"#, "tool_calls"),
        ];
        for (text, key) in cases {
            assert_eq!(
                key_of(read(text, KeyStyle::Snake).unwrap_err()),
                key,
                "{text}"
            );
        }
    }

    #[test]
    fn a_failure_always_has_a_class() {
        let c = read(r#"{"model":"m","ok":false}"#, KeyStyle::Snake).unwrap();
        assert_eq!(c.failure(), Some(MODEL_ERROR));
        let c = read(
            r#"{"model":"m","error_class":"rate_limited"}"#,
            KeyStyle::Snake,
        )
        .unwrap();
        assert!(!c.ok);
        assert_eq!(c.failure(), Some("rate_limited"));
    }
}
