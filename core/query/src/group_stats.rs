//! `stats --by model` and `stats --by agent`: the per-tool table's
//! counterparts for model steps and agents. Per model: calls, failures by
//! class, tokens, spend, calls with no price and latency percentiles (from
//! `model_call`). Per agent: runs, tool calls and failures, model calls,
//! tokens and spend (model cost plus what the application added, the rule
//! `spend` uses).

use std::collections::{BTreeMap, HashMap};

use super::added_spend::AddedSpend;
use super::scan::Fields;
use super::sketch::LatencySketch;
use tooltrail_core::pricing::round_usd;
use tooltrail_core::schema::{event, field};
use tooltrail_json::Value;

/// What `stats` groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatsBy {
    /// Per tool, and the hottest `(tool, args_hash)` pairs.
    #[default]
    Tool,
    /// Per model.
    Model,
    /// Per agent.
    Agent,
}

impl StatsBy {
    /// Every grouping, by its name (`--by`).
    pub const ALL: [(&'static str, StatsBy); 3] = [
        ("tool", StatsBy::Tool),
        ("model", StatsBy::Model),
        ("agent", StatsBy::Agent),
    ];
}

/// One model's or agent's numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupStats {
    /// The model or agent (`None`: events with no agent).
    pub key: Option<String>,
    /// Runs (agents only: runs that ended).
    pub runs: u64,
    /// Tool results (agents only).
    pub tool_calls: u64,
    /// Tool results not ok (agents only).
    pub tool_errors: u64,
    /// Model calls.
    pub model_calls: u64,
    /// Model calls not ok, by class (models only).
    pub errors: BTreeMap<String, u64>,
    /// Input tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Spend, USD (models: priced calls; agents: model and added spend).
    pub spend_usd: f64,
    /// Model calls with no cost: not in `spend_usd`.
    pub unpriced_model_calls: u64,
    /// Model call latency in ms, p50, p95, p99 (models only; 0 with none).
    pub latency_ms: [f64; 3],
}

#[derive(Debug, Default)]
struct Group {
    stats: GroupStats,
    latencies: LatencySketch,
}

/// Reads `stats --by model|agent`'s events.
#[derive(Debug)]
pub struct GroupStatsAcc {
    by: StatsBy,
    groups: HashMap<Option<String>, Group>,
    /// Agents: tells added spend from model cost at each run's end.
    added: AddedSpend,
}

impl GroupStatsAcc {
    /// Groups by model or agent (`StatsBy::Tool` is `stats`' own table).
    pub fn new(by: StatsBy) -> Self {
        Self {
            by,
            groups: HashMap::new(),
            added: AddedSpend::default(),
        }
    }

    fn group(&mut self, key: Option<&str>) -> &mut Group {
        self.groups.entry(key.map(str::to_owned)).or_default()
    }

    /// Takes one event into account.
    pub fn absorb(&mut self, e: &Value) {
        self.absorb_fields(e);
    }

    /// [`absorb`](Self::absorb) for an event however it was read.
    pub(crate) fn absorb_fields(&mut self, e: &impl Fields) {
        let Some(name) = e.str(field::EVENT) else {
            return;
        };
        match (self.by, name) {
            (StatsBy::Model, event::MODEL_CALL) => {
                let cost = e.num(field::COST_USD);
                let g = self.group(e.str(field::MODEL));
                g.add_model_call(e, cost);
                if let Some(ms) = e.num(field::LATENCY_MS) {
                    g.latencies.add(ms);
                }
                if let Some(class) = e.str(field::ERROR_CLASS) {
                    *g.stats.errors.entry(class.to_owned()).or_default() += 1;
                }
            }
            (StatsBy::Agent, event::MODEL_CALL) => {
                let cost = e.num(field::COST_USD);
                if let (Some(run), Some(c)) = (e.str(field::RUN_ID), cost) {
                    self.added.model_cost(run, c);
                }
                self.group(e.str(field::AGENT_ID)).add_model_call(e, cost);
            }
            (StatsBy::Agent, event::TOOL_RESULT) => {
                let g = self.group(e.str(field::AGENT_ID));
                g.stats.tool_calls += 1;
                g.stats.tool_errors += u64::from(e.str(field::ERROR_CLASS).is_some());
            }
            (StatsBy::Agent, event::RUN_END) => {
                let run = e.str(field::RUN_ID).unwrap_or_default();
                let added = self.added.at_end(run, e.num(field::SPEND_USD));
                let g = self.group(e.str(field::AGENT_ID));
                g.stats.runs += 1;
                if let Some(added) = added.filter(|a| *a > 0.0) {
                    g.stats.spend_usd = round_usd(g.stats.spend_usd + added);
                }
            }
            _ => {}
        }
    }

