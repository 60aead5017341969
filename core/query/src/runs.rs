//! `runs`: one summary per run, in compact form (issue 13 item 15: 500k runs
//! took 902 MiB). Each run keeps its id once (shared by the index), its start
//! as an instant (the logged text only when it is not the writer's own
//! format), and the values that repeat across runs (users, tools, error
//! classes, stop reasons) as numbers into one table of names. A
//! [`RunSummary`] with owned strings is made only for a run being printed or
//! returned. docs/query.md ("Memory") has the measured bytes per run.

// foldhash (seeded per process): a lookup per event, and the order of
// the map never reaches an answer (runs are sorted by start and id).
use foldhash::HashMap;
use std::sync::Arc;

use super::names::{NONE, Names, Sym};
use super::parse_timestamp;
use super::scan::Fields;
use tooltrail_core::schema::{DECISION_BLOCK, event, field};
use tooltrail_json::Value;

/// Which runs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Only this run (read through the writers' run index when the logs
    /// have one).
    pub run_id: Option<String>,
    /// Only runs of this agent (`agent_id` on their events).
    pub agent_id: Option<String>,
    /// Only runs of this user.
    pub user: Option<String>,
    /// Only runs of this request.
    pub request: Option<String>,
    /// Only runs that started at or after this instant (µs since the epoch;
    /// given as RFC 3339 with any offset, or a duration ago: `15m`, `2h`, `7d`).
    pub since: Option<i64>,
    /// Only runs that started before this instant.
    pub until: Option<i64>,
    /// Only runs that stopped for this reason.
    pub stop_reason: Option<String>,
    /// Only runs that called this tool.
    pub tool: Option<String>,
    /// Only runs with a failure of this class.
    pub error_class: Option<String>,
    /// The order of the list (`runs` only; the report keeps start order).
    pub sort: RunSort,
}

/// The order `runs` lists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunSort {
    /// By start time (ties by run id).
    #[default]
    Start,
    /// Costliest first (`spend_usd` of its `run_end`; runs with no end
    /// last), ties by start time.
    Spend,
}

impl RunSort {
    /// Every order, by its name (`--sort`).
    pub const ALL: [(&'static str, RunSort); 2] =
        [("start", RunSort::Start), ("spend", RunSort::Spend)];
}

/// One run as the logs tell it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// The run.
    pub run_id: String,
    /// The earliest event's time, as logged.
    pub start: String,
    /// `start` as µs since the epoch (`None` if it is not a readable time),
    /// parsed once: ordering and the time filters compare it.
    pub start_us: Option<i64>,
    /// The agent, if logged.
    pub agent_id: Option<String>,
    /// The user, if logged.
    pub user_id: Option<String>,
    /// The request, if logged.
    pub request_id: Option<String>,
    /// Tool calls made (allowed).
    pub tool_calls: u64,
    /// Calls that ran and failed.
    pub errors: u64,
    /// Calls refused before they ran (unknown tool, budget, loop guard).
    pub refused: u64,
    /// From `run_end`; `None` if the run has no end in these logs.
    pub stop_reason: Option<String>,
    /// From `run_end`.
    pub duration_ms: Option<f64>,
    /// From `run_end`: spend reported during the run (USD).
    pub spend_usd: Option<f64>,
    /// Tools called.
    pub tools: Vec<String>,
    /// Failure classes seen.
    pub error_classes: Vec<String>,
}

/// A run while the logs are read: 128 bytes plus its id, its request id
/// and its tools.
#[derive(Debug, Clone)]
struct Run {
    id: Arc<str>,
    /// µs since the epoch; [`NO_START`] for none (an `Option` takes 8 more).
    start: i64,
    /// The start as logged, kept only when it is not what the writer's
    /// format makes of `start_us` (another producer's timestamps).
    start_text: Option<Box<str>>,
    request: Option<Box<str>>,
    user: Sym,
    agent: Sym,
    stop: Sym,
    tool_calls: u32,
    errors: u32,
    refused: u32,
    /// NaN for none (cheaper than `Option<f64>`; a logged NaN cannot be
    /// parsed from JSON).
    duration_ms: f64,
    spend_usd: f64,
    /// Boxed slices, not `Vec`s: 8 bytes less each, and a run's set of
    /// tools rarely grows.
    tools: Box<[Sym]>,
    classes: Box<[Sym]>,
}

/// `Run::start` of a run with no readable time (none is that early).
const NO_START: i64 = i64::MIN;

/// Adds `s` to a small set kept as a boxed slice.
fn insert(set: &mut Box<[Sym]>, s: Sym) {
    if !set.contains(&s) {
        let mut v = std::mem::take(set).into_vec();
        v.push(s);
        *set = v.into_boxed_slice();
    }
}

impl Run {
    fn new(id: Arc<str>) -> Self {
        Self {
            id,
            start: NO_START,
            start_text: None,
            request: None,
            user: NONE,
            agent: NONE,
            stop: NONE,
            tool_calls: 0,
            errors: 0,
            refused: 0,
            duration_ms: f64::NAN,
            spend_usd: f64::NAN,
            tools: Box::default(),
            classes: Box::default(),
        }
    }

