//! [`Kept`]: what the summaries whose result depends on the order of the
//! events (the alert replay, spend and the added spend it tells apart,
//! `stats --by model|agent`, which sum spend as they go) read
//! of a chunk of the logs, kept compactly so that the chunks can be read on
//! every core and these summaries fed in log order at the merge.

use tooltrail_core::schema::{event, field};

use super::parallel::Plan;
use super::scan::Fields;

/// The largest chunk when [`Kept`] events are gathered: a chunk's kept
/// fields are about a quarter of its bytes (most events are tool results),
/// and a few chunks wait for the merge at once; without this cap a 10 GB
/// log's 256 MiB chunks would hold hundreds of MiB for a summary that used
/// to read in a few.
const KEPT_CHUNK: u64 = 32 << 20;

/// This machine's plan for `bytes` of logs, in chunks small enough for
/// [`Kept`] parts.
pub(crate) fn plan(bytes: u64) -> Plan {
    Plan::for_bytes(bytes).with_chunks_of_at_most(KEPT_CHUNK)
}

/// The events the in-order summaries read (alerts: tool results, model
/// calls, run ends and logged alerts; spend: model calls and run ends;
/// `stats --by`: model calls, tool results and run ends), and
/// of each only the fields they read: a few dozen bytes an event where a
/// parsed event would take a kilobyte. A field either starts reading must
/// be added here: the tests compare the report page and the `alerts`,
/// `spend` and `stats --by` answers with those of reading every line in order.
#[derive(Default)]
pub(crate) struct Kept {
    text: String,
    members: Vec<(u8, Kind)>,
    /// Where each event's members end in `members`.
    ends: Vec<u32>,
}

const KEPT_EVENTS: [&str; 4] = [
    event::TOOL_RESULT,
    event::MODEL_CALL,
    event::RUN_END,
    event::ALERT,
];

/// The kinds the alert replay reads (all kept ones).
pub(crate) const ALERT_EVENTS: &[&str] = &KEPT_EVENTS;
/// The kinds `spend` reads.
pub(crate) const SPEND_EVENTS: &[&str] = &[event::MODEL_CALL, event::RUN_END];
/// The kinds `stats --by model` reads.
pub(crate) const MODEL_EVENTS: &[&str] = &[event::MODEL_CALL];
/// The kinds `stats --by agent` reads.
pub(crate) const AGENT_EVENTS: &[&str] = &[event::MODEL_CALL, event::TOOL_RESULT, event::RUN_END];

const KEPT_FIELDS: [&str; 13] = [
    field::TS,
    field::EVENT,
    field::RUN_ID,
    field::TRACE_ID,
    field::ERROR_CLASS,
    field::COST_USD,
    field::TOOL_CALLS,
    field::SPEND_USD,
    field::AGENT_ID,
    field::MODEL,
    field::INPUT_TOKENS,
    field::OUTPUT_TOKENS,
    field::LATENCY_MS,
];

#[derive(Clone, Copy)]
enum Kind {
    Str(u32, u32),
    Num(f64),
}

impl Kept {
    /// Keeps `e` if the in-order summaries read it.
    pub(crate) fn keep(&mut self, e: &impl Fields) {
        if !e
            .str(field::EVENT)
            .is_some_and(|n| KEPT_EVENTS.contains(&n))
        {
            return;
        }
        for (i, key) in KEPT_FIELDS.iter().enumerate() {
            let kind = if let Some(s) = e.str(key) {
                let start = self.text.len();
                self.text.push_str(s);
                Kind::Str(offset(start), offset(self.text.len()))
            } else if let Some(n) = e.num(key) {
                Kind::Num(n)
            } else {
                continue;
            };
            self.members.push((i as u8, kind));
        }
        self.ends.push(offset(self.members.len()));
    }

    /// The kept events, in the order they were kept.
    pub(crate) fn iter(&self) -> impl Iterator<Item = KeptEvent<'_>> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| KeptEvent {
            text: &self.text,
            members: &self.members[a as usize..b as usize],
        })
    }
}

/// A chunk's kept text stays far below 4 GiB (chunks are at most 256 MiB).
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("a chunk's kept fields are under 4 GiB")
}

/// One kept event, read as its fields.
pub(crate) struct KeptEvent<'a> {
    text: &'a str,
    members: &'a [(u8, Kind)],
}

impl KeptEvent<'_> {
    fn find(&self, key: &str) -> Option<Kind> {
        let i = KEPT_FIELDS.iter().position(|k| *k == key)? as u8;
        self.members.iter().find(|(k, _)| *k == i).map(|(_, v)| *v)
    }
}

