//! The names of the event stream: event names, field names and the
//! closed value sets, as constants code uses instead of string literals.

use tooltrail_json::ErrorKind;
use tooltrail_json::HashScheme;

/// Event names: the `event` member of a line.
pub mod event {
    /// A run begins (with the budgets in force).
    pub const RUN_START: &str = "run_start";
    /// Before a tool runs (also when it is refused).
    pub const TOOL_CALL: &str = "tool_call";
    /// After a tool returned or failed.
    pub const TOOL_RESULT: &str = "tool_result";
    /// A run ends (with its `stop_reason`).
    pub const RUN_END: &str = "run_end";
    /// An alert rule changed state.
    pub const ALERT: &str = "alert";
    /// The writer dropped events (how many, why).
    pub const WRITER_DROPPED: &str = "writer_dropped";
    /// An incident window opened: args are stored (redacted) until `until`.
    pub const INCIDENT_WINDOW_OPEN: &str = "incident_window_open";
    /// An incident window closed: args are no longer stored.
    pub const INCIDENT_WINDOW_CLOSE: &str = "incident_window_close";
    /// A model step ended (model, tokens, cost, latency, requested tools).
    pub const MODEL_CALL: &str = "model_call";
    /// Every event name tooltrail writes, in the documented order.
    pub const ALL: [&str; 9] = [
        RUN_START,
        TOOL_CALL,
        TOOL_RESULT,
        RUN_END,
        ALERT,
        WRITER_DROPPED,
        INCIDENT_WINDOW_OPEN,
        INCIDENT_WINDOW_CLOSE,
        MODEL_CALL,
    ];
}

/// Field names (members of event lines and of their nested objects).
pub mod field {
    /// Schema version (`1`), first on every line.
    pub const V: &str = "v";
    /// RFC 3339 UTC timestamp with microseconds.
    pub const TS: &str = "ts";
    /// The event name.
    pub const EVENT: &str = "event";
    /// The run.
    pub const RUN_ID: &str = "run_id";
    /// W3C trace id.
    pub const TRACE_ID: &str = "trace_id";
    /// W3C span id of the call or run.
    pub const SPAN_ID: &str = "span_id";
    /// The incoming request.
    pub const REQUEST_ID: &str = "request_id";
    /// The end user.
    pub const USER_ID: &str = "user_id";
    /// The configured agent.
    pub const AGENT_ID: &str = "agent_id";
    /// The tool's name.
    pub const TOOL: &str = "tool";
    /// 1, 2, … within the run.
    pub const SEQ: &str = "seq";
    /// The span the call or run is a child of.
    pub const PARENT_SPAN_ID: &str = "parent_span_id";
    /// `run_start`: `true` for a run tooltrail opened because a call had none.
    pub const IMPLICIT: &str = "implicit";
    /// `run_start`: the run this one was started in (a forked child's run).
    pub const PARENT_RUN_ID: &str = "parent_run_id";
    /// `run_start`: the MCP server a `tooltrail mcp-proxy` session fronts.
    pub const MCP_SERVER: &str = "mcp_server";
    /// `mcp_server.version`: the server's version from `initialize`.
    pub const VERSION: &str = "version";
    /// `mcp_server.command`: the command the proxy ran.
    pub const COMMAND: &str = "command";
    /// `stable_hash` of the arguments.
    pub const ARGS_HASH: &str = "args_hash";
    /// Why the arguments have no hash.
    pub const ARGS_ERROR: &str = "args_error";
    /// The hash scheme of `args_hash`.
    pub const HASH_ALG: &str = "hash_alg";
    /// The redacted arguments.
    pub const ARGS: &str = "args";
    /// How many identical calls (loop guard warning).
    pub const LOOP_COUNT: &str = "loop_count";
    /// `allow` or `block`.
    pub const DECISION: &str = "decision";
    /// Whether the call succeeded.
    pub const OK: &str = "ok";
    /// The normalized failure class.
    pub const ERROR_CLASS: &str = "error_class";
    /// The redacted, truncated error message.
    pub const ERROR_MESSAGE: &str = "error_message";
    /// Milliseconds the tool took (microsecond precision).
    pub const LATENCY_MS: &str = "latency_ms";
    /// `tool_result`: the tool's timeout, when it returned after it.
    pub const DEADLINE_MS: &str = "deadline_ms";
    /// `tool_result`: `true` when the tool returned after its timeout.
    pub const DEADLINE_EXCEEDED: &str = "deadline_exceeded";
    /// The redacted result.
    pub const RESULT: &str = "result";
    /// Why the result has no JSON form.
    pub const RESULT_ERROR: &str = "result_error";
    /// Budgets: in force (`run_start`) or used (`run_end`).
    pub const BUDGETS: &str = "budgets";
    /// Why the run stopped.
    pub const STOP_REASON: &str = "stop_reason";
    /// Milliseconds the run took.
    pub const DURATION_MS: &str = "duration_ms";
    /// Tool calls made in the run.
    pub const TOOL_CALLS: &str = "tool_calls";
    /// Failed tool calls in the run.
    pub const ERRORS: &str = "errors";
    /// `run_end`: calls refused before they ran (unknown tool, budget, loop guard).
    pub const REFUSED: &str = "refused";
    /// Agent steps in the run.
    pub const STEPS: &str = "steps";
    /// Spend in USD reported during the run.
    pub const SPEND_USD: &str = "spend_usd";
    /// The alert rule.
    pub const RULE: &str = "rule";
    /// The alert level.
    pub const LEVEL: &str = "level";
    /// The measured value.
    pub const VALUE: &str = "value";
    /// The threshold crossed.
    pub const THRESHOLD: &str = "threshold";
    /// The alert window in seconds.
    pub const WINDOW_S: &str = "window_s";
    /// `alert`: the run of the latest sample that offended the rule.
    pub const TRIPPED_RUN_ID: &str = "tripped_run_id";
    /// `alert`: the trace of the latest sample that offended the rule.
    pub const TRIPPED_TRACE_ID: &str = "tripped_trace_id";
    /// Incident window: the instant args stop being stored.
    pub const UNTIL: &str = "until";
    /// How many events were dropped.
    pub const COUNT: &str = "count";
    /// Why they were dropped.
    pub const REASON: &str = "reason";
    /// `args_error` / `result_error`: the canonicalization error kind.
    pub const KIND: &str = "kind";
    /// `args_error` / `result_error`: the JSON path of the offending value.
    pub const PATH: &str = "path";
    /// A budget entry of `run_end`: the limit.
    pub const LIMIT: &str = "limit";
    /// A budget entry of `run_end`: what was used.
    pub const USED: &str = "used";
    /// Budget key: `budgets.max_tool_calls`.
    pub const MAX_TOOL_CALLS: &str = "max_tool_calls";
    /// Budget key: `budgets.max_steps`.
    pub const MAX_STEPS: &str = "max_steps";
    /// Budget key: `budgets.max_duration_s`.
    pub const MAX_DURATION_S: &str = "max_duration_s";
    /// Budget key: `budgets.max_spend_usd`.
    pub const MAX_SPEND_USD: &str = "max_spend_usd";
    /// Budget key: `budgets.loop_guard`.
    pub const LOOP_GUARD: &str = "loop_guard";
    /// Loop guard: warn from the n-th identical call.
    pub const WARN_AFTER: &str = "warn_after";
    /// Loop guard: refuse from the n-th identical call.
    pub const BLOCK_AFTER: &str = "block_after";
    /// Budget key: `budgets.max_input_tokens`.
    pub const MAX_INPUT_TOKENS: &str = "max_input_tokens";
    /// Budget key: `budgets.max_output_tokens`.
    pub const MAX_OUTPUT_TOKENS: &str = "max_output_tokens";
    /// `model_call`: 1, 2, … within the run.
    pub const STEP: &str = "step";
    /// `model_call`: the model's name as the provider reported it.
    pub const MODEL: &str = "model";
    /// `model_call`: the provider (`openai`, `anthropic`, …).
    pub const PROVIDER: &str = "provider";
    /// Input (prompt) tokens, cached ones included.
    pub const INPUT_TOKENS: &str = "input_tokens";
    /// Output (completion) tokens, reasoning ones included.
    pub const OUTPUT_TOKENS: &str = "output_tokens";
    /// `model_call`: the part of `input_tokens` read from the provider's cache.
    pub const CACHED_INPUT_TOKENS: &str = "cached_input_tokens";
    /// `model_call`: the part of `output_tokens` spent reasoning.
    pub const REASONING_TOKENS: &str = "reasoning_tokens";
    /// `model_call`: what the call cost, USD (null when unpriced).
    pub const COST_USD: &str = "cost_usd";
    /// `model_call`: why the model stopped (`stop`, `tool_calls`, `length`, …).
    pub const FINISH_REASON: &str = "finish_reason";
    /// A requested tool's name (`model_call.tool_calls[]`).
    pub const NAME: &str = "name";
    /// The framework's or model's id of a tool call.
    pub const CALL_ID: &str = "call_id";
    /// `run_end`: model calls recorded in the run.
    pub const MODEL_CALLS: &str = "model_calls";
    /// `run_end`: model calls whose cost is unknown (no price, no usage).
    pub const UNPRICED_MODEL_CALLS: &str = "unpriced_model_calls";
    /// `run_end`: the share of the run's model calls whose cost is known.
    pub const PRICED_SHARE: &str = "priced_share";
}

