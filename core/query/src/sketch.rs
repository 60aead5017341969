//! Bounded-memory summaries for `stats` over logs of any size: latency
//! percentiles and the hottest `(tool, args_hash)` pairs. Both are exact
//! until a bound is reached, then approximate with a stated error, so small
//! logs (and every test against golden logs) get exact answers and a
//! billion-event log still fits in a few megabytes.

use std::collections::{BTreeMap, HashMap};

/// Latencies kept exactly per tool before switching to buckets (512 KiB).
pub const EXACT_LATENCIES: usize = 65_536;

/// Relative accuracy of a bucketed percentile: the value reported is within
/// 0.5% of a latency that really is at that rank (DDSketch's guarantee).
pub const RELATIVE_ERROR: f64 = 0.005;

/// Latencies at or below this (ms) share one bucket, reported as 0.
const TINY_MS: f64 = 1e-6;

/// Percentiles of one tool's latencies, exact up to [`EXACT_LATENCIES`]
/// values, then from logarithmic buckets (at most a few thousand of them).
#[derive(Debug, Clone, Default)]
pub struct LatencySketch {
    exact: Vec<f64>,
    buckets: BTreeMap<i32, u64>,
    tiny: u64,
    count: u64,
    min: f64,
    max: f64,
}

fn gamma() -> f64 {
    (1.0 + RELATIVE_ERROR) / (1.0 - RELATIVE_ERROR)
}

impl LatencySketch {
    /// Adds one latency in ms.
    pub fn add(&mut self, ms: f64) {
        if self.count == 0 || ms < self.min {
            self.min = ms;
        }
        if self.count == 0 || ms > self.max {
            self.max = ms;
        }
        self.count += 1;
        if self.buckets.is_empty() && self.tiny == 0 && self.exact.len() < EXACT_LATENCIES {
            self.exact.push(ms);
            return;
        }
        for v in std::mem::take(&mut self.exact) {
            self.bucket(v);
        }
        self.bucket(ms);
    }

    /// Takes in the latencies of `later`, seen after these: the result is
    /// what adding them one by one gives (the same values kept or bucketed;
    /// `min` and `max` the first of equals, as `add` keeps them).
    pub(crate) fn merge(&mut self, later: LatencySketch) {
        if later.count == 0 {
            return;
        }
        if self.count == 0 || later.min < self.min {
            self.min = later.min;
        }
        if self.count == 0 || later.max > self.max {
            self.max = later.max;
        }
        self.count += later.count;
        // Exact while every value so far fits, as `add` decides it.
        if self.is_exact()
            && later.is_exact()
            && self.exact.len() + later.exact.len() <= EXACT_LATENCIES
        {
            self.exact.extend(later.exact);
            return;
        }
        for v in std::mem::take(&mut self.exact)
            .into_iter()
            .chain(later.exact)
        {
            self.bucket(v);
        }
        self.tiny += later.tiny;
        for (index, n) in later.buckets {
            *self.buckets.entry(index).or_insert(0) += n;
        }
    }

    fn bucket(&mut self, ms: f64) {
        if ms <= TINY_MS || !ms.is_finite() {
            self.tiny += 1;
        } else {
            let index = (ms.ln() / gamma().ln()).ceil() as i32;
            *self.buckets.entry(index).or_insert(0) += 1;
        }
    }

    /// Whether percentiles are still exact.
    pub fn is_exact(&self) -> bool {
        self.buckets.is_empty() && self.tiny == 0
    }

    /// Nearest-rank percentiles for each `q` (0 when empty).
    pub fn percentiles<const N: usize>(&mut self, qs: [f64; N]) -> [f64; N] {
        if self.is_exact() {
            self.exact.sort_by(f64::total_cmp);
            return qs.map(|q| percentile(&self.exact, q));
        }
        qs.map(|q| {
            let rank = ((self.count as f64 * q).ceil() as u64).clamp(1, self.count);
            if rank <= self.tiny {
                return self.min.max(0.0);
            }
            let mut seen = self.tiny;
            for (&index, &n) in &self.buckets {
                seen += n;
                if seen >= rank {
                    // The bucket (γ^(i-1), γ^i] reported by its midpoint in
                    // relative terms, clamped to what was really seen.
                    let g = gamma();
                    let v = 2.0 * g.powi(index) / (g + 1.0);
                    return v.clamp(self.min, self.max);
                }
            }
            self.max
        })
    }
}

