//! `show` over chunks: a run's events are a few lines among millions, so
//! each block of lines is first searched for the run id's bytes; only the
//! lines holding them are parsed, and then checked field by field (the
//! bytes may sit in another field). Every other line is only checked to be
//! an event (the skipped-line count must stay exact) by the [`Scanner`],
//! which also tells a `writer_dropped` report (parsed too: the gaps count
//! it); a line it cannot vouch for (escapes: the id may be spelled
//! `\u0072…`) is parsed in full.

use memchr::memmem::{FindIter, Finder};
use tooltrail_core::schema::field;
use tooltrail_json::{Value, parse_json};

use super::chunks::{Block, for_each_line};
use super::parallel::Work;
use super::scan::Scanner;
use super::{Gaps, str_field};

/// Finds one run's events.
pub(crate) struct Show {
    run_id: String,
    id: Finder<'static>,
}

/// One chunk's events of the run, in log order, and its gaps.
#[derive(Default)]
pub(crate) struct ShowPart {
    pub(crate) events: Vec<Value>,
    pub(crate) gaps: Gaps,
    scanner: Scanner,
}

impl Show {
    /// Looks for the events of `run_id`.
    pub(crate) fn new(run_id: &str) -> Self {
        Show {
            run_id: run_id.to_owned(),
            id: Finder::new(run_id.as_bytes()).into_owned(),
        }
    }

    /// A line parsed in full: an event (of the run, or a drop report) or a
    /// skipped line.
    fn parse(&self, p: &mut ShowPart, line: &[u8]) {
        match parse_json(line) {
            Ok(e @ Value::Object(_)) => {
                p.gaps.note_event(&e);
                if str_field(&e, field::RUN_ID) == Some(self.run_id.as_str()) {
                    p.events.push(e);
                }
            }
            _ => p.gaps.skipped_lines += 1,
        }
    }
}

/// Whether the next match of `hits` at or after `start` is before `end`.
fn holds(hits: &mut std::iter::Peekable<FindIter<'_, '_>>, start: usize, end: usize) -> bool {
    while hits.next_if(|&h| h < start).is_some() {}
    hits.peek().is_some_and(|&h| h < end)
}

impl Work for Show {
    type Part = ShowPart;

    fn part(&self, _first: bool) -> ShowPart {
        ShowPart::default()
    }

    fn block(&self, p: &mut ShowPart, block: Block<'_>) {
        let Some(lines) = block.lines(&mut p.gaps) else {
            return;
        };
        let mut ids = self.id.find_iter(lines).peekable();
        for_each_line(lines, |start, line, fits| {
            // The search moves on past this line whatever it is.
            let id = holds(&mut ids, start, start + line.len());
            if !fits {
                p.gaps.skip_too_long();
            } else if id || p.scanner.event_drops(line) != Some(false) {
                self.parse(p, line);
            }
        });
    }
}
