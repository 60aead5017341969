//! The table of events: every event tooltrail writes, its fields in
//! line order, their types, whether each is required and may be null, and
//! the closed value sets. The validator, the JSON Schema and the Python and
//! TypeScript types are all derived from this one table.

use super::names::{DECISION_BLOCK, event, field};
use super::types::{EventSpec, Field, Lit, Rule, Ty, opt, opt_null, req, req_null};
use super::values::{
    ALERT_LEVEL, ALERT_RULE, BUDGET_USAGE, BUDGETS, DECISION, DROP_REASON, HASH_ALG, MCP_SERVER,
    REQUESTED_TOOL, STOP_REASON, VALUE_ERROR,
};

/// The members every event starts with, in order.
pub static COMMON: [Field; 9] = [
    req(field::V, Ty::Version, "Schema version: 1."),
    req(
        field::TS,
        Ty::Timestamp,
        "When, RFC 3339 UTC with microseconds.",
    ),
    req(field::EVENT, Ty::EventName, "The event name."),
    req_null(field::RUN_ID, Ty::Str, "The run (null outside any run)."),
    req_null(
        field::TRACE_ID,
        Ty::Hex(32),
        "The W3C trace id (32 lowercase hex).",
    ),
    req_null(
        field::SPAN_ID,
        Ty::Hex(16),
        "The call's or run's span id (16 lowercase hex).",
    ),
    req_null(field::REQUEST_ID, Ty::Str, "The incoming request."),
    req_null(field::USER_ID, Ty::Str, "The end user, null when unknown."),
    opt(field::AGENT_ID, Ty::Str, "The agent, where configured."),
];

