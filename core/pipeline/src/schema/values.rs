//! The closed value sets of the event stream and the objects nested in
//! events, as table entries.

use super::names::{
    ALERT_LEVELS, ALERT_RULES, DECISIONS, DROP_REASONS, ERROR_KINDS, HASH_ALGS, event, field,
};
use super::stop_reason::STOP_REASONS;
use super::types::{Enum, Object, Ty, opt, req, req_null};
use crate::error_class::ERROR_CLASSES;

/// `event`: every event name.
pub(super) static EVENT_NAME: Enum = Enum {
    name: "EventName",
    doc: "The event names tooltrail writes.",
    values: &event::ALL,
};
/// `stop_reason` of `run_end`.
pub(super) static STOP_REASON: Enum = Enum {
    name: "StopReason",
    doc: "Why a run stopped.",
    values: &STOP_REASONS,
};
/// The fixed `error_class` values; any other failure is its class name.
pub(super) static ERROR_CLASS: Enum = Enum {
    name: "ErrorClass",
    doc: "The normalized error classes; any other failure is its exception's class name.",
    values: &ERROR_CLASSES,
};
/// `decision` of `tool_call`.
pub(super) static DECISION: Enum = Enum {
    name: "Decision",
    doc: "Whether the gateway let a call run.",
    values: &DECISIONS,
};
/// `hash_alg` of `tool_call`.
pub(super) static HASH_ALG: Enum = Enum {
    name: "HashAlg",
    doc: "How `args_hash` was computed: SHA-256, or HMAC-SHA256 with a configured key.",
    values: &HASH_ALGS,
};
/// `rule` of `alert`.
pub(super) static ALERT_RULE: Enum = Enum {
    name: "AlertRule",
    doc: "The alert rules (configured under `logging.alerts`).",
    values: &ALERT_RULES,
};
/// `level` of `alert`.
pub(super) static ALERT_LEVEL: Enum = Enum {
    name: "AlertLevel",
    doc: "An alert's new level (`resolved`: back below the warn threshold).",
    values: &ALERT_LEVELS,
};
/// `reason` of `writer_dropped`.
pub(super) static DROP_REASON: Enum = Enum {
    name: "DropReason",
    doc: "Why the writer dropped events.",
    values: &DROP_REASONS,
};
/// `kind` of `args_error` / `result_error`.
pub(super) static ERROR_KIND: Enum = Enum {
    name: "ErrorKind",
    doc: "Why a value has no canonical JSON form.",
    values: &ERROR_KINDS,
};

/// Every named value set, in the order the generated files declare them.
pub static ENUMS: [&Enum; 9] = [
    &EVENT_NAME,
    &STOP_REASON,
    &ERROR_CLASS,
    &DECISION,
    &HASH_ALG,
    &ALERT_RULE,
    &ALERT_LEVEL,
    &DROP_REASON,
    &ERROR_KIND,
];

/// `args_error` / `result_error`.
pub(super) static VALUE_ERROR: Object = Object {
    name: "CanonErrorInfo",
    doc: "Why a value has no JSON form: the error kind and the path of the offending value.",
    fields: &[
        req(field::KIND, Ty::OneOf(&ERROR_KIND), "The error kind."),
        req(
            field::PATH,
            Ty::Str,
            "The path of the offending value, e.g. `$.ids`.",
        ),
    ],
};
/// `budgets.loop_guard` of `run_start`.
pub(super) static LOOP_GUARD: Object = Object {
    name: "LoopGuard",
    doc: "The loop guard: identical (tool, args_hash) calls in one run.",
    fields: &[
        req(
            field::WARN_AFTER,
            Ty::Count,
            "Flag the call from this many identical calls.",
        ),
        req(
            field::BLOCK_AFTER,
            Ty::Count,
            "Refuse the call from this many identical calls.",
        ),
    ],
};
/// `budgets` of `run_start`.
pub(super) static BUDGETS: Object = Object {
    name: "Budgets",
    doc: "The budgets in force (each only when configured).",
    fields: &[
        opt(field::MAX_TOOL_CALLS, Ty::Count, "Most tool calls."),
        opt(field::MAX_STEPS, Ty::Count, "Most agent steps."),
        opt(
            field::MAX_DURATION_S,
            Ty::Number,
            "Longest duration, seconds.",
        ),
        opt(field::MAX_SPEND_USD, Ty::Number, "Most spend, USD."),
        opt(
            field::MAX_INPUT_TOKENS,
            Ty::Count,
            "Most model input tokens.",
        ),
        opt(
            field::MAX_OUTPUT_TOKENS,
            Ty::Count,
            "Most model output tokens.",
        ),
        opt(
            field::LOOP_GUARD,
            Ty::Object(&LOOP_GUARD),
            "The loop guard.",
        ),
    ],
};
/// One entry of `budgets` of `run_end`.
pub(super) static BUDGET_USE: Object = Object {
    name: "BudgetUse",
    doc: "A budget's limit and what the run used of it.",
    fields: &[
        req(field::LIMIT, Ty::Number, "The limit."),
        req(field::USED, Ty::Number, "What was used."),
    ],
};
/// `budgets` of `run_end`.
pub(super) static BUDGET_USAGE: Object = Object {
    name: "BudgetUsage",
    doc: "Each configured limit with what the run used.",
    fields: &[
        opt(
            field::MAX_TOOL_CALLS,
            Ty::Object(&BUDGET_USE),
            "Tool calls.",
        ),
        opt(field::MAX_STEPS, Ty::Object(&BUDGET_USE), "Agent steps."),
        opt(
            field::MAX_DURATION_S,
            Ty::Object(&BUDGET_USE),
            "Duration, seconds.",
        ),
        opt(field::MAX_SPEND_USD, Ty::Object(&BUDGET_USE), "Spend, USD."),
        opt(
            field::MAX_INPUT_TOKENS,
            Ty::Object(&BUDGET_USE),
            "Model input tokens.",
        ),
        opt(
            field::MAX_OUTPUT_TOKENS,
            Ty::Object(&BUDGET_USE),
            "Model output tokens.",
        ),
    ],
};
/// `mcp_server` of `run_start`.
pub(super) static MCP_SERVER: Object = Object {
    name: "McpServer",
    doc: "The MCP server a `tooltrail mcp-proxy` session fronts.",
    fields: &[
        req_null(
            field::NAME,
            Ty::Str,
            "`serverInfo.name` from the server's answer to `initialize` (null before or without one).",
        ),
        req_null(
            field::VERSION,
            Ty::Str,
            "`serverInfo.version` from the same answer (null before or without one).",
        ),
        req(
            field::COMMAND,
            Ty::Str,
            "The server's command line as the proxy ran it (arguments holding blanks or quotes are single-quoted).",
        ),
    ],
};
/// One entry of `tool_calls` of `model_call`.
pub(super) static REQUESTED_TOOL: Object = Object {
    name: "RequestedTool",
    doc: "A tool call the model asked for: its name and id, never its arguments.",
    fields: &[
        req(field::NAME, Ty::Str, "The tool's name."),
        req_null(
            field::CALL_ID,
            Ty::Str,
            "The model's id of the call (the `call_id` of the `tool_call` it leads to).",
        ),
    ],
};