    /// Takes one event of the run into account; `true` for its end.
    fn absorb(&mut self, e: &impl Fields, names: &mut Names) -> bool {
        // The run's earliest event, by instant: with several processes
        // writing one directory, file order is not time order.
        if let Some(ts) = e.str(field::TS) {
            let t = parse_timestamp(ts);
            let earlier = match (t, self.start_us()) {
                (Some(t), Some(start)) => t < start,
                (Some(_), None) => true,
                (None, _) => self.start == NO_START && self.start_text.is_none(),
            };
            if earlier {
                self.start = t.unwrap_or(NO_START);
                self.start_text = (!writer_format(t, ts)).then(|| ts.into());
            }
        }
        if self.user == NONE
            && let Some(user) = e.str(field::USER_ID)
        {
            self.user = names.sym(user);
        }
        if self.agent == NONE
            && let Some(agent) = e.str(field::AGENT_ID)
        {
            self.agent = names.sym(agent);
        }
        if self.request.is_none() {
            self.request = e.str(field::REQUEST_ID).map(Into::into);
        }
        if let Some(tool) = e.str(field::TOOL) {
            insert(&mut self.tools, names.sym(tool));
        }
        let class = e.str(field::ERROR_CLASS);
        if let Some(class) = class {
            insert(&mut self.classes, names.sym(class));
        }
        match e.str(field::EVENT).unwrap_or("") {
            // A refusal is logged on its tool_call (decision block); a
            // failure on the tool_result of a call that ran.
            event::TOOL_CALL if e.str(field::DECISION) == Some(DECISION_BLOCK) => {
                self.refused = self.refused.saturating_add(1)
            }
            event::TOOL_CALL => self.tool_calls = self.tool_calls.saturating_add(1),
            event::TOOL_RESULT if class.is_some() => self.errors = self.errors.saturating_add(1),
            event::RUN_END => {
                self.stop = e.str(field::STOP_REASON).map_or(NONE, |s| names.sym(s));
                self.duration_ms = e.num(field::DURATION_MS).unwrap_or(f64::NAN);
                self.spend_usd = e.num(field::SPEND_USD).unwrap_or(f64::NAN);
                return true;
            }
            _ => {}
        }
        false
    }

    fn start_us(&self) -> Option<i64> {
        (self.start != NO_START).then_some(self.start)
    }

    fn start(&self) -> String {
        match (&self.start_text, self.start_us()) {
            (Some(text), _) => text.to_string(),
            (None, Some(us)) => {
                let mut out = Vec::with_capacity(tooltrail_core::TIMESTAMP_LEN);
                tooltrail_core::push_timestamp(us, &mut out);
                String::from_utf8(out).expect("ASCII")
            }
            (None, None) => String::new(),
        }
    }

    fn matches(&self, f: &Filter) -> bool {
        let eq = |want: &Option<Sym>, have: Sym| want.is_none_or(|w| w == have);
        f.run.is_none_or(|r| &*self.id == r)
            && eq(&f.user, self.user)
            && eq(&f.agent, self.agent)
            && f.request.is_none_or(|r| self.request.as_deref() == Some(r))
            && eq(&f.stop_reason, self.stop)
            && f.since
                .is_none_or(|s| self.start_us().is_some_and(|t| t >= s))
            && f.until
                .is_none_or(|u| self.start_us().is_some_and(|t| t < u))
            && f.tool.is_none_or(|t| self.tools.contains(&t))
            && f.error_class.is_none_or(|c| self.classes.contains(&c))
    }
}

/// Whether `text` is exactly what the writer prints for `us`.
fn writer_format(us: Option<i64>, text: &str) -> bool {
    let Some(us) = us else { return false };
    let mut out = Vec::with_capacity(tooltrail_core::TIMESTAMP_LEN);
    tooltrail_core::push_timestamp(us, &mut out);
    out == text.as_bytes()
}

/// A [`RunFilter`] with its names looked up once (a name no run has matches none).
struct Filter<'f> {
    run: Option<&'f str>,
    user: Option<Sym>,
    agent: Option<Sym>,
    request: Option<&'f str>,
    stop_reason: Option<Sym>,
    since: Option<i64>,
    until: Option<i64>,
    tool: Option<Sym>,
    error_class: Option<Sym>,
}

