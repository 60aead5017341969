//! Spend the application added with `add_spend`, told apart from model
//! cost when a log is read back: a run's priced `model_call`s are summed
//! until its `run_end`, whose `spend_usd` less that sum is what was added
//! (`added_spend_usd`, the rule the live gateway's alerts use). One tracker
//! for `spend`, `stats --by agent` and the alert replay.

use foldhash::HashMap;

use tooltrail_core::gateway::added_spend_usd;
use tooltrail_core::pricing::round_usd;

/// Open runs' model cost so far (each removed at its end).
#[derive(Debug, Default)]
pub(crate) struct AddedSpend {
    open: HashMap<String, f64>,
}

impl AddedSpend {
    /// A priced model call of `run` that cost `usd`.
    pub(crate) fn model_cost(&mut self, run: &str, usd: f64) {
        let spent = self.open.entry(run.to_owned()).or_default();
        *spent = round_usd(*spent + usd);
    }

    /// `run` ended with `spend_usd` in all: what its application added
    /// (`None` when its `run_end` gave no spend).
    pub(crate) fn at_end(&mut self, run: &str, spend_usd: Option<f64>) -> Option<f64> {
        // Most runs make no priced model call: no lookup for them.
        let model = match self.open.is_empty() {
            true => 0.0,
            false => self.open.remove(run).unwrap_or(0.0),
        };
        spend_usd.map(|s| added_spend_usd(s, model))
    }
}
