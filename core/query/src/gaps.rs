//! [`Gaps`]: what the logs themselves say is missing from them.

use std::collections::BTreeMap;

use super::scan::Fields;
use tooltrail_core::schema::{event, field};
use tooltrail_core::writer::DropReason;
use tooltrail_json::Value;

/// What the logs themselves say is missing from them: lines that were not
/// whole events, and events the writers dropped (their `writer_dropped`
/// reports). An incident reader must know when the record is incomplete:
/// every CLI query says so on stderr, the bindings' `Logs` warn, and
/// `tooltrail gaps` / `Logs.gaps()` answer with this.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gaps {
    /// Lines skipped: not a JSON object (garbage, a torn last line), or too long.
    pub skipped_lines: u64,
    /// Of `skipped_lines`, those over [`super::MAX_LINE_BYTES`].
    pub too_long_lines: u64,
    /// Events dropped by writers, by reason (`queue_full`, `sink_error`,
    /// `closed`, or whatever another writer reported).
    pub dropped: BTreeMap<String, u64>,
    /// Not a gap: how the logs were read, when that is worth saying (a
    /// file whose run index could not be used was scanned whole). The CLI
    /// says these on stderr.
    pub reading_notes: Vec<String>,
}

impl Gaps {
    /// Counts a line skipped for being over [`super::MAX_LINE_BYTES`].
    pub(crate) fn skip_too_long(&mut self) {
        self.skipped_lines += 1;
        self.too_long_lines += 1;
    }

    /// Whether nothing is known to be missing.
    pub fn is_empty(&self) -> bool {
        self.skipped_lines == 0 && self.dropped_events() == 0
    }

    /// Events the writers reported dropped, all reasons.
    pub fn dropped_events(&self) -> u64 {
        self.dropped.values().sum()
    }

    /// One sentence for a terminal or a warning, e.g. `the record is
    /// incomplete: 2 malformed lines skipped (1 over 16 MiB); 120 events
    /// dropped by writers (queue_full 120)`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.skipped_lines > 0 {
            let n = self.skipped_lines;
            let mut s = format!("{n} malformed {} skipped", plural(n, "line"));
            if self.too_long_lines > 0 {
                let mib = super::MAX_LINE_BYTES >> 20;
                s += &format!(" ({} over {mib} MiB)", self.too_long_lines);
            }
            parts.push(s);
        }
        let total = self.dropped_events();
        if total > 0 {
            let by: Vec<String> = self
                .dropped
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(r, n)| format!("{r} {n}"))
                .collect();
            parts.push(format!(
                "{total} {} dropped by writers ({})",
                plural(total, "event"),
                by.join(", ")
            ));
        }
        format!("the record is incomplete: {}", parts.join("; "))
    }

    /// [`describe`](Self::describe) if anything is missing.
    pub fn note(&self) -> Option<String> {
        (!self.is_empty()).then(|| self.describe())
    }

    /// The JSON value of `tooltrail gaps --json` and `Logs.gaps()`: every
    /// known drop reason is present (0 when none), others as reported.
    pub fn to_value(&self) -> Value {
        // Known reasons first, in the writer's order, then any others.
        let known = DropReason::ALL.map(DropReason::as_str);
        let mut members: Vec<(String, Value)> = known
            .iter()
            .map(|r| ((*r).to_owned(), count(*self.dropped.get(*r).unwrap_or(&0))))
            .collect();
        members.extend(
            self.dropped
                .iter()
                .filter(|(r, _)| !known.contains(&r.as_str()))
                .map(|(r, n)| (r.clone(), count(*n))),
        );
        Value::object([
            ("complete", Value::Bool(self.is_empty())),
            ("skipped_lines", count(self.skipped_lines)),
            ("too_long_lines", count(self.too_long_lines)),
            ("dropped", Value::Object(members)),
            ("dropped_events", count(self.dropped_events())),
        ])
    }

    /// Takes one event into account (a `writer_dropped` report).
    pub(crate) fn note_event(&mut self, e: &impl Fields) {
        if e.str(field::EVENT) == Some(event::WRITER_DROPPED) {
            let reason = e.str(field::REASON).unwrap_or("unknown").to_owned();
            let count = e.num(field::COUNT).unwrap_or(0.0).max(0.0) as u64;
            *self.dropped.entry(reason).or_insert(0) += count;
        }
    }

    /// Adds what another part of the same logs is missing.
    pub(crate) fn add(&mut self, other: Gaps) {
        self.skipped_lines += other.skipped_lines;
        self.too_long_lines += other.too_long_lines;
        for (reason, n) in other.dropped {
            *self.dropped.entry(reason).or_insert(0) += n;
        }
    }
}

fn count(n: u64) -> Value {
    Value::Number(n as f64)
}

/// `word`, with an `s` unless there is one.
fn plural(n: u64, word: &str) -> String {
    match n {
        1 => word.to_owned(),
        _ => format!("{word}s"),
    }
}
