//! `spend`: what the runs cost, by minute, hour, run, model or agent.
//! Spend comes from the log alone: each `model_call`'s `cost_usd` at its
//! time, and at each `run_end` the spend the application added with
//! `add_spend` (its `spend_usd` less its model calls' cost, the rule the
//! alerts use). Model calls with no price are counted, never guessed. A
//! timeline (`minute`, `hour`) also names its spikes: runs of consecutive
//! buckets that cost more than [`SPIKE_FACTOR`] times the median bucket,
//! with the runs and models behind them.

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use super::added_spend::AddedSpend;
use super::parse_timestamp;
use super::scan::Fields;
use tooltrail_core::pricing::round_usd;
use tooltrail_core::schema::{event, field};
use tooltrail_json::Value;

/// A bucket is part of a spike when it costs more than this many times the
/// median bucket.
pub const SPIKE_FACTOR: f64 = 3.0;
/// How many runs and models each row names.
const TOP_NAMED: usize = 3;
/// Most spikes reported, the costliest first.
const MAX_SPIKES: usize = 5;

/// How `spend` groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpendBy {
    /// One row per minute with spend, in time order.
    Minute,
    /// One row per hour with spend, in time order.
    Hour,
    /// One row per run, costliest first.
    Run,
    /// One row per model (and one for spend added by the application),
    /// costliest first.
    Model,
    /// One row per agent, costliest first.
    Agent,
}

impl SpendBy {
    /// Every grouping, by its name (`--by`).
    pub const ALL: [(&'static str, SpendBy); 5] = [
        ("minute", SpendBy::Minute),
        ("hour", SpendBy::Hour),
        ("run", SpendBy::Run),
        ("model", SpendBy::Model),
        ("agent", SpendBy::Agent),
    ];

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            SpendBy::Minute => "minute",
            SpendBy::Hour => "hour",
            SpendBy::Run => "run",
            SpendBy::Model => "model",
            SpendBy::Agent => "agent",
        }
    }

    /// The bucket length in µs of a timeline grouping.
    pub(crate) fn bucket_us(self) -> Option<i64> {
        match self {
            SpendBy::Minute => Some(60_000_000),
            SpendBy::Hour => Some(3_600_000_000),
            SpendBy::Run | SpendBy::Model | SpendBy::Agent => None,
        }
    }
}

/// What one row (or the total) adds up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpendRow {
    /// The bucket's start (RFC 3339), the run, the model or the agent;
    /// `None`: spend added by the application (`model`) or no agent.
    pub key: Option<String>,
    /// Model and added spend, USD.
    pub spend_usd: f64,
    /// What priced model calls cost.
    pub model_usd: f64,
    /// What the application added at run ends.
    pub added_usd: f64,
    /// Model calls.
    pub model_calls: u64,
    /// Model calls with no cost (unknown price, no usage): not in the sums.
    pub unpriced_model_calls: u64,
    /// Model input tokens.
    pub input_tokens: u64,
    /// Model output tokens.
    pub output_tokens: u64,
    /// Distinct runs with spend or model calls here.
    pub runs: u64,
    /// Whether this timeline bucket is part of a spike.
    pub spike: bool,
    /// The costliest runs here, with their spend.
    pub top_runs: Vec<(String, f64)>,
    /// The costliest models here (`None`: added spend), with their spend.
    pub top_models: Vec<(Option<String>, f64)>,
}

/// A spike: consecutive timeline buckets above [`SPIKE_FACTOR`] × the median.
#[derive(Debug, Clone, PartialEq)]
pub struct Spike {
    /// The first bucket's start.
    pub since: String,
    /// The end of the last bucket.
    pub until: String,
    /// The spike's rows summed (its key is `since`).
    pub total: SpendRow,
    /// The median bucket's spend it is measured against.
    pub median_usd: f64,
}

/// The answer of `spend`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendReport {
    /// The grouping.
    pub by: SpendBy,
    /// The rows: time order for a timeline, costliest first otherwise
    /// (at most `top` of them).
    pub rows: Vec<SpendRow>,
    /// Every row summed, those past `top` included.
    pub total: SpendRow,
    /// Spikes of a timeline, costliest first (none for other groupings).
    pub spikes: Vec<Spike>,
}

