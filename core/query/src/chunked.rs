//! The queries read on every core (`runs`, `stats`, `loops`, `gaps`,
//! `alerts`, `spend`, `tail`; one run's events for `show` and the like,
//! [`run_events`]): each one's part summary, and its merge in log order. The answers are the ones
//! the line-by-line reader gives (`execute` keeps it for the others).

use std::io;
use std::path::Path;

use super::events::{Absorb, Events};
use super::governance::of_agent;
use super::kept::Kept;
use super::last::{Last, keep_last};
use super::loops::{LoopsAcc, LoopsPart};
use super::parallel::{Logs, Plan};
use super::scan::Fields;
use super::show::Show;
use super::stats::StatsPart;
use super::{AlertAcc, Answer, Gaps, Query, RunsAcc, SpendAcc, StatsAcc};

struct Runs;

impl Absorb for Runs {
    type Part = RunsAcc;
    fn part(&self, _first: bool) -> RunsAcc {
        RunsAcc::default()
    }
    fn absorb(&self, part: &mut RunsAcc, e: &impl Fields) {
        part.absorb_fields(e);
    }
}

struct Stats<'q>(Option<&'q str>);

impl Absorb for Stats<'_> {
    type Part = StatsPart;
    fn part(&self, _first: bool) -> StatsPart {
        StatsPart::default()
    }
    fn absorb(&self, part: &mut StatsPart, e: &impl Fields) {
        if of_agent(e, self.0) {
            part.absorb(e);
        }
    }
}

struct Loops<'q>(Option<&'q str>, u64);

impl Absorb for Loops<'_> {
    type Part = LoopsPart;
    fn part(&self, first: bool) -> LoopsPart {
        LoopsPart::new(self.1, first)
    }
    fn absorb(&self, part: &mut LoopsPart, e: &impl Fields) {
        if of_agent(e, self.0) {
            part.absorb(e);
        }
    }
}

/// The events the in-order summaries read (`alerts`, `spend`), fed to them
/// at the merge.
struct InOrder;

impl Absorb for InOrder {
    type Part = Kept;
    fn part(&self, _first: bool) -> Kept {
        Kept::default()
    }
    fn absorb(&self, part: &mut Kept, e: &impl Fields) {
        part.keep(e);
    }
}

/// Answers `query` over the logs at `path` if it is one of the queries read
/// in chunks (`None` otherwise), with `plan` (`None`: this machine's).
pub(crate) fn answer(
    path: &Path,
    query: &Query,
    plan: Option<Plan>,
) -> Option<io::Result<(Answer, Gaps)>> {
    // The in-order summaries' parts hold events: smaller chunks.
    let kept = matches!(query, Query::Alerts(_) | Query::Spend(_));
    let open = || -> io::Result<(Logs, Plan)> {
        let logs = Logs::open(path)?;
        let plan = plan.unwrap_or_else(|| match kept {
            true => super::kept::plan(logs.bytes()),
            false => Plan::for_bytes(logs.bytes()),
        });
        Ok((logs, plan))
    };
    let mut gaps = Gaps::default();
    let answer = match query {
        Query::Runs(filter) => open().and_then(|(logs, plan)| {
            let mut acc = RunsAcc::default();
            logs.read(&plan, &Events(Runs), |p| {
                gaps.add(p.gaps);
                acc.merge(p.part);
            })?;
            Ok(Answer::Runs(acc.finish(filter)))
        }),
        Query::Stats(o) if o.by == super::StatsBy::Tool => open().and_then(|(logs, plan)| {
            let mut acc = StatsAcc::new(usize::try_from(o.top).unwrap_or(usize::MAX));
            logs.read(&plan, &Events(Stats(o.agent_id.as_deref())), |p| {
                gaps.add(p.gaps);
                acc.merge(p.part);
            })?;
            Ok(Answer::Stats(acc.finish()))
        }),
        Query::Loops(o) => open().and_then(|(logs, plan)| {
            let mut acc = LoopsAcc::new(o.min);
            logs.read(&plan, &Events(Loops(o.agent_id.as_deref(), o.min)), |p| {
                gaps.add(p.gaps);
                acc.merge(p.part);
            })?;
            Ok(Answer::Loops(acc.finish()))
        }),
        Query::Gaps => open().and_then(|(logs, plan)| {
            // `tail -n 0`: every line checked (drop reports parsed, as
            // `show` does), nothing kept or summarised.
            logs.read(&plan, &Last(0), |p| gaps.add(p.gaps))?;
            Ok(Answer::Gaps(Gaps::default()))
        }),
        Query::Alerts(o) => open().and_then(|(logs, plan)| {
            let mut acc = AlertAcc::new(&o.config);
            logs.read(&plan, &Events(InOrder), |p| {
                gaps.add(p.gaps);
                p.part.iter().for_each(|e| acc.absorb_fields(&e));
            })?;
            Ok(Answer::Alerts {
                history: acc.finish(),
                window_s: o.config.alert_window_s,
            })
        }),
        Query::Spend(o) => open().and_then(|(logs, plan)| {
            let mut acc = SpendAcc::new(o.by, o.since, o.until, o.agent_id.clone());
            logs.read(&plan, &Events(InOrder), |p| {
                gaps.add(p.gaps);
                p.part.iter().for_each(|e| acc.absorb_fields(&e));
            })?;
            Ok(Answer::Spend(
                acc.finish(usize::try_from(o.top).unwrap_or(usize::MAX)),
            ))
        }),
        Query::Tail(o) if o.run_id.is_none() => open().and_then(|(logs, plan)| {
            let n = usize::try_from(o.lines).unwrap_or(usize::MAX);
            let mut events = std::collections::VecDeque::new();
            logs.read(&plan, &Last(n), |p| {
                gaps.add(p.gaps);
                keep_last(&mut events, p.events, n);
            })?;
            Ok(Answer::Tail(events))
        }),
        Query::Stats(_)
        | Query::Show(_)
        | Query::Tail(_)
        | Query::AgentLogs(_)
        | Query::AgentMetrics(_) => {
            return None;
        }
    };
    Some(answer.map(|answer| (answer, gaps)))
}

/// `run_id`'s events in log order, every line read (in chunks, on every
/// core), and what the logs say is missing.
pub(crate) fn run_events(
    logs: &Logs,
    plan: &Plan,
    run_id: &str,
) -> io::Result<(Vec<tooltrail_json::Value>, Gaps)> {
    let (mut events, mut gaps) = (Vec::new(), Gaps::default());
    logs.read(plan, &Show::new(run_id), |p| {
        gaps.add(p.gaps);
        events.extend(p.events);
    })?;
    Ok((events, gaps))
}

#[cfg(test)]
#[path = "chunked_tests.rs"]
pub(crate) mod tests;
