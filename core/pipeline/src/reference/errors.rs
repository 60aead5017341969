//! `docs/reference/error-classes.md` (the `error_class` values and tooltrail's
//! own error codes) and `docs/reference/stop-reasons.md`, from the core's
//! lists. Each list entry must have its meaning here (an exhaustive match,
//! or a generator that fails on a class it does not know).

use std::fmt::Write;

use super::{cell, code_list, header};
use crate::error_class::{CAUSE_PATHS, CODE_PATHS, ERROR_CLASSES, STATUS_PATHS};
use crate::error_code::ErrorCode;
use crate::schema::StopReason;
use tooltrail_json::ErrorKind;

/// What a fixed error class means, and which event carries it.
fn class_meaning(class: &str) -> (&'static str, &'static str) {
    const REFUSED: &str = "`tool_call` (refused)";
    const FAILED: &str = "`tool_result`";
    match class {
        "unknown_tool" => (
            "No tool of that name is registered with the gateway.",
            REFUSED,
        ),
        "timeout" => (
            "The call ran past its timeout, or the tool failed with a timeout error (the \
             language's own, or an HTTP client's).",
            FAILED,
        ),
        "validation_failed" => ("The tool's validator rejected its result.", FAILED),
        "budget_exceeded" => (
            "A budget of the run (`budgets.*`) was used up; the run ends with the matching \
             [stop reason](stop-reasons.md).",
            REFUSED,
        ),
        "loop_detected" => (
            "The loop guard refused another identical call (same tool, same `args_hash`); the \
             run ends with `loop_detected`.",
            REFUSED,
        ),
        "invalid_arguments" => (
            "The model's arguments could not be used: an MCP server answered Invalid params \
             (they failed the tool's schema).",
            FAILED,
        ),
        "rate_limited" => ("The tool's error carries HTTP status 429.", FAILED),
        "http_4xx" => (
            "The tool's error carries another HTTP status from 400 to 499.",
            FAILED,
        ),
        "http_5xx" => (
            "The tool's error carries an HTTP status from 500 to 599.",
            FAILED,
        ),
        "network" => (
            "The connection failed: refused, reset, DNS, unreachable host (by the error's class, \
             its system error code, or the error it wraps).",
            FAILED,
        ),
        "cancelled" => (
            "The call was cancelled: asyncio cancellation, an `AbortError` or `ABORT_ERR`.",
            FAILED,
        ),
        other => panic!("error class {other:?} has no meaning in reference/errors.rs"),
    }
}

/// What an error code means.
fn code_meaning(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Canon(kind) => match kind {
            ErrorKind::NonFinite => "A number is NaN, infinite, or overflows a double (`1e400`).",
            ErrorKind::IntegerOutOfRange => "An integer is outside ±(2^53−1).",
            ErrorKind::LoneSurrogate => "A string or key holds an unpaired UTF-16 surrogate.",
            ErrorKind::DuplicateKey => "JSON text has an object with the same key twice.",
            ErrorKind::NonStringKey => "An object key is not a string (a Python `int` key, …).",
            ErrorKind::UnsupportedType => {
                "A value's type has no JSON meaning (bytes, a set, a date, a `Map`, a class \
                 instance, …)."
            }
            ErrorKind::DepthExceeded => "Nesting is too deep, or a value contains itself.",
            ErrorKind::InvalidJson => "JSON text is not valid JSON.",
        },
        ErrorCode::ConfigError => "A configuration key is unknown or has a bad value (`.key`).",
        ErrorCode::WriterError => "The event writer's sink cannot be opened.",
        ErrorCode::UnknownTool => "No tool of that name is registered (`.tool`).",
        ErrorCode::MissingId => "A required id is missing from the call's context (`.key`).",
        ErrorCode::ValidationFailed => "A tool's validator rejected its result (`.tool`).",
        ErrorCode::BudgetExceeded => {
            "A run budget is used up (`.budget`, and the run's stop reason `stop_reason` / \
             `stopReason`)."
        }
        ErrorCode::LoopDetected => "The loop guard refused an identical repeated call (`.tool`).",
        ErrorCode::InvalidArgument => "An argument has the wrong shape or value (`.key`).",
        ErrorCode::QueryError => "A log query failed (the logs cannot be read, a bad option).",
        ErrorCode::UnknownRun => {
            "A query asked for a run with no events in the logs (`run_id` / `runId`)."
        }
        ErrorCode::SnapshotMismatch => {
            "Recorded events differ from a golden-run snapshot (`.path`)."
        }
        ErrorCode::Internal => "A bug in tooltrail, never a mistake of yours; please report it.",
    }
}

