//! `show` over chunks: a run's events are a few lines among millions, so
//! each block of lines is searched, as `grep -F` would, for the lines that
//! may matter: those holding the run id's bytes, a drop report's name
//! (`writer_dropped`: the gaps count them), or a backslash (an escape may
//! spell either, `\u0072…`). Only those lines are read: parsed in full,
//! each checked field by field (the bytes may sit in another field), and
//! counted as skipped if they are not an event. The other lines are not
//! read at all, as the run index does not read other runs' batches: what
//! the logs say is missing is what the lines read say (`tooltrail gaps`
//! checks every line).

use std::iter::Peekable;

use memchr::memmem::Finder;
use memchr::{memchr, memchr_iter, memrchr};
use tooltrail_core::schema::{event, field};
use tooltrail_json::{Value, parse_json};

use super::MAX_LINE_BYTES;
use super::chunks::Block;
use super::parallel::Work;
use super::{Gaps, str_field};

/// Finds one run's events.
pub(crate) struct Show {
    run_id: String,
    id: Finder<'static>,
    drops: Finder<'static>,
}

/// One chunk's events of the run, in log order, and its gaps.
#[derive(Default)]
pub(crate) struct ShowPart {
    pub(crate) events: Vec<Value>,
    pub(crate) gaps: Gaps,
}

impl Show {
    /// Looks for the events of `run_id`.
    pub(crate) fn new(run_id: &str) -> Self {
        Show {
            run_id: run_id.to_owned(),
            id: Finder::new(run_id.as_bytes()).into_owned(),
            drops: Finder::new(event::WRITER_DROPPED).into_owned(),
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

/// Moves `hits` past `end`.
fn skip_to(hits: &mut Peekable<impl Iterator<Item = usize>>, end: usize) {
    while hits.next_if(|&h| h < end).is_some() {}
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
        // The lines to read, in log order: those holding the id's bytes, a
        // drop report's name, or an escape (which may spell either).
        let mut ids = self.id.find_iter(lines).peekable();
        let mut drops = self.drops.find_iter(lines).peekable();
        let mut escapes = memchr_iter(b'\\', lines).peekable();
        let mut from = 0;
        while let Some(hit) = [ids.peek(), drops.peek(), escapes.peek()]
            .into_iter()
            .flatten()
            .min()
            .copied()
            // An empty id matches at the end too, past every line.
            .filter(|&hit| hit < lines.len())
        {
            let start = memrchr(b'\n', &lines[from..hit]).map_or(from, |n| from + n + 1);
            let (line, next) = match memchr(b'\n', &lines[hit..]) {
                Some(n) => (&lines[start..hit + n], hit + n + 1),
                None => (&lines[start..], lines.len()),
            };
            // The limit counts the `\n`, as `for_each_line` does.
            if next - start > MAX_LINE_BYTES {
                p.gaps.skip_too_long();
            } else {
                self.parse(p, line);
            }
            skip_to(&mut ids, next);
            skip_to(&mut drops, next);
            skip_to(&mut escapes, next);
            from = next;
        }
    }
}