/// `decision` of `tool_call`: the call ran.
pub const DECISION_ALLOW: &str = "allow";
/// `decision` of `tool_call`: the call was refused.
pub const DECISION_BLOCK: &str = "block";
/// Every `decision`.
pub const DECISIONS: [&str; 2] = [DECISION_ALLOW, DECISION_BLOCK];

/// Every `hash_alg` (the wire names of [`HashScheme`]).
pub const HASH_ALGS: [&str; 2] = [HashScheme::Sha256.as_str(), HashScheme::HmacSha256.as_str()];

/// `level` of `alert`: the warn threshold was crossed.
pub const LEVEL_WARN: &str = "warn";
/// `level` of `alert`: the critical threshold was crossed.
pub const LEVEL_CRITICAL: &str = "critical";
/// `level` of `alert`: the value fell back below the warn threshold.
pub const LEVEL_RESOLVED: &str = "resolved";
/// Every alert `level`.
pub const ALERT_LEVELS: [&str; 3] = [LEVEL_WARN, LEVEL_CRITICAL, LEVEL_RESOLVED];

/// Every `reason` of `writer_dropped`, in the writer's order (`DropReason`).
pub const DROP_REASONS: [&str; 3] = ["queue_full", "sink_error", "closed"];

/// Every alert rule, in the order the gateway evaluates and reports them.
pub const ALERT_RULES: [&str; 5] = [
    "tool_calls_per_run_p95",
    "timeout_rate",
    "validation_fail_rate",
    "error_rate",
    "spend_usd_per_min",
];

/// `error_class` of a failed `model_call` recorded without one.
pub const MODEL_ERROR: &str = "model_error";

/// Every `kind` of `args_error` / `result_error` (the wire names of [`ErrorKind`]).
pub const ERROR_KINDS: [&str; ErrorKind::ALL.len()] = {
    let mut out = [""; ErrorKind::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = ErrorKind::ALL[i].as_str();
        i += 1;
    }
    out
};
