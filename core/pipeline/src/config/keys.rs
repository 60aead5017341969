//! [`KEYS`]: every configuration key, its type, default and meaning, in the
//! order the reader reads them. The reference page `docs/reference/config.md`
//! is generated from it, and the reader is tested against it
//! (`keys_tests.rs`): every key the reader asks for is in the table, every
//! key in the table is read where the table says, with the type it says, and
//! the defaults it states are the ones [`Config::default`](super::Config)
//! and [`OtlpConfig::default`](super::OtlpConfig) hold.

/// The type of a configuration key's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyType {
    /// `true` or `false`.
    Bool,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// A number from `min` to `max` ([`f64::MAX`]: no upper bound).
    Number {
        /// The smallest value accepted.
        min: f64,
        /// The largest value accepted.
        max: f64,
    },
    /// A whole number from `min` to `max`.
    Whole {
        /// The smallest value accepted.
        min: u64,
        /// The largest value accepted.
        max: u64,
    },
    /// A whole number of at least 1.
    Count,
    /// A non-empty string.
    Str,
    /// A list of non-empty strings.
    StrList,
    /// A duration (`30s`, `5m`, `2h`, `1d`) or a number of seconds.
    Duration,
    /// An RFC 3339 instant with any offset.
    Instant,
    /// An `http://` (or, with the `otlp-https` feature, `https://`) URL.
    Url,
    /// A mapping of HTTP header names to one-line strings.
    Headers,
    /// A mapping of model names to prices (USD per million tokens:
    /// `input_per_mtok`, `output_per_mtok`, optional `cached_input_per_mtok`).
    Prices,
    /// A list of `{name, pattern}` value patterns (a label and a regular
    /// expression).
    Patterns,
    /// A mapping whose keys are listed after it.
    Section,
}

