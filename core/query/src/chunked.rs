//! The queries read on every core (`runs`, `stats` and `stats --by`,
//! `loops`, `gaps`, `alerts`, `spend`, `tail`, `agent_metrics`,
//! `agent_logs`; one run's events for `show` and the like,
//! [`run_events`]): each one's part summary, and its merge in log order. The answers are the ones
//! the line-by-line reader gives (`execute` keeps it for the others).

use std::io;
use std::path::Path;

use super::agent_log::{AgentLog, AgentLogPart};
use super::events::{Absorb, Events};
use super::governance::{Metrics, of_agent};
use super::kept::{AGENT_EVENTS, ALERT_EVENTS, Kept, MODEL_EVENTS, SPEND_EVENTS};
use super::last::{Last, keep_last};
use super::loops::{LoopsAcc, LoopsPart};
use super::parallel::{Logs, Plan};
use super::scan::Fields;
use super::show::Show;
use super::stats::StatsPart;
use super::{AlertAcc, Answer, Gaps, GroupStatsAcc, Query, RunsAcc, SpendAcc, StatsAcc, StatsBy};
use tooltrail_core::schema::field;

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

/// The events of these kinds an in-order summary reads (`alerts`, `spend`,
/// `stats --by`), fed to it at the merge: only the kinds it reads, so that
/// what waits for the merge is no bigger than it must be.
struct InOrder(&'static [&'static str]);

impl Absorb for InOrder {
    type Part = Kept;
    fn part(&self, _first: bool) -> Kept {
        Kept::default()
    }
    fn absorb(&self, part: &mut Kept, e: &impl Fields) {
        if e.str(field::EVENT).is_some_and(|n| self.0.contains(&n)) {
            part.keep(e);
        }
    }
}

/// `agent_metrics`' totals: of one agent's events, over a period.
struct AgentTotals<'q> {
    agent: Option<&'q str>,
    period: &'q str,
    now_us: i64,
}

impl Absorb for AgentTotals<'_> {
    type Part = Metrics;
    fn part(&self, _first: bool) -> Metrics {
        Metrics::new(self.period, self.now_us)
    }
    fn absorb(&self, part: &mut Metrics, e: &impl Fields) {
        if of_agent(e, self.agent) {
            part.absorb(e);
        }
    }
}

/// `agent_metrics` over `logs` as of `now_us`, and the gaps of the logs.
pub(crate) fn agent_metrics(
    logs: &Logs,
    plan: &Plan,
    agent: Option<&str>,
    period: &str,
    now_us: i64,
) -> io::Result<(tooltrail_json::Value, Gaps)> {
    let work = AgentTotals {
        agent,
        period,
        now_us,
    };
    let (mut totals, mut gaps) = (Metrics::new(period, now_us), Gaps::default());
    logs.read(plan, &Events(work), |p| {
        gaps.add(p.gaps);
        totals.merge(p.part);
    })?;
    Ok((totals.into_value(agent, period), gaps))
}

/// Answers `query` over the logs at `path` if it is one of the queries read
/// in chunks (`None` otherwise), with `plan` (`None`: this machine's).
pub(crate) fn answer(
    path: &Path,
    query: &Query,
    plan: Option<Plan>,
) -> Option<io::Result<(Answer, Gaps)>> {
    // The in-order summaries' parts hold events: smaller chunks.
    let kept = matches!(
        query,
        Query::Alerts(_) | Query::Spend(_) | Query::AgentLogs(_)
    ) || matches!(query, Query::Stats(o) if o.by != StatsBy::Tool);
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
        Query::Stats(o) if o.by == StatsBy::Tool => open().and_then(|(logs, plan)| {
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
            logs.read(&plan, &Events(InOrder(ALERT_EVENTS)), |p| {
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
            logs.read(&plan, &Events(InOrder(SPEND_EVENTS)), |p| {
                gaps.add(p.gaps);
                p.part.iter().for_each(|e| acc.absorb_fields(&e));
            })?;
            Ok(Answer::Spend(
                acc.finish(usize::try_from(o.top).unwrap_or(usize::MAX)),
            ))
        }),
        Query::Stats(o) => open().and_then(|(logs, plan)| {
            // Spend is summed as the events come: fed in log order.
            let mut acc = GroupStatsAcc::new(o.by);
            let agent = o.agent_id.as_deref();
            let kinds = match o.by {
                StatsBy::Model => MODEL_EVENTS,
                StatsBy::Agent | StatsBy::Tool => AGENT_EVENTS,
            };
            logs.read(&plan, &Events(InOrder(kinds)), |p| {
                gaps.add(p.gaps);
                let of = p.part.iter().filter(|e| of_agent(e, agent));
                of.for_each(|e| acc.absorb_fields(&e));
            })?;
            Ok(Answer::GroupStats {
                by: o.by,
                groups: acc.finish(),
            })
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
        Query::AgentMetrics(o) => open().and_then(|(logs, plan)| {
            let now = tooltrail_core::gateway::Clock::System.now_us();
            let agent = o.agent_id.as_deref();
            let (totals, read) = agent_metrics(&logs, &plan, agent, &o.period, now)?;
            gaps = read;
            Ok(Answer::AgentMetrics(totals))
        }),
        Query::AgentLogs(o) => open().and_then(|(logs, plan)| {
            let limit = usize::try_from(o.limit).unwrap_or(usize::MAX);
            if limit == 0 {
                // Nothing asked: nothing read (as the line reader did).
                return Ok(Answer::AgentLogs(Vec::new()));
            }
            let work = AgentLog {
                agent: o.agent_id.as_deref(),
                limit,
            };
            let mut acc = AgentLogPart::default();
            logs.read(&plan, &Events(work), |p| {
                gaps.add(p.gaps);
                acc.merge(p.part, limit);
            })?;
            Ok(Answer::AgentLogs(acc.finish()))
        }),
        Query::Show(_) | Query::Tail(_) => {
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
