//! Merging the runs read from two consecutive parts of the logs, so that
//! the result is what reading both parts in order gives: every field of a
//! run is either order-free (counts, the earliest start by instant) or
//! decided by which part came first (first user seen, tools in the order
//! first called, the last `run_end`).

use std::sync::Arc;

use super::{NO_START, Run, RunsAcc};
use crate::names::{NONE, Sym};

impl RunsAcc {
    /// Adds the runs of `later`, read from the logs right after the events
    /// this one holds.
    pub(crate) fn merge(&mut self, later: RunsAcc) {
        if self.runs.is_empty() {
            *self = later;
            return;
        }
        let RunsAcc {
            runs, names, ended, ..
        } = later;
        // `later`'s numbers for names, as numbers in this table.
        let map: Vec<Sym> = names.iter().map(|n| self.names.sym(n)).collect();
        let re = |s: Sym| if s == NONE { NONE } else { map[s as usize] };
        for (mut run, run_ended) in runs.into_iter().zip(ended) {
            run.user = re(run.user);
            run.agent = re(run.agent);
            run.stop = re(run.stop);
            run.tools.iter_mut().for_each(|s| *s = re(*s));
            run.classes.iter_mut().for_each(|s| *s = re(*s));
            match self.index.get(&run.id) {
                Some(&i) => {
                    self.runs[i as usize].then(run, run_ended);
                    self.ended[i as usize] |= run_ended;
                }
                None => {
                    let i = u32::try_from(self.runs.len()).expect("fewer than 2^32 runs");
                    self.index.insert(Arc::clone(&run.id), i);
                    self.runs.push(run);
                    self.ended.push(run_ended);
                }
            }
        }
    }
}

impl Run {
    /// Takes in what `later` (the same run, from later in the logs, names
    /// already renumbered) read, as `absorb` would have taken its events.
    fn then(&mut self, later: Run, later_ended: bool) {
        // `later`'s start stands for its events' starts: the earliest by
        // instant (the first of equal ones), else the first unreadable time.
        let earlier = match (later.start_us(), self.start_us()) {
            (Some(t), Some(start)) => t < start,
            (Some(_), None) => true,
            (None, _) => {
                later.start_text.is_some() && self.start == NO_START && self.start_text.is_none()
            }
        };
        if earlier {
            self.start = later.start;
            self.start_text = later.start_text;
        }
        if self.user == NONE {
            self.user = later.user;
        }
        if self.agent == NONE {
            self.agent = later.agent;
        }
        if self.request.is_none() {
            self.request = later.request;
        }
        for &t in &later.tools {
            super::insert(&mut self.tools, t);
        }
        for &c in &later.classes {
            super::insert(&mut self.classes, c);
        }
        self.tool_calls = self.tool_calls.saturating_add(later.tool_calls);
        self.errors = self.errors.saturating_add(later.errors);
        self.refused = self.refused.saturating_add(later.refused);
        if later_ended {
            // The last `run_end` read decides, as in `absorb`.
            self.stop = later.stop;
            self.duration_ms = later.duration_ms;
            self.spend_usd = later.spend_usd;
        }
    }
}
