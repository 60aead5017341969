//! The writer's background thread.
//!
//! Shape from tracing-appender: block for the first message, drain what is
//! queued with `try_recv`, write the batch with one call. Added here: a linger
//! of up to `flush_interval` to grow batches, a control channel for real
//! `flush`/`close` acknowledgements, counters, `writer_dropped` reports, and
//! rate-limited stderr reports of sink failures.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TryRecvError, select};

use super::entry::Entry;
use super::sink::Sink;
use super::spec::SinkSpec;
use super::stats::{Counters, DropReason, PUBLISH_EVERY};
use crate::event::write_event_line;
use crate::schema::{event, field};
use crate::time::now_timestamp;
use tooltrail_json::Value;

/// Requests that need an answer from the worker.
pub(crate) enum Control {
    /// Write everything queued, flush the sink, answer whether it all went out.
    Flush(Sender<bool>),
    /// As `Flush`, then stop.
    Close(Sender<bool>),
}

/// Batch limits the worker applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BatchLimits {
    pub events: usize,
    pub bytes: usize,
    pub linger: Duration,
}

const ERROR_REPORT_EVERY: Duration = Duration::from_secs(60);

/// How often a lingering worker looks at the queue: short enough that the
/// queue absorbs a burst (65,536 events is ~65 ms at 1 µs per event), long
/// enough that polling costs nothing measurable.
const LINGER_POLL: Duration = Duration::from_millis(1);

pub(crate) struct Worker {
    pub rx: Receiver<Entry>,
    pub ctrl: Receiver<Control>,
    pub spec: SinkSpec,
    pub sink: Option<Box<dyn Sink>>,
    pub counters: Arc<Counters>,
    pub limits: BatchLimits,
    pub batch: Vec<u8>,
    pub batch_events: u64,
    /// Events (and their bytes) taken from the queue, not yet published to
    /// `counters` (see [`PUBLISH_EVERY`]).
    pub taken: (u64, usize),
    pub reported: [u64; 2],
    /// Sink-error drops as of the last flush/close answer: an answer is
    /// `false` if events were lost since the previous one, even if the failed
    /// write happened before this request arrived.
    pub sink_errors_answered: u64,
    pub last_error_report: Option<Instant>,
}

impl Worker {
    pub(super) fn run(mut self) {
        loop {
            let first = select! {
                recv(self.rx) -> line => line.map(Ok),
                recv(self.ctrl) -> cmd => cmd.map(Err),
            };
            match first {
                Err(_) => {
                    // Every handle is gone: write what is left and stop.
                    self.drain_all();
                    return;
                }
                Ok(Err(cmd)) => {
                    if self.control(cmd) {
                        return;
                    }
                    continue;
                }
                Ok(Ok(line)) => self.push(line),
            }
            let pending = self.fill_batch();
            self.write_batch();
            if let Some(cmd) = pending
                && self.control(cmd)
            {
                return;
            }
        }
    }

