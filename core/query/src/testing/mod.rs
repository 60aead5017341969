//! Test helpers for agent authors (docs/testing.md): a recorder, a
//! deterministic clock and id source, and golden-run snapshots.
//!
//! A *recorder* is an [`EventWriter`] whose sink is memory (`sink:
//! "memory"`): a gateway logs to it exactly as to a file, through the same
//! writer, so it holds the very bytes the file would. [`recorded_value`] reads
//! it back for the bindings' `Recorder` classes, one command at a time, the
//! way `query::query_value` answers `Logs`.

mod recorded;
mod snapshot;

use std::path::Path;
use std::time::Duration;

pub use recorded::{Recorded, run_value};
pub use snapshot::{
    DURATION, LATENCY, SnapshotStatus, TS, UPDATE_ENV, check_snapshot, snapshot_text,
    update_requested,
};

use crate::{KeyCase, Opt, OptionSource, ValueOptions};
use tooltrail_core::Error;
use tooltrail_core::gateway::Deterministic;
use tooltrail_core::writer::{EventWriter, SinkSpec};
use tooltrail_json::Value;

/// Where a deterministic gateway's clock starts when no start is given.
pub const DETERMINISTIC_START: &str = "2026-01-01T00:00:00Z";

/// How long a recorder query waits for queued events to reach memory.
const FLUSH_WAIT: Duration = Duration::from_secs(5);

/// The commands of [`recorded_value`].
pub const RECORDER_COMMANDS: [&str; 10] = [
    "lines",
    "events",
    "runs",
    "run",
    "calls",
    "tool_sequence",
    "args_hashes",
    "errors",
    "snapshot",
    "check_snapshot",
];

/// The gateway's public `deterministic` option: `null` / `false` (off),
/// `true` (start at [`DETERMINISTIC_START`]) or an RFC 3339 start time.
/// Ids then count up (`…0001`, `…0002`) and the clock stands still unless
/// advanced, so two runs of one scenario log the same bytes.
pub fn deterministic(value: &Value) -> Result<Option<Deterministic>, Error> {
    let start = match value {
        Value::Null | Value::Bool(false) => return Ok(None),
        Value::Bool(true) => DETERMINISTIC_START,
        Value::String(s) => s,
        other => {
            return Err(Error::invalid_argument(
                "deterministic",
                format!(
                    "must be true, false or an RFC 3339 start time, not {}",
                    other.type_name()
                ),
            ));
        }
    };
    let start_us = crate::parse_timestamp(start).ok_or_else(|| {
        Error::invalid_argument(
            "deterministic",
            format!("{start:?} is not an RFC 3339 UTC time like {DETERMINISTIC_START:?}"),
        )
    })?;
    Ok(Some(Deterministic { start_us }))
}

/// What a recorder holds so far (after waiting for queued events).
/// `invalid_argument` if `writer` does not write to memory.
pub fn recorded(writer: &EventWriter) -> Result<Recorded, Error> {
    let SinkSpec::Memory(sink) = &writer.config().sink else {
        return Err(not_a_recorder());
    };
    writer.flush_local(FLUSH_WAIT);
    Ok(Recorded::from_lines(&sink.contents()))
}

/// Forgets what a recorder holds (after waiting for queued events).
pub fn clear(writer: &EventWriter) -> Result<(), Error> {
    let SinkSpec::Memory(sink) = &writer.config().sink else {
        return Err(not_a_recorder());
    };
    writer.flush_local(FLUSH_WAIT);
    sink.clear();
    Ok(())
}

fn not_a_recorder() -> Error {
    Error::invalid_argument(
        "writer",
        "is not a recorder (an EventWriter with sink \"memory\")",
    )
}

const RUN_ID: Opt = Opt {
    key: "run_id",
    flag: "--run-id",
};
const TOOL: Opt = Opt {
    key: "tool",
    flag: "--tool",
};
const EVENT: Opt = Opt {
    key: "event",
    flag: "--event",
};
const PATH: Opt = Opt {
    key: "path",
    flag: "--path",
};

/// What the bindings' `Recorder` methods call: `command` (one of
/// [`RECORDER_COMMANDS`]) over what `writer` recorded, with a host's options
/// object (`run_id`, `tool`, `event`, `path`, spelled as `case` says;
/// unknown ones are an error naming them). A command scoped to a run with no
/// `run_id` covers every event (`run` alone: the last run; a run the
/// recorder does not hold is a `query_error`).
pub fn recorded_value(
    writer: &EventWriter,
    command: &str,
    options: &Value,
    case: KeyCase,
) -> Result<Value, Error> {
    let mut opts = ValueOptions::new(options, case)?;
    let run_id = opts.text(RUN_ID)?;
    let run_id = run_id.as_deref();
    let strings = |v: Vec<String>| Value::Array(v.into_iter().map(Value::String).collect());
    let rec = recorded(writer)?;
    let value = match command {
        "lines" => {
            opts.finish(command)?;
            strings(rec.lines(run_id).map(str::to_owned).collect())
        }
        "events" => {
            let name = opts.text(EVENT)?;
            opts.finish(command)?;
            let events = rec.scope(run_id).filter(|e| {
                name.as_deref()
                    .is_none_or(|n| crate::str_field(e, "event") == Some(n))
            });
            Value::Array(events.cloned().collect())
        }
        "runs" => {
            opts.finish(command)?;
            Value::Array(rec.runs().iter().map(run_value).collect())
        }
        "run" => {
            opts.finish(command)?;
            let id = run_id.or(rec.last_run_id());
            let summary = id.and_then(|id| rec.run(id));
            run_value(&summary.ok_or_else(|| Error::Query {
                message: match run_id {
                    Some(id) => format!("the recorder holds no event of run {id:?}"),
                    None => "the recorder holds no run".to_owned(),
                },
            })?)
        }
        "calls" => {
            let tool = opts.text(TOOL)?;
            opts.finish(command)?;
            Value::Array(rec.calls(run_id, tool.as_deref()))
        }
        "tool_sequence" => {
            opts.finish(command)?;
            strings(rec.tool_sequence(run_id))
        }
        "args_hashes" => {
            opts.finish(command)?;
            Value::Array(rec.args_hashes(run_id))
        }
        "errors" => {
            opts.finish(command)?;
            Value::Array(rec.errors(run_id))
        }
        "snapshot" => {
            opts.finish(command)?;
            Value::String(snapshot_text(rec.scope(run_id)))
        }
        "check_snapshot" => {
            let path = opts
                .text(PATH)?
                .ok_or_else(|| opts.missing(command, PATH))?;
            opts.finish(command)?;
            let text = snapshot_text(rec.scope(run_id));
            let status = check_snapshot(Path::new(&path), &text, update_requested())?;
            Value::from(status.as_str())
        }
        other => {
            return Err(Error::invalid_argument(
                "command",
                format!(
                    "unknown recorder command {other:?} (one of {})",
                    RECORDER_COMMANDS.join(", ")
                ),
            ));
        }
    };
    Ok(value)
}

#[cfg(test)]
mod tests;
