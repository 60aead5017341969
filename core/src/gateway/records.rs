//! A tool call's two events as facts, serialized by one renderer.
//!
//! `begin` and `finish` decide everything on the caller's thread (ids,
//! `seq`, time, refusals, redaction) and record it here; turning the facts
//! into bytes (the timestamp, escaped ids, and above all the args' RFC 8785
//! form and SHA-256) is left to [`DeferredLine::render`], which the writer's
//! thread runs when the event goes to an `EventWriter`, or `Event::line` runs
//! for anyone else. One renderer either way, so the bytes cannot differ.

use std::sync::Arc;

use super::error_value;
use super::line::{Event, Line};
use super::types::CallArgs;
use crate::error::CanonError;
use crate::hash::HashScheme;
use crate::schema::{DECISION_ALLOW, DECISION_BLOCK, event, field};
use crate::value::Value;
use crate::writer::DeferredLine;

/// What a `tool_call` line says about the args' hash.
pub(crate) enum ArgsHash {
    /// Nothing (`store_args_hash: false`).
    Off,
    /// Hashed at `begin`, because the loop guard needed it.
    Known(Result<String, CanonError>, HashScheme),
    /// Hashed when the line is rendered.
    Later {
        args: CallArgs,
        key: Option<Arc<[u8]>>,
    },
}

/// The facts of a `tool_call` event.
pub(crate) struct CallFacts {
    pub at_us: i64,
    /// `,"run_id":…,"trace_id":…,"span_id":…,…`, serialized by `common`.
    pub common: Arc<[u8]>,
    pub tool: Arc<str>,
    pub seq: u64,
    pub parent_span_id: Option<String>,
    pub hash: ArgsHash,
    /// The redacted args, when the call stores them.
    pub args: Option<Value>,
    /// The loop guard's warning count.
    pub loop_count: Option<u64>,
    /// The `error_class` of a refused call.
    pub refused: Option<&'static str>,
}

/// The facts of a `tool_result` event.
pub(crate) struct ResultFacts {
    pub at_us: i64,
    pub common: Arc<[u8]>,
    pub tool: Arc<str>,
    pub seq: u64,
    pub elapsed_us: i64,
    /// The tool's timeout, when the call ran past it (and did not time out).
    pub deadline_exceeded_us: Option<i64>,
    pub error_class: Option<String>,
    /// Redacted and truncated.
    pub error_message: Option<String>,
    /// `result` (redacted) or `result_error`, when the call stores results.
    pub result: Option<(&'static str, Value)>,
}

impl CallFacts {
    /// The event: deferred when it is the usual allowed call.
    pub fn into_event(self) -> Event {
        Event::deferred(event::TOOL_CALL, Box::new(self))
    }
}

impl ResultFacts {
    /// The event, deferred.
    pub fn into_event(self) -> Event {
        Event::deferred(event::TOOL_RESULT, Box::new(self))
    }
}

/// Room for the fixed fields (ts, names, hash, seq, decision).
const FIXED_LEN: usize = 256;

impl DeferredLine for CallFacts {
    fn render(&self, out: &mut Vec<u8>) {
        let mut line = Line::on(event::TOOL_CALL, self.at_us, std::mem::take(out));
        line.raw(&self.common)
            .str(field::TOOL, &self.tool)
            .num(field::SEQ, self.seq as f64)
            .opt_str(field::PARENT_SPAN_ID, self.parent_span_id.as_deref());
        let later;
        let hashed = match &self.hash {
            ArgsHash::Off => None,
            ArgsHash::Known(hash, scheme) => Some((hash, *scheme)),
            ArgsHash::Later { args, key } => {
                later = args.hash(key.as_deref());
                Some((&later, scheme_of(key.as_deref())))
            }
        };
        if let Some((hash, scheme)) = hashed {
            match hash {
                Ok(h) => line.plain(field::ARGS_HASH, h),
                // Principle 1: an unhashable argument never fails the call.
                Err(e) => line
                    .opt_str(field::ARGS_HASH, None)
                    .value(field::ARGS_ERROR, &error_value(e)),
            };
            line.plain(field::HASH_ALG, scheme.as_str());
        }
        if let Some(args) = &self.args {
            line.value(field::ARGS, args);
        }
        if let Some(n) = self.loop_count {
            line.num(field::LOOP_COUNT, n as f64);
        }
        match self.refused {
            None => line.str(field::DECISION, DECISION_ALLOW),
            Some(class) => line
                .str(field::DECISION, DECISION_BLOCK)
                .bool(field::OK, false)
                .str(field::ERROR_CLASS, class),
        };
        *out = line.finish_bytes();
    }

    fn len_hint(&self) -> usize {
        let args = match &self.hash {
            ArgsHash::Later {
                args: CallArgs::Json { text },
                ..
            } => text.len(),
            _ => 0,
        };
        FIXED_LEN + self.common.len() + self.tool.len() + args
    }
}

impl DeferredLine for ResultFacts {
    fn render(&self, out: &mut Vec<u8>) {
        let mut line = Line::on(event::TOOL_RESULT, self.at_us, std::mem::take(out));
        line.raw(&self.common)
            .str(field::TOOL, &self.tool)
            .num(field::SEQ, self.seq as f64)
            // Microsecond precision, printed as a decimal number of milliseconds.
            .millis(field::LATENCY_MS, self.elapsed_us)
            .bool(field::OK, self.error_class.is_none());
        if let Some(deadline) = self.deadline_exceeded_us {
            line.millis(field::DEADLINE_MS, deadline)
                .bool(field::DEADLINE_EXCEEDED, true);
        }
        if let Some(class) = &self.error_class {
            line.str(field::ERROR_CLASS, class);
        }
        if let Some(m) = &self.error_message {
            line.str(field::ERROR_MESSAGE, m);
        }
        if let Some((key, value)) = &self.result {
            line.value(key, value);
        }
        *out = line.finish_bytes();
    }

    fn len_hint(&self) -> usize {
        FIXED_LEN
            + self.common.len()
            + self.tool.len()
            + self.error_message.as_ref().map_or(0, String::len)
    }
}

/// Which hash a key makes.
pub(crate) fn scheme_of(key: Option<&[u8]>) -> HashScheme {
    match key {
        Some(_) => HashScheme::HmacSha256,
        None => HashScheme::Sha256,
    }
}