    /// Adds lines until the batch is full, the queue is empty past the linger
    /// deadline, or a control request arrives (returned to run after the write).
    fn fill_batch(&mut self) -> Option<Control> {
        let deadline = Instant::now() + self.limits.linger;
        while !self.batch_full() {
            match self.rx.try_recv() {
                Ok(line) => {
                    self.push(line);
                    continue;
                }
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => self.publish_taken(),
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            // Poll rather than block on the data channel: a receiver blocked
            // there is woken by every send, and that wake-up (a futex call
            // on both sides plus crossbeam's waker mutex) cost producers
            // more than everything else per event. Producers only pay for
            // a wake-up when the worker is idle (the `select!` in `run`).
            select! {
                recv(self.ctrl) -> cmd => {
                    // What was queued before the request goes in this batch.
                    while !self.batch_full() {
                        match self.rx.try_recv() {
                            Ok(line) => self.push(line),
                            Err(_) => break,
                        }
                    }
                    return cmd.ok();
                }
                default((deadline - now).min(LINGER_POLL)) => {}
            }
        }
        None
    }

    fn batch_full(&self) -> bool {
        self.batch_events as usize >= self.limits.events || self.batch.len() >= self.limits.bytes
    }

    fn push(&mut self, entry: Entry) {
        self.taken.0 += 1;
        self.taken.1 += entry.len();
        if self.taken.0 >= PUBLISH_EVERY {
            self.publish_taken();
        }
        entry.append_to(&mut self.batch);
        self.batch_events += 1;
    }

    /// Tells producers what was taken from the queue since the last time.
    fn publish_taken(&mut self) {
        let (events, bytes) = std::mem::take(&mut self.taken);
        if events > 0 {
            self.counters.take(events, bytes);
        }
    }

    /// Handles a control request; returns true when the worker must stop.
    fn control(&mut self, cmd: Control) -> bool {
        self.drain_all();
        let flushed = self.sink.as_mut().is_some_and(|s| s.flush().is_ok());
        let lost = self.counters.dropped(DropReason::SinkError);
        let ok = flushed && lost == self.sink_errors_answered;
        self.sink_errors_answered = lost;
        match cmd {
            Control::Flush(ack) => {
                let _ = ack.send(ok);
                false
            }
            Control::Close(ack) => {
                let _ = ack.send(ok);
                true
            }
        }
    }

    /// Writes everything queued now (bounded by the queue length on entry, so
    /// a flush cannot be starved by producers that keep going).
    fn drain_all(&mut self) {
        let mut budget = self.rx.len();
        while budget > 0 {
            match self.rx.try_recv() {
                Ok(line) => self.push(line),
                Err(_) => break,
            }
            budget -= 1;
            if self.batch_full() {
                self.write_batch();
            }
        }
        self.write_batch();
    }

    fn sink(&mut self) -> io::Result<&mut Box<dyn Sink>> {
        if self.sink.is_none() {
            self.sink = Some(self.spec.open()?);
        }
        Ok(self.sink.as_mut().expect("just opened"))
    }

    fn write_batch(&mut self) {
        // Published before the write, which may take long (a stalled sink).
        self.publish_taken();
        if self.batch_events == 0 {
            return;
        }
        let n = self.batch_events;
        let batch = std::mem::take(&mut self.batch);
        let result = self.sink().and_then(|s| s.write_batch(&batch));
        self.batch = batch;
        self.batch.clear();
        self.batch_events = 0;
        match result {
            Ok(()) => {
                self.counters.count_written(n);
                self.report_drops();
            }
            Err(e) => {
                self.counters.count_write_error();
                self.counters.count_drop(DropReason::SinkError, n);
                self.report_error(&e);
            }
        }
    }

    /// After a successful write, says how many events were lost since the last
    /// report, one `writer_dropped` line per reason.
    fn report_drops(&mut self) {
        for (slot, reason) in [DropReason::QueueFull, DropReason::SinkError]
            .into_iter()
            .enumerate()
        {
            let total = self.counters.dropped(reason);
            let count = total - self.reported[slot];
            if count == 0 {
                continue;
            }
            let line = dropped_line(count, reason);
            if let Ok(sink) = self.sink()
                && sink.write_batch(line.as_bytes()).is_ok()
            {
                self.reported[slot] = total;
                self.counters.count_drop_report();
            }
        }
    }

    fn report_error(&mut self, e: &io::Error) {
        let due = self
            .last_error_report
            .is_none_or(|t| t.elapsed() >= ERROR_REPORT_EVERY);
        if !due {
            return;
        }
        self.last_error_report = Some(Instant::now());
        let target = self
            .sink
            .as_ref()
            .map_or_else(|| format!("{:?}", self.spec), |s| s.describe());
        eprintln!(
            "tooltrail: cannot write events to {target}: {e} ({} events dropped so far; \
             writing resumes when the sink recovers; next report in at most 60 s)",
            self.counters.dropped(DropReason::SinkError)
        );
    }
}

/// The `writer_dropped` event line, ids null: it belongs to no run.
pub(crate) fn dropped_line(count: u64, reason: DropReason) -> String {
    let fields = Value::object([
        (field::RUN_ID, Value::Null),
        (field::TRACE_ID, Value::Null),
        (field::SPAN_ID, Value::Null),
        (field::REQUEST_ID, Value::Null),
        (field::USER_ID, Value::Null),
        (field::COUNT, Value::Number(count as f64)),
        (field::REASON, Value::from(reason.as_str())),
    ]);
    let mut line = Vec::with_capacity(192);
    // Nulls, a finite number and a fixed word always serialize (on an error
    // the line would stay empty, and an empty write is harmless).
    let _ = write_event_line(event::WRITER_DROPPED, &fields, now_timestamp, &mut line);
    String::from_utf8(line).expect("UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_lines_fit_the_schema() {
        for reason in DropReason::ALL {
            let line = dropped_line(7, reason);
            assert!(line.ends_with(&format!(
                "\"count\":7,\"reason\":\"{}\"}}\n",
                reason.as_str()
            )));
            let spec = crate::schema::validate_line(line.as_bytes()).unwrap();
            assert_eq!(spec.name, event::WRITER_DROPPED);
        }
    }
}
