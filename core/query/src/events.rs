//! Chunks of lines as events, for the queries that summarise every event
//! (`runs`, `stats`, `loops`): each line is read by the [`Scanner`] when it
//! can, parsed in full otherwise, and counted as skipped when it is not an
//! event, exactly as [`EventReader`](super::EventReader) does.

use tooltrail_json::{Value, parse_json};

use super::Gaps;
use super::chunks::{Block, for_each_line};
use super::parallel::Work;
use super::scan::{Fields, Scanner};

/// What a query does with events: an empty summary of a part of the logs,
/// and one event taken into it.
pub(crate) trait Absorb: Sync {
    /// A part's summary.
    type Part: Send;
    /// An empty one (`first`: for the start of the logs).
    fn part(&self, first: bool) -> Self::Part;
    /// Takes one event into `part`.
    fn absorb(&self, part: &mut Self::Part, e: &impl Fields);
    /// [`absorb`](Self::absorb), for a query that may keep some events'
    /// `line` (as written) to parse them in full later.
    fn absorb_line(&self, part: &mut Self::Part, e: &impl Fields, _line: &[u8]) {
        self.absorb(part, e);
    }
}

/// A query's [`Absorb`] as chunk [`Work`].
pub(crate) struct Events<A>(pub(crate) A);

/// One chunk's summary, and what its lines say is missing.
pub(crate) struct EventsPart<P> {
    pub(crate) part: P,
    pub(crate) gaps: Gaps,
    scanner: Scanner,
}

impl<A: Absorb> Work for Events<A> {
    type Part = EventsPart<A::Part>;

    fn part(&self, first: bool) -> Self::Part {
        EventsPart {
            part: self.0.part(first),
            gaps: Gaps::default(),
            scanner: Scanner::default(),
        }
    }

    fn block(&self, p: &mut Self::Part, block: Block<'_>) {
        let Some(lines) = block.lines(&mut p.gaps) else {
            return;
        };
        for_each_line(lines, |_, line, fits| {
            if !fits {
                p.gaps.skip_too_long();
                return;
            };
            if let Some(view) = p.scanner.view(line) {
                p.gaps.note_event(&view);
                self.0.absorb_line(&mut p.part, &view, line);
                return;
            }
            match parse_json(line) {
                Ok(e @ Value::Object(_)) => {
                    p.gaps.note_event(&e);
                    self.0.absorb_line(&mut p.part, &e, line);
                }
                _ => p.gaps.skipped_lines += 1,
            }
        });
    }
}