/// One group while the log is read.
#[derive(Debug, Default)]
struct Acc {
    model_usd: f64,
    added_usd: f64,
    model_calls: u64,
    unpriced: u64,
    input_tokens: u64,
    output_tokens: u64,
    runs: HashMap<Arc<str>, f64>,
    models: HashMap<Option<Arc<str>>, f64>,
}

impl Acc {
    fn add(&mut self, run: &Arc<str>, model: Option<&Arc<str>>, usd: f64) {
        let r = self.runs.entry(run.clone()).or_default();
        *r = round_usd(*r + usd);
        let m = self.models.entry(model.cloned()).or_default();
        *m = round_usd(*m + usd);
    }

    fn merge(&mut self, other: &Acc) {
        self.model_usd = round_usd(self.model_usd + other.model_usd);
        self.added_usd = round_usd(self.added_usd + other.added_usd);
        self.model_calls += other.model_calls;
        self.unpriced += other.unpriced;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        for (k, v) in &other.runs {
            let r = self.runs.entry(k.clone()).or_default();
            *r = round_usd(*r + v);
        }
        for (k, v) in &other.models {
            let m = self.models.entry(k.clone()).or_default();
            *m = round_usd(*m + v);
        }
    }

    fn row(&self, key: Option<String>) -> SpendRow {
        SpendRow {
            key,
            spend_usd: round_usd(self.model_usd + self.added_usd),
            model_usd: self.model_usd,
            added_usd: self.added_usd,
            model_calls: self.model_calls,
            unpriced_model_calls: self.unpriced,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            runs: self.runs.len() as u64,
            spike: false,
            top_runs: top(self.runs.iter().map(|(k, v)| (k.to_string(), *v))),
            top_models: top(self
                .models
                .iter()
                .map(|(k, v)| (k.as_deref().map(str::to_owned), *v))),
        }
    }
}

/// The costliest few, ties by name.
fn top<K: Ord>(items: impl Iterator<Item = (K, f64)>) -> Vec<(K, f64)> {
    let mut v: Vec<(K, f64)> = items.filter(|(_, usd)| *usd > 0.0).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(TOP_NAMED);
    v
}

/// The key a grouping puts one event under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Time(i64),
    Name(Option<Arc<str>>),
}

/// Reads `spend`'s events: see the module doc.
pub struct SpendAcc {
    by: SpendBy,
    since: Option<i64>,
    until: Option<i64>,
    agent_id: Option<String>,
    groups: HashMap<Key, Acc>,
    /// Tells added spend from model cost at each run's end.
    added: AddedSpend,
    /// Interned run ids and model names.
    names: HashMap<Box<str>, Arc<str>>,
}

impl SpendAcc {
    /// Groups by `by`, keeping events in `[since, until)` of `agent_id`.
    pub fn new(
        by: SpendBy,
        since: Option<i64>,
        until: Option<i64>,
        agent_id: Option<String>,
    ) -> Self {
        Self {
            by,
            since,
            until,
            agent_id,
            groups: HashMap::new(),
            added: AddedSpend::default(),
            names: HashMap::new(),
        }
    }

    fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.names.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.names.insert(Box::from(s), a.clone());
        a
    }

    /// Takes one event into account.
    pub fn absorb(&mut self, e: &Value) {
        self.absorb_fields(e);
    }

    /// [`absorb`](Self::absorb) for an event however it was read.
    pub(crate) fn absorb_fields(&mut self, e: &impl Fields) {
        let name = e.str(field::EVENT);
        if name != Some(event::MODEL_CALL) && name != Some(event::RUN_END) {
            return;
        }
        let run_id = e.str(field::RUN_ID).unwrap_or_default();
        if name == Some(event::MODEL_CALL) {
            // The run's model spend is kept whatever the filters, so that
            // its end tells added spend apart.
            if let Some(cost) = e.num(field::COST_USD) {
                self.added.model_cost(run_id, cost);
            }
        }
        let added = match name {
            Some(event::RUN_END) => self
                .added
                .at_end(run_id, e.num(field::SPEND_USD))
                .unwrap_or(0.0),
            _ => 0.0,
        };
        // A run that added nothing makes no row of its own (below): its id
        // is not even kept.
        if name == Some(event::RUN_END) && added <= 0.0 {
            return;
        }
        let run = self.intern(run_id);
        let Some(us) = e.str(field::TS).and_then(parse_timestamp) else {
            return;
        };
        let agent = e.str(field::AGENT_ID);
        if self.since.is_some_and(|s| us < s)
            || self.until.is_some_and(|u| us >= u)
            || self.agent_id.as_deref().is_some_and(|a| agent != Some(a))
        {
            return;
        }
        let model = match name {
            Some(event::MODEL_CALL) => e.str(field::MODEL).map(|m| self.intern(m)),
            _ => None,
        };
        let key = match self.by.bucket_us() {
            Some(len) => Key::Time(us.div_euclid(len) * len),
            None => Key::Name(match self.by {
                SpendBy::Run => Some(run.clone()),
                SpendBy::Model => model.clone(),
                SpendBy::Agent => agent.map(|a| self.intern(a)),
                SpendBy::Minute | SpendBy::Hour => None,
            }),
        };
        if name == Some(event::MODEL_CALL) {
            let acc = self.groups.entry(key).or_default();
            acc.model_calls += 1;
            acc.input_tokens += count(e, field::INPUT_TOKENS);
            acc.output_tokens += count(e, field::OUTPUT_TOKENS);
            match e.num(field::COST_USD) {
                Some(cost) => {
                    acc.model_usd = round_usd(acc.model_usd + cost);
                    acc.add(&run, model.as_ref(), cost);
                }
                None => {
                    acc.unpriced += 1;
                    acc.runs.entry(run).or_default();
                }
            }
            return;
        }
        if added > 0.0 {
            let acc = self.groups.entry(key).or_default();
            acc.added_usd = round_usd(acc.added_usd + added);
            acc.add(&run, None, added);
        }
    }

    /// The report, `top` rows at most for a grouping by name.
    pub fn finish(self, top_rows: usize) -> SpendReport {
        let mut total = Acc::default();
        for acc in self.groups.values() {
            total.merge(acc);
        }
        let mut groups: Vec<(Key, Acc)> = self.groups.into_iter().collect();
        let (rows, spikes) = match self.by.bucket_us() {
            Some(len) => {
                groups.sort_by(|a, b| a.0.cmp(&b.0));
                timeline(groups, len)
            }
            None => {
                let mut rows: Vec<SpendRow> = groups
                    .iter()
                    .map(|(k, acc)| {
                        let Key::Name(name) = k else {
                            unreachable!("a grouping by name has name keys")
                        };
                        acc.row(name.as_deref().map(str::to_owned))
                    })
                    .collect();
                rows.sort_by(|a, b| {
                    b.spend_usd
                        .total_cmp(&a.spend_usd)
                        .then_with(|| b.model_calls.cmp(&a.model_calls))
                        .then_with(|| a.key.cmp(&b.key))
                });
                rows.truncate(top_rows);
                (rows, Vec::new())
            }
        };
        SpendReport {
            by: self.by,
            rows,
            total: total.row(None),
            spikes,
        }
    }
}

fn count(e: &impl Fields, key: &str) -> u64 {
    e.num(key).map_or(0, |n| n.max(0.0) as u64)
}

/// An instant of µs as RFC 3339 (`2026-12-07T10:15:00Z`).
fn instant(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us).map_or_else(|_| us.to_string(), |t| t.to_string())
}

