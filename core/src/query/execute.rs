//! Runs a [`Query`] against a log location: the one entry point of the CLI
//! and of both bindings' `Logs`.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use super::options::KeyCase;
use super::{Answer, EventReader, Query, num_field, str_field};
use crate::error::Error;
use crate::schema::{event, field};
use crate::value::Value;

/// Runs `query` over the logs at `path` (a directory of rotated files, or
/// one file). Logs that cannot be opened or read to the end are an
/// [`Error::Query`], never an empty answer.
pub fn execute(path: &Path, query: &Query) -> Result<Answer, Error> {
    execute_with_gaps(path, query).map(|(answer, _)| answer)
}

/// What the logs themselves say is missing from them: lines that were not
/// whole events, and events the writers dropped (their `writer_dropped`
/// reports). An incident reader must know when the record is incomplete.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gaps {
    /// Lines skipped as malformed or too long.
    pub skipped_lines: u64,
    /// Events dropped by writers, by reason (`queue_full`, `sink_error`, `closed`).
    pub dropped: BTreeMap<String, u64>,
}

impl Gaps {
    /// Whether nothing is known to be missing.
    pub fn is_empty(&self) -> bool {
        self.skipped_lines == 0 && self.dropped.values().all(|n| *n == 0)
    }

    /// One sentence for a terminal, e.g. `the record is incomplete: 2
    /// malformed lines skipped; 120 events dropped by writers (queue_full 120)`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.skipped_lines > 0 {
            parts.push(format!("{} malformed lines skipped", self.skipped_lines));
        }
        let total: u64 = self.dropped.values().sum();
        if total > 0 {
            let by: Vec<String> = self
                .dropped
                .iter()
                .map(|(r, n)| format!("{r} {n}"))
                .collect();
            parts.push(format!(
                "{total} events dropped by writers ({})",
                by.join(", ")
            ));
        }
        format!("the record is incomplete: {}", parts.join("; "))
    }

    fn note(&mut self, e: &Value) {
        if str_field(e, field::EVENT) == Some(event::WRITER_DROPPED) {
            let reason = str_field(e, field::REASON).unwrap_or("unknown").to_owned();
            let count = num_field(e, field::COUNT).unwrap_or(0.0).max(0.0) as u64;
            *self.dropped.entry(reason).or_insert(0) += count;
        }
    }
}

/// [`execute`], plus what the logs say is missing ([`Gaps`]).
pub fn execute_with_gaps(path: &Path, query: &Query) -> Result<(Answer, Gaps), Error> {
    let mut reader = EventReader::open(path).map_err(|e| unreadable(path, &e))?;
    let mut gaps = Gaps::default();
    let events = reader.by_ref().inspect(|e| gaps.note(e));
    let answer = match query {
        Query::Runs(filter) => Answer::Runs(super::runs(events, filter)),
        Query::Show(o) => Answer::Show {
            run_id: o.run_id.clone(),
            events: super::timeline(events, &o.run_id),
        },
        Query::Stats(o) => Answer::Stats(super::stats(events, saturating_usize(o.top))),
        Query::Loops(o) => Answer::Loops(super::loops(events, o.min)),
        Query::Alerts(o) => Answer::Alerts {
            history: super::alert_history(events, &o.config),
            window_s: o.config.alert_window_s,
        },
        Query::Tail(o) => Answer::Tail(last(events, saturating_usize(o.lines))),
    };
    gaps.skipped_lines = reader.skipped;
    reader.finish().map_err(|e| unreadable(path, &e))?;
    Ok((answer, gaps))
}

/// What the bindings' `Logs` methods call: the query `command` with a host's
/// options object (converted; keys spelled as `case` says) over the logs at
/// `path`, as the JSON value `tooltrail COMMAND --json` prints.
pub fn query_value(
    path: &Path,
    command: &str,
    options: &Value,
    case: KeyCase,
) -> Result<Value, Error> {
    let query = Query::from_value(command, options, case)?;
    Ok(execute(path, &query)?.to_value())
}

/// The error for logs that cannot be read (the CLI prints this message).
pub fn unreadable(path: &Path, e: &std::io::Error) -> Error {
    Error::Query {
        message: format!("cannot read logs at {}: {e}", path.display()),
    }
}

fn saturating_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The last `n` events, in bounded memory.
fn last(events: impl Iterator<Item = Value>, n: usize) -> VecDeque<Value> {
    // Not `with_capacity(n)`: `n` comes from the caller and may be huge.
    let mut kept = VecDeque::new();
    if n == 0 {
        return kept;
    }
    for e in events {
        if kept.len() == n {
            kept.pop_front();
        }
        kept.push_back(e);
    }
    kept
}