/// Streams events into one compact summary per run.
#[derive(Debug, Default)]
pub struct RunsAcc {
    index: HashMap<Arc<str>, u32>,
    runs: Vec<Run>,
    names: Names,
    /// Per run, whether a `run_end` was read: what a later part of the logs
    /// overrides when parts are merged (`merge`).
    ended: Vec<bool>,
}

impl RunsAcc {
    /// Takes one event into account.
    pub fn absorb(&mut self, e: &Value) {
        self.absorb_fields(e);
    }

    /// [`absorb`](Self::absorb), for an event however it was read.
    pub(crate) fn absorb_fields(&mut self, e: &impl Fields) {
        let Some(run_id) = e.str(field::RUN_ID) else {
            return;
        };
        let i = match self.index.get(run_id) {
            Some(&i) => i,
            None => {
                let i = u32::try_from(self.runs.len()).expect("fewer than 2^32 runs");
                let id: Arc<str> = Arc::from(run_id);
                self.index.insert(Arc::clone(&id), i);
                self.runs.push(Run::new(id));
                self.ended.push(false);
                i
            }
        };
        if self.runs[i as usize].absorb(e, &mut self.names) {
            self.ended[i as usize] = true;
        }
    }

    /// The runs that match `filter`, by start time (ties and unreadable
    /// times by run_id), wherever their events were in the files.
    pub fn finish(self, filter: &RunFilter) -> RunList {
        let RunsAcc { runs, names, .. } = self;
        let sym = |s: &Option<String>| s.as_deref().map(|s| names.find(s));
        let f = Filter {
            run: filter.run_id.as_deref(),
            user: sym(&filter.user),
            agent: sym(&filter.agent_id),
            request: filter.request.as_deref(),
            stop_reason: sym(&filter.stop_reason),
            since: filter.since,
            until: filter.until,
            tool: sym(&filter.tool),
            error_class: sym(&filter.error_class),
        };
        let mut order: Vec<u32> = (0..runs.len() as u32)
            .filter(|&i| runs[i as usize].matches(&f))
            .collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&runs[a as usize], &runs[b as usize]);
            let by_start = || {
                (a.start_us().unwrap_or(i64::MAX), &a.id)
                    .cmp(&(b.start_us().unwrap_or(i64::MAX), &b.id))
            };
            match filter.sort {
                RunSort::Start => by_start(),
                // NaN (no end) sorts as -1: after every spend, 0 included.
                RunSort::Spend => {
                    let spend = |r: &Run| {
                        if r.spend_usd.is_nan() {
                            -1.0
                        } else {
                            r.spend_usd
                        }
                    };
                    spend(b).total_cmp(&spend(a)).then_with(by_start)
                }
            }
        });
        RunList { runs, order, names }
    }
}

/// The runs a `runs` query found, in order, still compact: [`RunList::iter`]
/// makes each [`RunSummary`] as it is printed, so listing every run of a big
/// log never holds them all as owned strings.
#[derive(Debug, Clone)]
pub struct RunList {
    runs: Vec<Run>,
    order: Vec<u32>,
    names: Names,
}

impl RunList {
    /// How many runs matched.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none did.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The matching runs, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RunSummary> + '_ {
        self.order
            .iter()
            .map(|&i| self.summary(&self.runs[i as usize]))
    }

    /// The `i`th matching run (`i < len()`), for printing in pieces.
    pub(crate) fn summary_at(&self, i: usize) -> RunSummary {
        self.summary(&self.runs[self.order[i] as usize])
    }

    fn summary(&self, r: &Run) -> RunSummary {
        let name = |s: Sym| self.names.name(s).map(str::to_owned);
        let num = |v: f64| (!v.is_nan()).then_some(v);
        RunSummary {
            run_id: r.id.to_string(),
            start: r.start(),
            start_us: r.start_us(),
            user_id: name(r.user),
            agent_id: name(r.agent),
            request_id: r.request.as_deref().map(str::to_owned),
            tool_calls: r.tool_calls.into(),
            errors: r.errors.into(),
            refused: r.refused.into(),
            stop_reason: name(r.stop),
            duration_ms: num(r.duration_ms),
            spend_usd: num(r.spend_usd),
            tools: r.tools.iter().filter_map(|&s| name(s)).collect(),
            error_classes: r.classes.iter().filter_map(|&s| name(s)).collect(),
        }
    }
}

/// The runs in `events` that match `filter`, by start time.
pub fn runs(events: impl Iterator<Item = Value>, filter: &RunFilter) -> Vec<RunSummary> {
    run_list(events, filter).iter().collect()
}

/// [`runs`], compact.
pub fn run_list(events: impl Iterator<Item = Value>, filter: &RunFilter) -> RunList {
    let mut acc = RunsAcc::default();
    for e in events {
        acc.absorb(&e);
    }
    acc.finish(filter)
}

mod merge;

#[cfg(test)]
mod tests;