/// Nearest-rank percentile of sorted values (0 when empty).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Counts of keys in a stream, exact while at most `capacity` distinct keys
/// were seen; beyond that, Misra–Gries in batches: when the table doubles,
/// every count drops by the (capacity + 1)-th largest and the empty ones go.
/// A key seen more than `total / (capacity + 1)` times is always kept, and a
/// kept count is low by at most [`HeavyHitters::max_undercount`].
#[derive(Debug, Clone)]
pub struct HeavyHitters<K> {
    counts: HashMap<K, u64>,
    capacity: usize,
    undercount: u64,
}

impl<K: std::hash::Hash + Eq + Clone + Ord> HeavyHitters<K> {
    /// Keeps about `capacity` keys (at most twice that between prunes).
    pub fn new(capacity: usize) -> Self {
        Self {
            counts: HashMap::new(),
            capacity: capacity.max(1),
            undercount: 0,
        }
    }

    /// Counts one occurrence of `key`.
    pub fn add(&mut self, key: &K) {
        if let Some(n) = self.counts.get_mut(key) {
            *n += 1;
            return;
        }
        self.counts.insert(key.clone(), 1);
        if self.counts.len() >= 2 * self.capacity {
            self.prune();
        }
    }

    /// [`add`](Self::add), for a key the caller no longer needs.
    pub(crate) fn add_owned(&mut self, key: K) {
        match self.counts.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut n) => *n.get_mut() += 1,
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(1);
                if self.counts.len() >= 2 * self.capacity {
                    self.prune();
                }
            }
        }
    }

    fn prune(&mut self) {
        let mut values: Vec<u64> = self.counts.values().copied().collect();
        let k = self.capacity;
        values.select_nth_unstable_by(k, |a, b| b.cmp(a));
        let cut = values[k];
        self.undercount += cut;
        self.counts.retain(|_, n| {
            *n = n.saturating_sub(cut);
            *n > 0
        });
    }

    /// How far any reported count may be below the truth (0: exact).
    pub fn max_undercount(&self) -> u64 {
        self.undercount
    }

    /// The `top` largest counts, ties broken by key.
    pub fn top(&self, top: usize) -> Vec<(K, u64)> {
        let mut all: Vec<(K, u64)> = self.counts.iter().map(|(k, n)| (k.clone(), *n)).collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(top);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_exact_below_the_bound() {
        let mut s = LatencySketch::default();
        for v in (1..=100).rev() {
            s.add(f64::from(v));
        }
        assert!(s.is_exact());
        assert_eq!(s.percentiles([0.5, 0.95, 0.99]), [50.0, 95.0, 99.0]);
        assert_eq!(LatencySketch::default().percentiles([0.5]), [0.0]);
    }

    #[test]
    fn bucketed_percentiles_stay_within_the_relative_error() {
        let mut s = LatencySketch::default();
        let n = EXACT_LATENCIES * 4;
        // 0.001 ms .. ~262 ms, spread over five decades.
        let values: Vec<f64> = (1..=n).map(|i| i as f64 * 0.001).collect();
        for &v in values.iter().rev() {
            s.add(v);
        }
        assert!(!s.is_exact());
        assert!(s.buckets.len() < 3_000, "{} buckets", s.buckets.len());
        for (q, got) in [0.5, 0.95, 0.99, 1.0]
            .into_iter()
            .zip(s.percentiles([0.5, 0.95, 0.99, 1.0]))
        {
            let want = percentile(&values, q);
            assert!(
                (got - want).abs() <= want * RELATIVE_ERROR * 1.01,
                "q={q}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn heavy_hitters_are_exact_until_the_capacity_then_keep_the_heavy() {
        let mut h = HeavyHitters::new(10);
        for i in 0..19u32 {
            h.add(&i);
        }
        h.add(&3);
        assert_eq!(h.max_undercount(), 0);
        assert_eq!(h.top(1), vec![(3, 2)]);

        let mut h = HeavyHitters::new(100);
        for i in 0..100_000u32 {
            h.add(&(i + 1_000)); // all distinct
            if i % 10 == 0 {
                h.add(&7); // 10_000 times
            }
        }
        assert!(h.counts.len() < 200);
        let (key, n) = h.top(1)[0];
        assert_eq!(key, 7);
        assert!(n <= 10_000 && n + h.max_undercount() >= 10_000, "{n}");
    }
}
