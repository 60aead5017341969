//! `tail` over chunks: each chunk keeps its last `n` events, the merge the
//! last `n` of those. Every line is still checked to be an event (the
//! skipped-line count must stay exact, and drop reports are counted), but
//! only the lines that may be kept are parsed: per block of lines, its
//! last `n` events.

use std::collections::VecDeque;

use tooltrail_json::{Value, parse_json};

use super::Gaps;
use super::chunks::{Block, for_each_line};
use super::parallel::Work;
use super::scan::Scanner;

/// The last `n` events.
pub(crate) struct Last(pub(crate) usize);

/// One chunk's last events, in log order, and its gaps.
#[derive(Default)]
pub(crate) struct LastPart {
    pub(crate) events: VecDeque<Value>,
    pub(crate) gaps: Gaps,
    scanner: Scanner,
    /// The block's events so far that may be kept: (start, length).
    lines: VecDeque<(usize, usize)>,
}

/// Appends `later` to `kept`, keeping the last `n`.
pub(crate) fn keep_last(
    kept: &mut VecDeque<Value>,
    later: impl IntoIterator<Item = Value>,
    n: usize,
) {
    for e in later {
        if kept.len() == n {
            kept.pop_front();
        }
        if n > 0 {
            kept.push_back(e);
        }
    }
}

impl Work for Last {
    type Part = LastPart;

    fn part(&self, _first: bool) -> LastPart {
        LastPart::default()
    }

    fn block(&self, p: &mut LastPart, block: Block<'_>) {
        let Some(lines) = block.lines(&mut p.gaps) else {
            return;
        };
        p.lines.clear();
        for_each_line(lines, |start, line, fits| {
            if !fits {
                p.gaps.skip_too_long();
                return;
            }
            let event = p.scanner.event_drops(line) == Some(false)
                || match parse_json(line) {
                    Ok(e @ Value::Object(_)) => {
                        p.gaps.note_event(&e);
                        true
                    }
                    _ => {
                        p.gaps.skipped_lines += 1;
                        false
                    }
                };
            if event && self.0 > 0 {
                if p.lines.len() == self.0 {
                    p.lines.pop_front();
                }
                p.lines.push_back((start, line.len()));
            }
        });
        let parsed = p.lines.iter().filter_map(|&(start, len)| {
            // An event, so an object (checked above).
            parse_json(&lines[start..start + len]).ok()
        });
        keep_last(&mut p.events, parsed, self.0);
    }
}
