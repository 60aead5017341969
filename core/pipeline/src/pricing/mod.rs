//! Model prices: the dated default table shipped with tooltrail
//! (`prices.json`, public list prices per million tokens) and what a
//! model call costs under a [`Price`].
//!
//! Names match exactly: a model missing from the table (and from the
//! configuration's `pricing:`) has no price, and its calls get
//! `cost_usd: null` — never a neighbour's price.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use tooltrail_json::{Value, parse_json};

/// A model's price, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// Input (prompt) tokens not read from the cache.
    pub input_per_mtok: f64,
    /// Output tokens (reasoning included).
    pub output_per_mtok: f64,
    /// Input tokens read from the cache (`None`: the input price).
    pub cached_input_per_mtok: Option<f64>,
}

/// Token counts of one model call, as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Input tokens, cached ones included.
    pub input_tokens: Option<u64>,
    /// Output tokens, reasoning ones included.
    pub output_tokens: Option<u64>,
    /// The part of `input_tokens` read from the cache.
    pub cached_input_tokens: Option<u64>,
}

impl Price {
    /// What a call with `usage` cost, USD, rounded to 1e-10; `None` when
    /// the input or output tokens were not reported (a cost is never
    /// guessed). Cached tokens above the input tokens count as input.
    pub fn cost(&self, usage: &Usage) -> Option<f64> {
        let input = usage.input_tokens?;
        let output = usage.output_tokens?;
        let cached = usage.cached_input_tokens.unwrap_or(0).min(input);
        let cached_rate = self.cached_input_per_mtok.unwrap_or(self.input_per_mtok);
        let micro = (input - cached) as f64 * self.input_per_mtok
            + cached as f64 * cached_rate
            + output as f64 * self.output_per_mtok;
        Some(round_usd(micro / 1e6))
    }

    /// A price from a `{input_per_mtok, output_per_mtok, cached_input_per_mtok?}`
    /// object (the table's entries; the configuration checks its own).
    fn from_value(v: &Value) -> Option<Self> {
        let num = |k: &str| match v.get(k) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        };
        Some(Self {
            input_per_mtok: num("input_per_mtok")?,
            output_per_mtok: num("output_per_mtok")?,
            cached_input_per_mtok: num("cached_input_per_mtok"),
        })
    }
}

/// USD rounded to 1e-10 (sums of products of decimal prices otherwise
/// print as `0.0030000000000000005`).
pub fn round_usd(usd: f64) -> f64 {
    (usd * 1e10).round() / 1e10
}

/// The shipped price table: the date its prices were taken, and the
/// prices by exact model name.
#[derive(Debug)]
pub struct PriceTable {
    /// When the prices were checked (`YYYY-MM-DD`).
    pub as_of: String,
    /// Price by exact model name.
    pub models: BTreeMap<String, Price>,
}

/// The shipped table (`core/pipeline/src/pricing/prices.json`), parsed once.
pub fn default_prices() -> &'static PriceTable {
    static TABLE: OnceLock<PriceTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let v = parse_json(include_bytes!("prices.json")).expect("prices.json is JSON");
        let as_of = match v.get("as_of") {
            Some(Value::String(s)) => s.clone(),
            _ => panic!("prices.json: as_of"),
        };
        let Some(Value::Object(models)) = v.get("models") else {
            panic!("prices.json: models")
        };
        let models = models
            .iter()
            .map(|(name, p)| {
                let price = Price::from_value(p).unwrap_or_else(|| panic!("prices.json: {name}"));
                (name.clone(), price)
            })
            .collect();
        PriceTable { as_of, models }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_is_dated_and_prices_common_models() {
        let t = default_prices();
        assert_eq!(t.as_of.len(), 10);
        assert!(t.models.len() >= 10);
        let mini = t.models["gpt-4o-mini"];
        assert_eq!(mini.input_per_mtok, 0.15);
        assert_eq!(mini.output_per_mtok, 0.6);
        for (name, p) in &t.models {
            assert!(p.input_per_mtok > 0.0 && p.output_per_mtok > 0.0, "{name}");
            let cached = p.cached_input_per_mtok.unwrap_or(p.input_per_mtok);
            assert!(cached <= p.input_per_mtok, "{name}");
        }
    }

    #[test]
    fn a_cost_counts_cached_input_at_its_rate_and_needs_both_counts() {
        let p = Price {
            input_per_mtok: 0.15,
            output_per_mtok: 0.6,
            cached_input_per_mtok: Some(0.075),
        };
        let usage = |i, o, c| Usage {
            input_tokens: i,
            output_tokens: o,
            cached_input_tokens: c,
        };
        // 1000 fresh in, 200 out: 0.00015 + 0.00012.
        assert_eq!(p.cost(&usage(Some(1000), Some(200), None)), Some(0.00027));
        // Half the input cached: 500 * 0.15 + 500 * 0.075 + 200 * 0.6.
        assert_eq!(
            p.cost(&usage(Some(1000), Some(200), Some(500))),
            Some(0.0002325)
        );
        assert_eq!(p.cost(&usage(None, Some(200), None)), None);
        assert_eq!(p.cost(&usage(Some(1000), None, None)), None);
        // More cached than input: all input at the cached rate.
        assert_eq!(
            p.cost(&usage(Some(100), Some(0), Some(500))),
            Some(0.0000075)
        );
    }
}