/// Timeline rows in time order, and the spikes among them.
fn timeline(groups: Vec<(Key, Acc)>, len: i64) -> (Vec<SpendRow>, Vec<Spike>) {
    let start = |k: &Key| match k {
        Key::Time(t) => *t,
        Key::Name(_) => unreachable!("a timeline has time keys"),
    };
    let mut rows: Vec<SpendRow> = groups
        .iter()
        .map(|(k, acc)| acc.row(Some(instant(start(k)))))
        .collect();
    let mut costs: Vec<f64> = rows.iter().map(|r| r.spend_usd).collect();
    costs.sort_by(f64::total_cmp);
    let median = costs.get(costs.len().saturating_sub(1) / 2).copied();
    let Some(median) = median else {
        return (rows, Vec::new());
    };
    let high = |usd: f64| usd > SPIKE_FACTOR * median && usd > 0.0;
    let mut spikes = Vec::new();
    let mut i = 0;
    while i < groups.len() {
        if !high(rows[i].spend_usd) {
            i += 1;
            continue;
        }
        let first = i;
        let mut sum = Acc::default();
        while i < groups.len()
            && high(rows[i].spend_usd)
            && (i == first || start(&groups[i].0) == start(&groups[i - 1].0) + len)
        {
            sum.merge(&groups[i].1);
            rows[i].spike = true;
            i += 1;
        }
        let since = instant(start(&groups[first].0));
        spikes.push(Spike {
            until: instant(start(&groups[i - 1].0) + len),
            total: sum.row(Some(since.clone())),
            since,
            median_usd: median,
        });
    }
    spikes.sort_by(|a, b| b.total.spend_usd.total_cmp(&a.total.spend_usd));
    spikes.truncate(MAX_SPIKES);
    (rows, spikes)
}

/// [`SpendAcc`] over `events`.
pub fn spend(events: impl Iterator<Item = Value>, by: SpendBy, top_rows: usize) -> SpendReport {
    let mut acc = SpendAcc::new(by, None, None, None);
    events.for_each(|e| acc.absorb(&e));
    acc.finish(top_rows)
}

impl SpendReport {
    /// For a timeline, each row's bucket counted from the first row's
    /// (`[0, 1, 30]` for 10:00, 10:01 and 10:30 by minute): where a chart
    /// puts it, and one more than the last is the span. `None` for a
    /// grouping by name, or a row whose key is not a time.
    pub(crate) fn bucket_offsets(&self) -> Option<Vec<u64>> {
        let len = self.by.bucket_us()?;
        let starts: Vec<i64> = self
            .rows
            .iter()
            .map(|r| r.key.as_deref().and_then(crate::parse_timestamp))
            .collect::<Option<_>>()?;
        let first = *starts.first()?;
        Some(
            starts
                .iter()
                .map(|&t| u64::try_from((t - first) / len).unwrap_or(0))
                .collect(),
        )
    }

    /// The JSON value (`spend --json`, `Logs.spend`).
    pub fn to_value(&self) -> Value {
        Value::object([
            ("by", Value::from(self.by.as_str())),
            (
                "rows",
                Value::Array(self.rows.iter().map(SpendRow::to_value).collect()),
            ),
            ("total", self.total.to_value()),
            (
                "spikes",
                Value::Array(
                    self.spikes
                        .iter()
                        .map(|s| {
                            Value::object([
                                ("since", Value::from(s.since.as_str())),
                                ("until", Value::from(s.until.as_str())),
                                ("median_usd", Value::Number(s.median_usd)),
                                ("total", s.total.to_value()),
                            ])
                        })
                        .collect(),
                ),
            ),
        ])
    }
}

impl SpendRow {
    fn to_value(&self) -> Value {
        let n = |x: u64| Value::Number(x as f64);
        let name = |s: &Option<String>| s.as_deref().map_or(Value::Null, Value::from);
        Value::object([
            ("key", name(&self.key)),
            ("spend_usd", Value::Number(self.spend_usd)),
            ("model_usd", Value::Number(self.model_usd)),
            ("added_usd", Value::Number(self.added_usd)),
            ("model_calls", n(self.model_calls)),
            ("unpriced_model_calls", n(self.unpriced_model_calls)),
            ("input_tokens", n(self.input_tokens)),
            ("output_tokens", n(self.output_tokens)),
            ("runs", n(self.runs)),
            ("spike", Value::Bool(self.spike)),
            (
                "top_runs",
                Value::Array(
                    self.top_runs
                        .iter()
                        .map(|(r, usd)| {
                            Value::object([
                                ("run_id", Value::from(r.as_str())),
                                ("spend_usd", Value::Number(*usd)),
                            ])
                        })
                        .collect(),
                ),
            ),
            (
                "top_models",
                Value::Array(
                    self.top_models
                        .iter()
                        .map(|(m, usd)| {
                            Value::object([("model", name(m)), ("spend_usd", Value::Number(*usd))])
                        })
                        .collect(),
                ),
            ),
        ])
    }
}

#[cfg(test)]
#[path = "spend_tests.rs"]
mod tests;
