//! `runs --json` printed on every core: half a million runs are over a
//! hundred megabytes of JSON, and making it took as long as reading the
//! logs. Threads render batches of runs in turn; the batches are emitted in
//! order, so the bytes are the ones one thread writes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use tooltrail_core::Error;
use tooltrail_json::write_ordered;

use super::parallel::threads;
use super::{RunList, run_value};

/// Runs per batch; below two batches one thread prints them (small answers
/// keep the memory they took).
const BATCH: usize = 16_384;

/// Writes `runs` as `tooltrail runs --json` prints them (one JSON array and
/// a newline), handing the bytes to `emit` in order, in pieces.
pub fn write_runs_json<E: From<Error>>(
    runs: &RunList,
    emit: &mut dyn FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    write_on(threads(), runs, emit)
}

/// [`write_runs_json`] on up to `threads` threads.
fn write_on<E: From<Error>>(
    threads: usize,
    runs: &RunList,
    emit: &mut dyn FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let batches = runs.len().div_ceil(BATCH);
    let threads = threads.min(batches);
    emit(b"[")?;
    if threads < 2 {
        let mut bytes = Vec::new();
        for i in 0..runs.len() {
            render(runs, i, &mut bytes)?;
            if bytes.len() >= 1 << 16 {
                emit(&bytes)?;
                bytes.clear();
            }
        }
        emit(&bytes)?;
        return emit(b"]\n");
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        // Bounded: a thread waits for its batch to be taken before it takes
        // another, so at most two batches per thread are held.
        let (tx, rx) = mpsc::sync_channel::<(usize, Result<Vec<u8>, Error>)>(threads);
        for _ in 0..threads {
            let (tx, next) = (tx.clone(), &next);
            s.spawn(move || {
                loop {
                    let b = next.fetch_add(1, Ordering::Relaxed);
                    if b >= batches {
                        return;
                    }
                    let mut bytes = Vec::new();
                    let end = ((b + 1) * BATCH).min(runs.len());
                    let done = (b * BATCH..end).try_for_each(|i| render(runs, i, &mut bytes));
                    if tx.send((b, done.map(|()| bytes))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        for (b, bytes) in rx {
            waiting.insert(b, bytes);
            while let Some(bytes) = waiting.remove(&want) {
                // An error ends the answer; dropping `rx` stops the threads.
                emit(&bytes?)?;
                want += 1;
            }
        }
        emit(b"]\n")
    })
}

/// The `i`th run's JSON, after a comma unless it is the first.
fn render(runs: &RunList, i: usize, bytes: &mut Vec<u8>) -> Result<(), Error> {
    if i > 0 {
        bytes.push(b',');
    }
    write_ordered(&run_value(&runs.summary_at(i)), bytes).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RunFilter, RunsAcc};
    use tooltrail_json::parse_json;

    #[test]
    fn every_thread_count_prints_the_same_bytes() {
        let mut acc = RunsAcc::default();
        for r in 0..(2 * BATCH + 100) {
            let line = format!(
                r#"{{"ts":"2026-11-24T19:57:40.{:06}Z","event":"tool_call","run_id":"r{r}","tool":"t{}"}}"#,
                r % 1_000_000,
                r % 3
            );
            acc.absorb(&parse_json(line.as_bytes()).unwrap());
        }
        let runs = acc.finish(&RunFilter::default());
        let print = |threads: usize| {
            let mut out = Vec::new();
            write_on(threads, &runs, &mut |b: &[u8]| -> Result<(), Error> {
                out.extend_from_slice(b);
                Ok(())
            })
            .unwrap();
            out
        };
        let one = print(1);
        assert!(one.starts_with(b"[{") && one.ends_with(b"}]\n"));
        assert_eq!(print(2), one);
        assert_eq!(print(5), one);
    }
}