    /// One entry per model or agent, costliest first (ties by most model
    /// calls, then by name).
    pub fn finish(self) -> Vec<GroupStats> {
        let by = self.by;
        let mut out: Vec<GroupStats> = self
            .groups
            .into_iter()
            .map(|(key, mut g)| {
                if by == StatsBy::Model && g.stats.model_calls > 0 {
                    g.stats.latency_ms = g.latencies.percentiles([0.50, 0.95, 0.99]);
                }
                GroupStats { key, ..g.stats }
            })
            .collect();
        out.sort_by(|a, b| {
            b.spend_usd
                .total_cmp(&a.spend_usd)
                .then_with(|| b.model_calls.cmp(&a.model_calls))
                .then_with(|| a.key.cmp(&b.key))
        });
        out
    }
}

impl Group {
    fn add_model_call(&mut self, e: &impl Fields, cost: Option<f64>) {
        let s = &mut self.stats;
        s.model_calls += 1;
        s.input_tokens += count(e, field::INPUT_TOKENS);
        s.output_tokens += count(e, field::OUTPUT_TOKENS);
        match cost {
            Some(c) => s.spend_usd = round_usd(s.spend_usd + c),
            None => s.unpriced_model_calls += 1,
        }
    }
}

fn count(e: &impl Fields, key: &str) -> u64 {
    e.num(key).map_or(0, |n| n.max(0.0) as u64)
}

/// `stats --by model|agent --json`: `{"by", "models" | "agents": [...]}`.
pub fn group_stats_value(by: StatsBy, groups: &[GroupStats]) -> Value {
    let n = |x: u64| Value::Number(x as f64);
    let name = |s: &Option<String>| s.as_deref().map_or(Value::Null, Value::from);
    let (by_name, list, key) = match by {
        StatsBy::Model => ("model", "models", "model"),
        StatsBy::Agent | StatsBy::Tool => ("agent", "agents", "agent_id"),
    };
    let rows = groups.iter().map(|g| {
        let mut members = vec![(key.to_owned(), name(&g.key))];
        if by == StatsBy::Agent {
            members.extend([
                ("runs".to_owned(), n(g.runs)),
                ("tool_calls".to_owned(), n(g.tool_calls)),
                ("tool_errors".to_owned(), n(g.tool_errors)),
            ]);
        }
        members.extend([
            ("model_calls".to_owned(), n(g.model_calls)),
            ("input_tokens".to_owned(), n(g.input_tokens)),
            ("output_tokens".to_owned(), n(g.output_tokens)),
            ("spend_usd".to_owned(), Value::Number(g.spend_usd)),
            ("unpriced_model_calls".to_owned(), n(g.unpriced_model_calls)),
        ]);
        if by == StatsBy::Model {
            let errors = g.errors.iter().map(|(k, v)| (k.clone(), n(*v)));
            members.extend([
                ("errors".to_owned(), Value::Object(errors.collect())),
                ("p50_ms".to_owned(), Value::Number(g.latency_ms[0])),
                ("p95_ms".to_owned(), Value::Number(g.latency_ms[1])),
                ("p99_ms".to_owned(), Value::Number(g.latency_ms[2])),
            ]);
        }
        Value::Object(members)
    });
    Value::object([
        ("by", Value::from(by_name)),
        (list, Value::Array(rows.collect())),
    ])
}