/// What a key is when it is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDefault {
    /// This value (JSON text).
    Value(&'static str),
    /// Not set: the feature it configures is off, or the value is absent.
    Unset,
    /// Required whenever its section is given.
    Required,
    /// Described in words (another key's value, a section that is on).
    Text(&'static str),
}

/// One configuration key.
#[derive(Debug, Clone, Copy)]
pub struct ConfigKey {
    /// The dotted key, as errors name it (`logging.tool_calls.store_results`).
    pub key: &'static str,
    /// Its type.
    pub ty: KeyType,
    /// Its default.
    pub default: KeyDefault,
    /// A value the reader accepts (JSON text; unused for a [`KeyType::Section`]).
    pub example: &'static str,
    /// What it does.
    pub doc: &'static str,
}

const fn key(
    key: &'static str,
    ty: KeyType,
    default: KeyDefault,
    example: &'static str,
    doc: &'static str,
) -> ConfigKey {
    ConfigKey {
        key,
        ty,
        default,
        example,
        doc,
    }
}

const fn section(key: &'static str, default: KeyDefault, doc: &'static str) -> ConfigKey {
    ConfigKey {
        key,
        ty: KeyType::Section,
        default,
        example: "",
        doc,
    }
}

use KeyDefault::{Required, Text, Unset, Value};
use KeyType::{Bool, Choice, Count, Duration, Headers, Instant, Number, Str, StrList, Url, Whole};

const ID_REQUIREMENT: KeyType = Choice(&["required", "optional"]);
const NON_NEGATIVE: KeyType = Number {
    min: 0.0,
    max: f64::MAX,
};
const RATIO: KeyType = Number { min: 0.0, max: 1.0 };

/// The keys of one alert rule (`$rule` is its name, `$min` its minimum-samples
/// key): on by default with these thresholds, or off unless configured.
macro_rules! alert_rule {
    ($rule:literal, $min:literal, $warn:literal, $critical:literal, $what:literal) => {
        alert_rule!(@keys $rule, $min, $what,
            Text(concat!("on: warn ", $warn, ", critical ", $critical)),
            ". A mapping replaces the default thresholds; `null` turns the rule off.",
            Value($warn), Value($critical))
    };
    (off $rule:literal, $min:literal, $what:literal) => {
        alert_rule!(@keys $rule, $min, $what,
            Text("off"),
            ". Off unless configured: a mapping with `warn` and `critical` turns it on.",
            Required, Required)
    };
    (@keys $rule:literal, $min:literal, $what:literal, $default:expr, $how:literal, $warn:expr, $critical:expr) => {
        [
            section(
                concat!("logging.alerts.", $rule),
                $default,
                concat!("The alert rule on ", $what, $how),
            ),
            key(
                concat!("logging.alerts.", $rule, ".warn"),
                NON_NEGATIVE,
                $warn,
                "0",
                "The warn level fires when the value is above this (not at it). Required with `critical`.",
            ),
            key(
                concat!("logging.alerts.", $rule, ".critical"),
                NON_NEGATIVE,
                $critical,
                "1",
                "The critical level fires when the value is above this; at least `warn`. Required with `warn`.",
            ),
            key(
                concat!("logging.alerts.", $rule, ".", $min),
                Count,
                Text(concat!("`logging.alerts.", $min, "`")),
                "3",
                "This rule's own minimum number of samples in the window.",
            ),
            key(
                concat!("logging.alerts.", $rule, ".for"),
                Duration,
                Text("`logging.alerts.for`"),
                "\"5m\"",
                "This rule's own sustain period.",
            ),
            key(
                concat!("logging.alerts.", $rule, ".clear_ratio"),
                RATIO,
                Text("`logging.alerts.clear_ratio`"),
                "0.5",
                "This rule's own hysteresis.",
            ),
        ]
    };
}

const P95_RULE: [ConfigKey; 6] = alert_rule!(
    "tool_calls_per_run_p95",
    "min_runs",
    "10",
    "20",
    "the 95th percentile of tool calls per run (runs ended in the window)"
);
const TIMEOUT_RULE: [ConfigKey; 6] = alert_rule!(
    "timeout_rate",
    "min_calls",
    "0.02",
    "0.05",
    "the share of tool results in the window that timed out"
);
const VALIDATION_RULE: [ConfigKey; 6] = alert_rule!(
    "validation_fail_rate",
    "min_calls",
    "0.02",
    "0.05",
    "the share of tool results in the window whose validator rejected them"
);
const ERROR_RATE_RULE: [ConfigKey; 6] = alert_rule!(
    off "error_rate",
    "min_calls",
    "the share of tool results in the window that are not ok (any error class)"
);
const SPEND_RULE: [ConfigKey; 6] = alert_rule!(
    off "spend_usd_per_min",
    "min_calls",
    "spend in USD per minute over the window: each priced `model_call`'s cost at its time, and at a run's end the spend the application added with `add_spend`. Its minimum counts those samples"
);

const BEFORE_RULES: [ConfigKey; 23] = [
    section("logging", Unset, "What is logged, and the alert rules."),
    section(
        "logging.ids",
        Unset,
        "Which ids every tool call must carry.",
    ),
    key(
        "logging.ids.run_id",
        ID_REQUIREMENT,
        Value("\"required\""),
        "\"optional\"",
        "`required`: a call without a run id is refused (`missing_id`); `optional`: it is logged as null.",
    ),
    key(
        "logging.ids.trace_id",
        ID_REQUIREMENT,
        Value("\"required\""),
        "\"optional\"",
        "The same for the trace id.",
    ),
    key(
        "logging.ids.request_id",
        ID_REQUIREMENT,
        Value("\"required\""),
        "\"optional\"",
        "The same for the request id.",
    ),
    key(
        "logging.agent_id",
        Str,
        Unset,
        "\"support-bot\"",
        "The agent, written as `agent_id` on every event (a run's own `agent_id` wins).",
    ),
    section(
        "logging.tool_calls",
        Unset,
        "What the `tool_call` and `tool_result` events store.",
    ),
    key(
        "logging.tool_calls.enabled",
        Bool,
        Value("true"),
        "false",
        "Write `tool_call` and `tool_result` events. Budgets, the loop guard and live alerts work either way.",
    ),
    key(
        "logging.tool_calls.store_args",
        Bool,
        Value("false"),
        "true",
        "Store each call's arguments, redacted, as `args`.",
    ),
    key(
        "logging.tool_calls.store_args_until",
        Instant,
        Unset,
        "\"2026-11-30T23:00:00+01:00\"",
        "Store arguments, redacted, until this instant, then stop by themselves (the incident window); at most 366 days from when the configuration is read.",
    ),
    key(
        "logging.tool_calls.store_args_hash",
        Bool,
        Value("true"),
        "false",
        "Write `args_hash`, the hash of the canonical JSON of the arguments.",
    ),
    key(
        "logging.tool_calls.store_error_messages",
        Bool,
        Value("true"),
        "false",
        "Write a failed call's error message, redacted and truncated to 500 characters, as `error_message`; `false` leaves it out.",
    ),
    key(
        "logging.tool_calls.store_results",
        Choice(&["none", "sampled", "full"]),
        Value("\"sampled\""),
        "\"full\"",
        "Store results, redacted, as `result`: never, for the runs `result_sample_rate` picks, or always.",
    ),
    key(
        "logging.tool_calls.result_sample_rate",
        RATIO,
        Value("0.01"),
        "0.5",
        "The share of runs whose results are stored with `sampled`; a run is picked by the hash of its `run_id`, the same in every language and process.",
    ),
    key(
        "logging.tool_calls.hash_key_env",
        Str,
        Unset,
        "\"TOOLTRAIL_HASH_KEY\"",
        "The environment variable holding a key: `args_hash` is then HMAC-SHA256 with it (`hash_alg` `hmac-sha256`). The key itself never sits in the file; a named variable that is unset or empty is an error.",
    ),
    section("logging.pii", Unset, "Redaction settings."),
    key(
        "logging.pii.redact_fields",
        StrList,
        Value("[\"email\",\"phone\",\"token\",\"authorization\",\"cookie\"]"),
        "[\"ssn\"]",
        "Member names whose values are always redacted, whatever their type, on top of the built-in rules (the list replaces the default list).",
    ),
    key(
        "logging.pii.redact_patterns",
        KeyType::Patterns,
        Value("[]"),
        "[{\"name\":\"order_ref\",\"pattern\":\"ORD-[0-9]{8}\"}]",
        "Value patterns redacted on top of the built-in rules: each match anywhere in a string or member name becomes `[REDACTED:<name>]`. `name` is 1 to 64 characters of `a-z`, `0-9`, `_`; `pattern` is a regular expression in the Rust `regex` crate's syntax (no look-around or back-references; linear time), at most 1024 bytes and 256 KiB compiled, not matching the empty string. At most 32 patterns; checked when the configuration is read.",
    ),
    section("logging.stop_reasons", Unset, "Stop reasons."),
    key(
        "logging.stop_reasons.enabled",
        Bool,
        Value("true"),
        "false",
        "Accepted for compatibility: `run_end` always carries its `stop_reason`.",
    ),
    section(
        "logging.alerts",
        Unset,
        "The alert rules and the settings they share.",
    ),
    key(
        "logging.alerts.min_calls",
        Count,
        Value("20"),
        "5",
        "Samples a rule other than `tool_calls_per_run_p95` needs in its window before it may fire (fewer: the rule stays `ok`): tool results for the rate rules, spend samples for `spend_usd_per_min`.",
    ),
    key(
        "logging.alerts.min_runs",
        Count,
        Value("5"),
        "2",
        "Runs ended in the window before `tool_calls_per_run_p95` may fire.",
    ),
];

const AFTER_SHARED: [ConfigKey; 3] = [
    key(
        "logging.alerts.for",
        Duration,
        Value("0"),
        "\"1m\"",
        "How long a value must stay above a threshold before that level fires (0: at once).",
    ),
    key(
        "logging.alerts.clear_ratio",
        RATIO,
        Value("0.8"),
        "0.9",
        "A level that fired clears once the value is at or below its threshold times this (hysteresis).",
    ),
    key(
        "logging.alerts.window_s",
        Number {
            min: 1.0,
            max: 86_400.0,
        },
        Value("300"),
        "60",
        "The sliding window the rules measure over, in seconds.",
    ),
];

const BUDGETS: [ConfigKey; 10] = [
    section(
        "budgets",
        Unset,
        "Per-run limits. A call past one is refused (`budget_exceeded`), and the run ends with the matching stop reason.",
    ),
    key(
        "budgets.max_tool_calls",
        Count,
        Unset,
        "50",
        "Most tool calls in one run (stop reason `max_tool_calls`).",
    ),
    key(
        "budgets.max_steps",
        Count,
        Unset,
        "25",
        "Most agent steps in one run (stop reason `max_steps`).",
    ),
    key(
        "budgets.max_duration_s",
        NON_NEGATIVE,
        Unset,
        "300",
        "Longest run, in seconds (stop reason `max_duration`).",
    ),
    key(
        "budgets.max_spend_usd",
        NON_NEGATIVE,
        Unset,
        "1.5",
        "Most spend in one run, in USD: model calls' costs plus spend the app adds (stop reason `max_spend`). Checked before each tool and model call.",
    ),
    key(
        "budgets.max_input_tokens",
        Count,
        Unset,
        "200000",
        "Most model input tokens in one run, from `model_call` events (stop reason `max_spend`; the error names this budget).",
    ),
    key(
        "budgets.max_output_tokens",
        Count,
        Unset,
        "20000",
        "Most model output tokens in one run (stop reason `max_spend`; the error names this budget).",
    ),
    section(
        "budgets.loop_guard",
        Unset,
        "The loop guard: identical calls (same tool, same `args_hash`) in one run.",
    ),
    key(
        "budgets.loop_guard.warn_after",
        Count,
        Text("`block_after`"),
        "1",
        "From this many identical calls, `tool_call` carries `loop_count`; at most `block_after`.",
    ),
    key(
        "budgets.loop_guard.block_after",
        Count,
        Required,
        "4",
        "From this many identical calls, the call is refused (`loop_detected`) and the run stops with `loop_detected`.",
    ),
];

const PRICING: [ConfigKey; 1] = [key(
    "pricing",
    KeyType::Prices,
    Text("the shipped, dated price table"),
    "{\"my-model\":{\"input_per_mtok\":1,\"output_per_mtok\":2,\"cached_input_per_mtok\":0.5}}",
    "Model prices in USD per million tokens, by exact model name; an entry overrides or adds to the shipped table. A model in neither gets `cost_usd: null`.",
)];

const SINKS: [ConfigKey; 14] = [
    section("sinks", Unset, "Where events go besides the local files."),
    section(
        "sinks.otlp",
        Unset,
        "Also export every event to an OpenTelemetry collector over OTLP/HTTP.",
    ),
    key(
        "sinks.otlp.endpoint",
        Url,
        Required,
        "\"http://127.0.0.1:4318\"",
        "The collector's OTLP/HTTP base URL; `/v1/logs` and `/v1/traces` are appended. `https://` needs a build with the `otlp-https` feature.",
    ),
    key(
        "sinks.otlp.headers",
        Headers,
        Value("{}"),
        "{\"x-api-key\":\"secret\"}",
        "Extra request headers (an API key for a hosted backend); their values are never printed.",
    ),
    key(
        "sinks.otlp.logs",
        Bool,
        Value("true"),
        "true",
        "Export one log record per event.",
    ),
    key(
        "sinks.otlp.traces",
        Bool,
        Value("true"),
        "true",
        "Export spans: one per run, one per tool call, one per model call. `logs` and `traces` may not both be false.",
    ),
    key(
        "sinks.otlp.service_name",
        Str,
        Value("\"tooltrail\""),
        "\"checkout-agent\"",
        "The `service.name` resource attribute.",
    ),
    key(
        "sinks.otlp.timeout_s",
        Number {
            min: 0.001,
            max: 300.0,
        },
        Value("10"),
        "2",
        "Per request: connect, send and answer, in seconds.",
    ),
    key(
        "sinks.otlp.max_retries",
        Whole { min: 0, max: 100 },
        Value("5"),
        "2",
        "Retries of a request after 429, 502, 503 or 504 (0: never retry).",
    ),
    key(
        "sinks.otlp.backoff_s",
        Number {
            min: 0.0,
            max: 60.0,
        },
        Value("0.5"),
        "1",
        "The first retry delay, in seconds, doubled per retry.",
    ),
    key(
        "sinks.otlp.max_backoff_s",
        Number {
            min: 0.0,
            max: 600.0,
        },
        Value("30"),
        "10",
        "The longest single wait, in seconds; also caps a server's `Retry-After`.",
    ),
    key(
        "sinks.otlp.queue_events",
        Count,
        Value("8192"),
        "100",
        "The export queue's bound, in events (overflow is dropped and counted).",
    ),
    key(
        "sinks.otlp.batch_events",
        Count,
        Value("512"),
        "64",
        "Most events per export request.",
    ),
    key(
        "sinks.otlp.flush_interval_s",
        Number { min: 0.0, max: 1.0 },
        Value("0.5"),
        "0.1",
        "The longest time an event waits for its batch to fill, in seconds.",
    ),
];

const fn concat<const N: usize>(parts: &[&[ConfigKey]]) -> [ConfigKey; N] {
    let mut out = [section("", Unset, ""); N];
    let mut n = 0;
    let mut p = 0;
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[n] = parts[p][i];
            n += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(n == N, "KEYS has the wrong length");
    out
}

/// Every configuration key, sections included, in the order the reader
/// reads them.
pub static KEYS: [ConfigKey; 81] = concat(&[
    &BEFORE_RULES,
    &AFTER_SHARED,
    &P95_RULE,
    &TIMEOUT_RULE,
    &VALIDATION_RULE,
    &ERROR_RATE_RULE,
    &SPEND_RULE,
    &BUDGETS,
    &PRICING,
    &SINKS,
]);

/// The entry of `key` (a dotted key), if the table has one.
pub fn config_key(key: &str) -> Option<&'static ConfigKey> {
    KEYS.iter().find(|k| k.key == key)
}