impl Fields for KeptEvent<'_> {
    fn str(&self, key: &str) -> Option<&str> {
        match self.find(key)? {
            Kind::Str(a, b) => Some(&self.text[a as usize..b as usize]),
            Kind::Num(_) => None,
        }
    }

    fn num(&self, key: &str) -> Option<f64> {
        match self.find(key)? {
            Kind::Num(n) => Some(n),
            Kind::Str(..) => None,
        }
    }

    fn bool(&self, _key: &str) -> Option<bool> {
        None // not kept
    }

    /// A kept string or number (other values are not kept).
    fn has(&self, key: &str) -> bool {
        self.find(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    use tooltrail_core::config::Config;

    use super::*;
    use crate::{AlertAcc, GroupStatsAcc, SpendAcc, SpendBy, StatsBy};

    /// An event of kind `event` that has every field, a string and a
    /// number alike, and notes each field asked for.
    struct Asked {
        event: &'static str,
        keys: RefCell<BTreeSet<String>>,
    }

    impl Fields for Asked {
        fn str(&self, key: &str) -> Option<&str> {
            self.keys.borrow_mut().insert(key.to_owned());
            Some(match key {
                field::EVENT => self.event,
                field::TS => "2026-11-24T19:57:00.000000Z",
                _ => "a1",
            })
        }

        fn num(&self, key: &str) -> Option<f64> {
            self.keys.borrow_mut().insert(key.to_owned());
            Some(2.0)
        }

        fn bool(&self, key: &str) -> Option<bool> {
            self.keys.borrow_mut().insert(key.to_owned());
            Some(true)
        }

        fn has(&self, key: &str) -> bool {
            self.keys.borrow_mut().insert(key.to_owned());
            true
        }
    }

    /// What the in-order summaries ask of events is what [`Kept`] keeps:
    /// of the kinds each is fed only kept fields, of the others no more
    /// than their kind and time. A field the alert replay, spend or `stats --by`
    /// starts reading fails here until it is kept. (Which kinds must be kept,
    /// logged alerts among them, the replay tests in `report` show.)
    #[test]
    fn the_in_order_summaries_read_only_what_is_kept() {
        let every_rule = Config::from_yaml(
            "logging:\n  alerts:\n    error_rate: { warn: 0.1, critical: 0.2 }\n    spend_usd_per_min: { warn: 0.5, critical: 2 }\n",
        )
        .unwrap();
        let alerts = |e: &Asked| {
            for config in [Config::default(), every_rule.clone()] {
                AlertAcc::new(&config).absorb_fields(e);
            }
        };
        let spend = |e: &Asked| {
            for by in [
                SpendBy::Minute,
                SpendBy::Hour,
                SpendBy::Run,
                SpendBy::Model,
                SpendBy::Agent,
            ] {
                for agent in [None, Some("a1".to_owned()), Some("other".to_owned())] {
                    SpendAcc::new(by, Some(0), Some(i64::MAX), agent).absorb_fields(e);
                }
            }
        };
        // (Their agent filter, at the merge, reads `agent_id`: kept.)
        let by_model = |e: &Asked| GroupStatsAcc::new(StatsBy::Model).absorb_fields(e);
        let by_agent = |e: &Asked| GroupStatsAcc::new(StatsBy::Agent).absorb_fields(e);
        type Feed<'f> = &'f dyn Fn(&Asked);
        let summaries: [(&str, &[&str], Feed); 4] = [
            ("alerts", ALERT_EVENTS, &alerts),
            ("spend", SPEND_EVENTS, &spend),
            ("stats --by model", MODEL_EVENTS, &by_model),
            ("stats --by agent", AGENT_EVENTS, &by_agent),
        ];
        for (summary, kinds, feed) in summaries {
            assert!(kinds.iter().all(|k| KEPT_EVENTS.contains(k)));
            for name in event::ALL {
                let e = Asked {
                    event: name,
                    keys: RefCell::default(),
                };
                feed(&e);
                let asked = e.keys.into_inner();
                let allowed: Vec<&str> = match kinds.contains(&name) {
                    true => KEPT_FIELDS.to_vec(),
                    false => vec![field::TS, field::EVENT],
                };
                let extra: Vec<&String> = asked
                    .iter()
                    .filter(|k| !allowed.contains(&k.as_str()))
                    .collect();
                assert!(
                    extra.is_empty(),
                    "{summary}, {name}: {extra:?} read but not kept"
                );
            }
        }
    }
}