fn paths(list: &[&[&str]]) -> String {
    let joined: Vec<String> = list.iter().map(|p| p.join(".")).collect();
    let refs: Vec<&str> = joined.iter().map(String::as_str).collect();
    code_list(&refs)
}

/// `docs/reference/error-classes.md`.
pub fn error_classes_reference() -> String {
    let mut out = header(
        "Error classes",
        "the core's error lists (core/pipeline/src)",
    );
    out.push_str(
        "\n`error_class` says why a tool call did not succeed: on a `tool_call` the gateway \
         refused, and on a `tool_result` with `ok: false`. It is decided once, in the core, so \
         Python and Node log the same class for the same failure. It is one of the fixed \
         classes below, or, for any other failure, the error's class name (`ValueError`, \
         `QuotaError`, …). The list is `ERROR_CLASSES` in both languages.\n\n\
         | class | meaning | on |\n| --- | --- | --- |\n",
    );
    for class in ERROR_CLASSES {
        let (meaning, on) = class_meaning(class);
        let _ = writeln!(out, "| `{class}` | {} | {on} |", cell(meaning));
    }
    let _ = write!(
        out,
        "\n## How a failure is classified\n\n\
         The first rule that applies wins:\n\n\
         1. `cancelled`: the error is a cancellation (`CancelledError`, `AbortError`, the code \
         `ABORT_ERR`).\n\
         2. `timeout`: the tool ran past its timeout, or the error (or the error it wraps) is a \
         timeout error, or its code is one (`ETIMEDOUT`, …).\n\
         3. By HTTP status, when the error carries one from 400 to 599 (the first integer at {}): \
         429 is `rate_limited`, other 4xx `http_4xx`, 5xx `http_5xx`.\n\
         4. `network`: the error (or the error it wraps) is a connection error, or its code is \
         one (`ECONNREFUSED`, `ENOTFOUND`, …).\n\
         5. Otherwise the error's class name: its JavaScript `name` unless merely inherited, \
         else its class; `Error` when nothing is known.\n\n\
         The code is read at {}; the wrapped error at {}.\n",
        paths(&STATUS_PATHS),
        paths(&CODE_PATHS),
        paths(&CAUSE_PATHS),
    );
    out.push_str(
        "\n## Error codes\n\n\
         The errors tooltrail itself raises carry a stable `code`: Python `.code` (and the same \
         string as `.error_class`), Node `err.code` (and `err.errorClass`). The list is \
         `ERROR_CODES` in both languages. When such an error fails a tool call, the code is \
         also the call's `error_class`. The first rows are the [kinds](events.md#errorkind) of \
         reasons a value has no canonical JSON form (hashing, `canonical_json`); those errors \
         also carry the kind (`.kind`) and the JSON path of the offending value (`.path`, \
         e.g. `$.ids[2]`).\n\n\
         | code | meaning |\n| --- | --- |\n",
    );
    for code in ErrorCode::ALL {
        let _ = writeln!(out, "| `{code}` | {} |", cell(code_meaning(code)));
    }
    out
}

/// What a stop reason means.
fn stop_meaning(r: StopReason) -> &'static str {
    match r {
        StopReason::Completed => "The run's block or function finished normally.",
        StopReason::Error => "The run's block or function raised or threw.",
        StopReason::MaxToolCalls => "`budgets.max_tool_calls` was used up.",
        StopReason::MaxSteps => "`budgets.max_steps` was used up.",
        StopReason::MaxDuration => "`budgets.max_duration_s` was used up.",
        StopReason::MaxSpend => "`budgets.max_spend_usd` was used up.",
        StopReason::LoopDetected => {
            "The loop guard refused an identical repeated call (`budgets.loop_guard`)."
        }
        StopReason::Cancelled => "The run was cancelled (asyncio cancellation, an `AbortError`).",
        StopReason::Timeout => "The run timed out (set by the host with `stop`).",
    }
}

/// `docs/reference/stop-reasons.md`.
pub fn stop_reasons_reference() -> String {
    let mut out = header(
        "Stop reasons",
        "the core's stop reasons (core/pipeline/src/schema)",
    );
    out.push_str(
        "\n`stop_reason` on `run_end` says why a run stopped. When a budget or the loop guard \
         refuses a call (that call's `error_class` is `budget_exceeded` or `loop_detected`), \
         the run will end with the matching reason; the host may also set one with `stop`. The \
         first reason set wins. The list is `STOP_REASONS` in both languages.\n\n\
         | stop reason | meaning |\n| --- | --- |\n",
    );
    for r in StopReason::ALL {
        let _ = writeln!(out, "| `{r}` | {} |", cell(stop_meaning(r)));
    }
    out
}