/// Every event type, in the documented order.
pub static EVENTS: [EventSpec; 9] = [
    EventSpec {
        name: event::RUN_START,
        type_name: "RunStartEvent",
        doc: "A run begins.",
        fields: &[
            req_null(
                field::PARENT_SPAN_ID,
                Ty::Hex(16),
                "The span the run is a child of.",
            ),
            req(
                field::BUDGETS,
                Ty::Object(&BUDGETS),
                "The budgets in force.",
            ),
            opt(
                field::IMPLICIT,
                Ty::Bool,
                "`true` for a run tooltrail opened because a call had no run and no ctx (absent otherwise).",
            ),
            opt(
                field::PARENT_RUN_ID,
                Ty::Str,
                "The enclosing run: one opened in another run's scope, or a forked worker's (absent otherwise).",
            ),
            opt(
                field::MCP_SERVER,
                Ty::Object(&MCP_SERVER),
                "The MCP server a `tooltrail mcp-proxy` session fronts (absent otherwise).",
            ),
        ],
        rules: &[],
    },
    EventSpec {
        name: event::TOOL_CALL,
        type_name: "ToolCallEvent",
        doc: "Before a tool runs (also when it is refused).",
        fields: &[
            req(field::TOOL, Ty::Str, "The tool."),
            req(field::SEQ, Ty::Count, "1, 2, … within the run."),
            req_null(
                field::PARENT_SPAN_ID,
                Ty::Hex(16),
                "The span the call is a child of.",
            ),
            opt(
                field::CALL_ID,
                Ty::Str,
                "The framework's or model's id of this call (absent when it has none).",
            ),
            opt_null(
                field::ARGS_HASH,
                Ty::Hex(64),
                "`stable_hash` of the arguments; null when they have no canonical form.",
            ),
            opt(
                field::ARGS_ERROR,
                Ty::Object(&VALUE_ERROR),
                "Why `args_hash` is null.",
            ),
            opt(
                field::HASH_ALG,
                Ty::OneOf(&HASH_ALG),
                "How `args_hash` was computed.",
            ),
            opt(
                field::ARGS,
                Ty::Any,
                "The redacted arguments, when storing args is on.",
            ),
            opt(
                field::LOOP_COUNT,
                Ty::Count,
                "The loop guard's warning: this many identical calls.",
            ),
            req(
                field::DECISION,
                Ty::OneOf(&DECISION),
                "Whether the call runs.",
            ),
            opt(field::OK, Ty::False, "`false` when refused."),
            opt(field::ERROR_CLASS, Ty::ErrorClass, "Why it was refused."),
        ],
        rules: &[
            Rule {
                when: field::DECISION,
                is: Lit::Str(DECISION_BLOCK),
                then: field::OK,
            },
            Rule {
                when: field::DECISION,
                is: Lit::Str(DECISION_BLOCK),
                then: field::ERROR_CLASS,
            },
            Rule {
                when: field::ARGS_HASH,
                is: Lit::Null,
                then: field::ARGS_ERROR,
            },
        ],
    },
    EventSpec {
        name: event::TOOL_RESULT,
        type_name: "ToolResultEvent",
        doc: "After a tool returned or failed.",
        fields: &[
            req(field::TOOL, Ty::Str, "The tool."),
            req(field::SEQ, Ty::Count, "The `seq` of its `tool_call`."),
            req(
                field::LATENCY_MS,
                Ty::Number,
                "Milliseconds, microsecond precision.",
            ),
            req(
                field::OK,
                Ty::Bool,
                "Whether it succeeded (and its result passed validation).",
            ),
            opt(
                field::DEADLINE_MS,
                Ty::Number,
                "The tool's timeout (ms), when it returned after it: a sync tool cannot be interrupted.",
            ),
            opt(
                field::DEADLINE_EXCEEDED,
                Ty::Bool,
                "`true` when the tool returned after its timeout (its value was still returned).",
            ),
            opt(field::ERROR_CLASS, Ty::ErrorClass, "Why it failed."),
            opt(
                field::ERROR_MESSAGE,
                Ty::Str,
                "The error message, redacted and truncated, when configured.",
            ),
            opt(field::RESULT, Ty::Any, "The redacted result, when sampled."),
            opt(
                field::RESULT_ERROR,
                Ty::Object(&VALUE_ERROR),
                "Why a sampled result has no JSON form.",
            ),
        ],
        rules: &[Rule {
            when: field::OK,
            is: Lit::Bool(false),
            then: field::ERROR_CLASS,
        }],
    },
    EventSpec {
        name: event::RUN_END,
        type_name: "RunEndEvent",
        doc: "A run ends.",
        fields: &[
            req(
                field::STOP_REASON,
                Ty::OneOf(&STOP_REASON),
                "Why the run stopped.",
            ),
            req(
                field::DURATION_MS,
                Ty::Number,
                "Milliseconds, microsecond precision.",
            ),
            req(field::TOOL_CALLS, Ty::Count, "Tool calls that ran."),
            req(field::ERRORS, Ty::Count, "Tool calls that ran and failed."),
            req(
                field::REFUSED,
                Ty::Count,
                "Tool calls refused before running (unknown tool, budget, loop guard).",
            ),
            req(field::STEPS, Ty::Count, "Agent steps."),
            req(
                field::SPEND_USD,
                Ty::Number,
                "Spend, USD: model calls' costs plus spend added by the app.",
            ),
            req(
                field::BUDGETS,
                Ty::Object(&BUDGET_USAGE),
                "Each limit with what was used.",
            ),
            opt(
                field::MODEL_CALLS,
                Ty::Count,
                "Model calls recorded (this and the next four: only when there were any).",
            ),
            opt(field::INPUT_TOKENS, Ty::Count, "Model input tokens."),
            opt(field::OUTPUT_TOKENS, Ty::Count, "Model output tokens."),
            opt(
                field::UNPRICED_MODEL_CALLS,
                Ty::Count,
                "Model calls with no cost (unknown price or no usage): `spend_usd` leaves them out.",
            ),
            opt(
                field::PRICED_SHARE,
                Ty::Number,
                "The share of model calls whose cost is in `spend_usd` (1: all of them).",
            ),
        ],
        rules: &[],
    },
    EventSpec {
        name: event::ALERT,
        type_name: "AlertEvent",
        doc: "An alert rule changes state.",
        fields: &[
            req(field::RULE, Ty::OneOf(&ALERT_RULE), "The rule."),
            req(field::LEVEL, Ty::OneOf(&ALERT_LEVEL), "Its new level."),
            req(field::VALUE, Ty::Number, "The measured value."),
            req(
                field::THRESHOLD,
                Ty::Number,
                "The threshold crossed (for `resolved`: the warn threshold).",
            ),
            req(field::WINDOW_S, Ty::Number, "The window, seconds."),
            opt_null(
                field::TRIPPED_RUN_ID,
                Ty::Str,
                "warn / critical: the run of the rule's latest offending sample.",
            ),
            opt_null(
                field::TRIPPED_TRACE_ID,
                Ty::Hex(32),
                "warn / critical: that sample's trace.",
            ),
        ],
        rules: &[],
    },
    EventSpec {
        name: event::WRITER_DROPPED,
        type_name: "WriterDroppedEvent",
        doc: "After events were dropped (ids are null: it belongs to no run).",
        fields: &[
            req(
                field::COUNT,
                Ty::Count,
                "How many events were dropped since the last report.",
            ),
            req(field::REASON, Ty::OneOf(&DROP_REASON), "Why."),
        ],
        rules: &[],
    },
    EventSpec {
        name: event::INCIDENT_WINDOW_OPEN,
        type_name: "IncidentWindowOpenEvent",
        doc: "An incident window opened or moved: args are stored, redacted, until `until`.",
        fields: &[req(
            field::UNTIL,
            Ty::Timestamp,
            "When the window closes by itself.",
        )],
        rules: &[],
    },
    EventSpec {
        name: event::INCIDENT_WINDOW_CLOSE,
        type_name: "IncidentWindowCloseEvent",
        doc: "An incident window closed (noticed at the first activity after `until`).",
        fields: &[req(
            field::UNTIL,
            Ty::Timestamp,
            "When the window was set to close.",
        )],
        rules: &[],
    },
    EventSpec {
        name: event::MODEL_CALL,
        type_name: "ModelCallEvent",
        doc: "A model step ended (recorded by the app or a framework adapter).",
        fields: &[
            req(field::STEP, Ty::Count, "1, 2, … within the run."),
            req_null(
                field::PARENT_SPAN_ID,
                Ty::Hex(16),
                "The span the call is a child of (the run's).",
            ),
            req(field::MODEL, Ty::Str, "The model."),
            req_null(field::PROVIDER, Ty::Str, "The provider (`openai`, …)."),
            req_null(
                field::INPUT_TOKENS,
                Ty::Count,
                "Input tokens, cached ones included (null: not reported).",
            ),
            req_null(
                field::OUTPUT_TOKENS,
                Ty::Count,
                "Output tokens, reasoning ones included (null: not reported).",
            ),
            opt(
                field::CACHED_INPUT_TOKENS,
                Ty::Count,
                "The part of `input_tokens` read from the cache, when reported.",
            ),
            opt(
                field::REASONING_TOKENS,
                Ty::Count,
                "The part of `output_tokens` spent reasoning, when reported.",
            ),
            req_null(
                field::COST_USD,
                Ty::Number,
                "USD: as given, or from the price table; null when unpriced (never guessed).",
            ),
            req_null(
                field::LATENCY_MS,
                Ty::Number,
                "Milliseconds (null: neither given nor timed).",
            ),
            req(field::OK, Ty::Bool, "Whether the call succeeded."),
            opt(field::ERROR_CLASS, Ty::ErrorClass, "Why it failed."),
            req_null(
                field::FINISH_REASON,
                Ty::Str,
                "Why the model stopped, as the provider said (`stop`, `tool_calls`, `length`, …).",
            ),
            req(
                field::TOOL_CALLS,
                Ty::List(&REQUESTED_TOOL),
                "The tools the model asked for, in order (names and ids, never arguments).",
            ),
        ],
        rules: &[Rule {
            when: field::OK,
            is: Lit::Bool(false),
            then: field::ERROR_CLASS,
        }],
    },
];

/// The event type named `name`.
pub fn event_spec(name: &str) -> Option<&'static EventSpec> {
    EVENTS.iter().find(|e| e.name == name)
}

impl EventSpec {
    /// Every field of the event, [`COMMON`](super::COMMON) first, in line order.
    pub fn all_fields(&self) -> impl Iterator<Item = &'static Field> + use<> {
        COMMON.iter().chain(self.fields.iter())
    }
}
