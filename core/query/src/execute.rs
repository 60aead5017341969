//! Runs a [`Query`] against a log location: the one entry point of the CLI
//! and of both bindings' `Logs`.

use std::collections::VecDeque;
use std::path::Path;

use super::governance::of_agent;
use super::options::KeyCase;
use super::parallel::Plan;
use super::{Answer, EventReader, Gaps, GroupStatsAcc, Query, SpendAcc, StatsBy, str_field};
use tooltrail_core::Error;
use tooltrail_core::schema::field;
use tooltrail_json::Value;

/// Runs `query` over the logs at `path` (a directory of rotated files, or
/// one file). Logs that cannot be opened or read to the end are an
/// [`Error::Query`], never an empty answer; an unknown run is
/// [`Error::UnknownRun`].
pub fn execute(path: &Path, query: &Query) -> Result<Answer, Error> {
    execute_with_gaps(path, query).map(|(answer, _)| answer)
}

/// [`execute`], plus what the logs say is missing ([`Gaps`]). A `show` of a
/// run with no events in the logs is [`Error::UnknownRun`] (its message says
/// when the record is incomplete: the run's events may be what was lost).
pub fn execute_with_gaps(path: &Path, query: &Query) -> Result<(Answer, Gaps), Error> {
    execute_planned(path, query, None)
}

/// [`execute_with_gaps`], reading the queries [`chunked`](super::chunked)
/// answers in chunks by `plan` (`None`: as suits this machine).
pub(crate) fn execute_planned(
    path: &Path,
    query: &Query,
    plan: Option<Plan>,
) -> Result<(Answer, Gaps), Error> {
    if let Some(run_id) = one_run(query) {
        let (events, gaps) = run_events(path, run_id, plan).map_err(|e| unreadable(path, &e))?;
        let answer = match query {
            Query::Runs(filter) => Answer::Runs(super::run_list(events.into_iter(), filter)),
            Query::Tail(o) => Answer::Tail(last(events.into_iter(), saturating_usize(o.lines))),
            _ => Answer::Show {
                run_id: run_id.to_owned(),
                events,
            },
        };
        return finish(path, answer, gaps);
    }
    let (answer, gaps) = match super::chunked::answer(path, query, plan) {
        Some(read) => read.map_err(|e| unreadable(path, &e))?,
        None => by_lines(path, query)?,
    };
    finish(path, answer, gaps)
}

/// The run a query is about, when it is about one: `show`, and `runs` or
/// `tail` with a run given. Those read only that run's events.
fn one_run(query: &Query) -> Option<&str> {
    match query {
        Query::Show(o) => Some(&o.run_id),
        Query::Runs(filter) => filter.run_id.as_deref(),
        Query::Tail(o) => o.run_id.as_deref(),
        Query::Stats(_)
        | Query::Spend(_)
        | Query::Loops(_)
        | Query::Alerts(_)
        | Query::Gaps
        | Query::AgentLogs(_)
        | Query::AgentMetrics(_) => None,
    }
}

/// An answer and its gaps as every query returns them: a `show` that found
/// nothing is [`Error::UnknownRun`], and `gaps` answers with the gaps.
pub(crate) fn finish(path: &Path, answer: Answer, gaps: Gaps) -> Result<(Answer, Gaps), Error> {
    match answer {
        Answer::Show { run_id, events } if events.is_empty() => Err(Error::UnknownRun {
            run_id,
            path: path.display().to_string(),
            incomplete: gaps.note(),
        }),
        Answer::Gaps(_) => Ok((Answer::Gaps(gaps.clone()), gaps)),
        answer => Ok((answer, gaps)),
    }
}

