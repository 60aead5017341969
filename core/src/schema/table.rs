//! The table of events (SPEC §4): every event tooltrail writes, its fields in
//! line order, their types, whether each is required and may be null, and
//! the closed value sets. The validator, the JSON Schema and the Python and
//! TypeScript types are all derived from this one table.

use super::names::{
    ALERT_LEVELS, DECISION_BLOCK, DECISIONS, DROP_REASONS, ERROR_KINDS, HASH_ALGS, event, field,
};
use super::stop_reason::STOP_REASONS;
use crate::error_class::ERROR_CLASSES;
use crate::gateway::ALERT_RULES;

/// A closed set of string values, named for the generated types.
#[derive(Debug)]
pub struct Enum {
    /// The type's name in the generated files (`StopReason`, …).
    pub name: &'static str,
    /// What the values mean.
    pub doc: &'static str,
    /// Every value, in a fixed order.
    pub values: &'static [&'static str],
}

/// An object with fixed members (an event, or a value nested in one).
#[derive(Debug)]
pub struct Object {
    /// The type's name in the generated files.
    pub name: &'static str,
    /// What it is.
    pub doc: &'static str,
    /// Its members, in the order they are written.
    pub fields: &'static [Field],
}

/// The JSON type of a field.
#[derive(Debug)]
pub enum Ty {
    /// The integer 1 ([`crate::SCHEMA_VERSION`]).
    Version,
    /// RFC 3339 UTC with microseconds: `2026-11-24T19:57:40.123456Z`.
    Timestamp,
    /// The event's own name.
    EventName,
    /// Any string.
    Str,
    /// Lowercase hex of this many digits.
    Hex(usize),
    /// A non-negative integer.
    Count,
    /// A finite number.
    Number,
    /// `true` or `false`.
    Bool,
    /// Exactly `false`.
    False,
    /// One of a closed set of strings.
    OneOf(&'static Enum),
    /// `error_class`: one of [`ERROR_CLASSES`] or a class name.
    ErrorClass,
    /// An object with fixed members.
    Object(&'static Object),
    /// Any JSON value, `null` included.
    Any,
}

/// One member of an event or nested object.
#[derive(Debug)]
pub struct Field {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether every line has it.
    pub required: bool,
    /// Whether it may be `null`.
    pub nullable: bool,
    /// What it means.
    pub doc: &'static str,
}

/// The value a [`Rule`] tests.
#[derive(Debug, Clone, Copy)]
pub enum Lit {
    /// A string.
    Str(&'static str),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
}

/// A member that is present exactly when another member has a given value.
#[derive(Debug)]
pub struct Rule {
    /// The member tested.
    pub when: &'static str,
    /// The value that makes [`Rule::then`] present (any other: absent).
    pub is: Lit,
    /// The member that depends on it.
    pub then: &'static str,
}

/// One event type.
#[derive(Debug)]
pub struct EventSpec {
    /// The event name.
    pub name: &'static str,
    /// The generated type's name (`ToolCallEvent`).
    pub type_name: &'static str,
    /// When it is written.
    pub doc: &'static str,
    /// Its fields beyond [`COMMON`], in line order.
    pub fields: &'static [Field],
    /// Members present exactly when another has a given value.
    pub rules: &'static [Rule],
}

impl EventSpec {
    /// Every field of the event, [`COMMON`] first, in line order.
    pub fn all_fields(&self) -> impl Iterator<Item = &'static Field> + use<> {
        COMMON.iter().chain(self.fields.iter())
    }
}

const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: false,
        doc,
    }
}
const fn req_null(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: true,
        doc,
    }
}
const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: false,
        doc,
    }
}
const fn opt_null(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: true,
        doc,
    }
}

/// `event`: every event name.
pub static EVENT_NAME: Enum = Enum {
    name: "EventName",
    doc: "The event names tooltrail writes (SPEC §4).",
    values: &event::ALL,
};
/// `stop_reason` of `run_end`.
pub static STOP_REASON: Enum = Enum {
    name: "StopReason",
    doc: "Why a run stopped (SPEC §4).",
    values: &STOP_REASONS,
};
/// The fixed `error_class` values; any other failure is its class name.
pub static ERROR_CLASS: Enum = Enum {
    name: "ErrorClass",
    doc: "The normalized error classes (SPEC §4); any other failure is its exception's class name.",
    values: &ERROR_CLASSES,
};
/// `decision` of `tool_call`.
pub static DECISION: Enum = Enum {
    name: "Decision",
    doc: "Whether the gateway let a call run.",
    values: &DECISIONS,
};
/// `hash_alg` of `tool_call`.
pub static HASH_ALG: Enum = Enum {
    name: "HashAlg",
    doc: "How `args_hash` was computed: SHA-256, or HMAC-SHA256 with a configured key.",
    values: &HASH_ALGS,
};
/// `rule` of `alert`.
pub static ALERT_RULE: Enum = Enum {
    name: "AlertRule",
    doc: "The alert rules (configured under `logging.alerts`).",
    values: &ALERT_RULES,
};
/// `level` of `alert`.
pub static ALERT_LEVEL: Enum = Enum {
    name: "AlertLevel",
    doc: "An alert's new level (`resolved`: back below the warn threshold).",
    values: &ALERT_LEVELS,
};
/// `reason` of `writer_dropped`.
pub static DROP_REASON: Enum = Enum {
    name: "DropReason",
    doc: "Why the writer dropped events.",
    values: &DROP_REASONS,
};
/// `kind` of `args_error` / `result_error`.
pub static ERROR_KIND: Enum = Enum {
    name: "ErrorKind",
    doc: "Why a value has no canonical JSON form (SPEC §3).",
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
pub static VALUE_ERROR: Object = Object {
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
pub static LOOP_GUARD: Object = Object {
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
pub static BUDGETS: Object = Object {
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
            field::LOOP_GUARD,
            Ty::Object(&LOOP_GUARD),
            "The loop guard.",
        ),
    ],
};
/// One entry of `budgets` of `run_end`.
pub static BUDGET_USE: Object = Object {
    name: "BudgetUse",
    doc: "A budget's limit and what the run used of it.",
    fields: &[
        req(field::LIMIT, Ty::Number, "The limit."),
        req(field::USED, Ty::Number, "What was used."),
    ],
};
/// `budgets` of `run_end`.
pub static BUDGET_USAGE: Object = Object {
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
    ],
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
        Ty::Str,
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

/// Every event type, in SPEC §4's order.
pub static EVENTS: [EventSpec; 6] = [
    EventSpec {
        name: event::RUN_START,
        type_name: "RunStartEvent",
        doc: "A run begins.",
        fields: &[
            req_null(
                field::PARENT_SPAN_ID,
                Ty::Str,
                "The span the run is a child of.",
            ),
            req(
                field::BUDGETS,
                Ty::Object(&BUDGETS),
                "The budgets in force.",
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
                Ty::Str,
                "The span the call is a child of.",
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
            req(field::ERRORS, Ty::Count, "Tool calls that failed."),
            req(field::STEPS, Ty::Count, "Agent steps."),
            req(field::SPEND_USD, Ty::Number, "Spend reported, USD."),
            req(
                field::BUDGETS,
                Ty::Object(&BUDGET_USAGE),
                "Each limit with what was used.",
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
];

/// The event type named `name`.
pub fn event_spec(name: &str) -> Option<&'static EventSpec> {
    EVENTS.iter().find(|e| e.name == name)
}