/// One run's events in log order, and what the read parts of the logs say
/// is missing: through the writers' run indexes when the logs have any
/// (a file whose index cannot be used is scanned whole, and
/// [`Gaps::reading_notes`] says so), else by reading every line in chunks.
/// `show`, `runs --run`, `tail --run` and the report's page for one run read
/// the logs this way; the index only decides what is read, never the answer.
pub(crate) fn run_events(
    path: &Path,
    run_id: &str,
    plan: Option<Plan>,
) -> std::io::Result<(Vec<Value>, Gaps)> {
    let logs = super::parallel::Logs::open(path)?;
    let plan = plan.unwrap_or_else(|| Plan::for_bytes(logs.bytes()));
    if let Some(found) = super::run_index::read_run(&logs, run_id, &plan)? {
        let mut gaps = found.gaps;
        gaps.reading_notes = found.notes;
        return Ok((found.events, gaps));
    }
    super::chunked::run_events(&logs, &plan, run_id)
}

/// Any query over the logs read line by line, in order, on this thread:
/// how every query was answered before they were read in chunks, kept as
/// the reference the chunked ones are tested against (the questions about
/// one run, the only ones the chunks do not take here, read through
/// [`run_events`] first).
pub(crate) fn by_lines(path: &Path, query: &Query) -> Result<(Answer, Gaps), Error> {
    let mut reader = EventReader::open(path).map_err(|e| unreadable(path, &e))?;
    let mut gaps = Gaps::default();
    let events = reader.by_ref().inspect(|e| gaps.note_event(e));
    let answer = match query {
        Query::Runs(filter) => Answer::Runs(super::run_list(events, filter)),
        Query::Show(o) => Answer::Show {
            run_id: o.run_id.clone(),
            events: super::timeline(events, &o.run_id),
        },
        Query::Stats(o) if o.by == StatsBy::Tool => Answer::Stats(super::stats(
            events.filter(|e| of_agent(e, o.agent_id.as_deref())),
            saturating_usize(o.top),
        )),
        Query::Stats(o) => {
            let mut acc = GroupStatsAcc::new(o.by);
            events
                .filter(|e| of_agent(e, o.agent_id.as_deref()))
                .for_each(|e| acc.absorb(&e));
            Answer::GroupStats {
                by: o.by,
                groups: acc.finish(),
            }
        }
        Query::Spend(o) => {
            let mut acc = SpendAcc::new(o.by, o.since, o.until, o.agent_id.clone());
            events.for_each(|e| acc.absorb(&e));
            Answer::Spend(acc.finish(saturating_usize(o.top)))
        }
        Query::Loops(o) => Answer::Loops(super::loops(
            events.filter(|e| of_agent(e, o.agent_id.as_deref())),
            o.min,
        )),
        Query::Alerts(o) => Answer::Alerts {
            history: super::alert_history(events, &o.config),
            window_s: o.config.alert_window_s,
        },
        Query::Tail(o) => Answer::Tail(last(
            events.filter(|e| {
                o.run_id
                    .as_deref()
                    .is_none_or(|r| str_field(e, field::RUN_ID) == Some(r))
            }),
            saturating_usize(o.lines),
        )),
        Query::Gaps => {
            events.for_each(drop);
            Answer::Gaps(Gaps::default())
        }
        Query::AgentLogs(o) => Answer::AgentLogs(super::agent_logs(
            events,
            o.agent_id.as_deref(),
            saturating_usize(o.limit),
        )),
        Query::AgentMetrics(o) => Answer::AgentMetrics(super::agent_metrics(
            events,
            o.agent_id.as_deref(),
            &o.period,
            tooltrail_core::gateway::Clock::System.now_us(),
        )),
    };
    gaps.skipped_lines = reader.skipped;
    gaps.too_long_lines = reader.too_long;
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
    query_answer(path, command, options, case).map(|(value, _)| value)
}

/// [`query_value`], and the sentence saying what the record is missing
/// ([`Gaps::note`]) when it is incomplete: the bindings warn with it, as
/// the CLI notes it on stderr. `gaps` itself is answered without one.
pub fn query_answer(
    path: &Path,
    command: &str,
    options: &Value,
    case: KeyCase,
) -> Result<(Value, Option<String>), Error> {
    let query = Query::from_value(command, options, case)?;
    let (answer, gaps) = execute_with_gaps(path, &query)?;
    let note = match query {
        Query::Gaps => None,
        _ => gaps.note(),
    };
    Ok((answer.to_value(), note))
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
    super::last::keep_last(&mut kept, events, n);
    kept
}
