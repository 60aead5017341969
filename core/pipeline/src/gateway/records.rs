//! A tool call's two events as facts, serialized by one renderer.
//!
//! `begin` and `finish` decide everything on the caller's thread (ids,
//! `seq`, time, refusals, redaction) and record it here; turning the facts
//! into bytes (the timestamp, escaped ids, and above all the args' RFC 8785
//! form and SHA-256) is left to [`DeferredLine::render`], which the writer's
//! thread runs when the event goes to an `EventWriter`, or `Event::line` runs
//! for anyone else. One renderer either way, so the bytes cannot differ.

use std::cell::RefCell;

use super::common_ids::CommonIds;
use super::error_value;
use super::line::{Event, Line};
use super::packed::{Packed, Span, Words, prefetch_for_write};
use super::types::CallArgs;
use crate::schema::{DECISION_ALLOW, DECISION_BLOCK, event, field};
use crate::writer::DeferredLine;
use tooltrail_json::CanonError;
use tooltrail_json::Value;
use tooltrail_json::write_canonical;
use tooltrail_json::{HashScheme, digest_hex, stable_hash_text, with_canonical};

/// What a `tool_call` line says about the args' hash.
pub(crate) enum ArgsHash {
    /// Nothing (`store_args_hash: false`).
    Off,
    /// Known at `begin`: the loop guard needed it, or the args have no
    /// JSON form (the error).
    Known(Result<String, CanonError>, HashScheme),
    /// JSON text, canonicalized and hashed when rendered.
    Text { text: Span, key: Option<Span> },
    /// A tape (Node's): turned into JSON text, canonicalized and hashed
    /// when rendered.
    Tape {
        ops: Words,
        text: Words,
        key: Option<Span>,
    },
    /// Canonical bytes written at `begin` (a converted value's, so its tree
    /// is freed by the caller's thread), hashed when rendered.
    Canonical { bytes: Span, key: Option<Span> },
}

/// The facts of a `tool_call` event; its strings are in `bytes`.
pub(crate) struct CallFacts {
    pub at_us: i64,
    pub seq: u64,
    bytes: Packed,
    /// `,"run_id":…,"trace_id":…,"span_id":…,…`, serialized by `common`.
    common: Span,
    tool: Span,
    parent_span_id: Option<Span>,
    call_id: Option<Span>,
    pub hash: ArgsHash,
    /// The redacted args, when the call stores them.
    pub args: Option<Value>,
    /// The loop guard's warning count.
    pub loop_count: Option<u64>,
    /// The `error_class` of a refused call.
    pub refused: Option<&'static str>,
}

/// The facts of a `tool_result` event; its strings are in `bytes`.
pub(crate) struct ResultFacts {
    at_us: i64,
    seq: u64,
    elapsed_us: i64,
    bytes: Packed,
    common: Span,
    tool: Span,
    /// The tool's timeout, when the call ran past it (and did not time out).
    pub deadline_exceeded_us: Option<i64>,
    error_class: Option<Span>,
    /// Redacted and truncated.
    error_message: Option<Span>,
    /// `result` (redacted) or `result_error`, when the call stores results.
    pub result: Option<(&'static str, Value)>,
}

/// `Box<$ty>` with the fields given and an empty `bytes: Packed`, built in
/// the box: neither the struct (~650 bytes) is copied into it nor the
/// packed bytes' inline room zeroed, so only the cache lines written are
/// touched (the writer's thread reads them next). The box's lines are
/// asked for at once first ([`prefetch_for_write`]). Every field but `bytes`
/// must be given: the struct pattern below stops the build otherwise.
macro_rules! in_place {
    ($ty:ident { $($field:ident $(: $value:expr)?),* $(,)? }) => {{
        let mut boxed = Box::<$ty>::new_uninit();
        let p = boxed.as_mut_ptr();
        prefetch_for_write(p.cast::<u8>(), std::mem::size_of::<$ty>());
        // SAFETY: `p` is the box's, valid and aligned; every field is
        // written (the pattern lists them all) before `assume_init`.
        unsafe {
            $(std::ptr::addr_of_mut!((*p).$field).write(in_place!(@value $field $(: $value)?));)*
            Packed::init_at(std::ptr::addr_of_mut!((*p).bytes));
            let facts = boxed.assume_init();
            let $ty { bytes: _, $($field: _),* } = &*facts;
            facts
        }
    }};
    (@value $field:ident : $value:expr) => { $value };
    (@value $field:ident) => { $field };
}

impl CallFacts {
    /// A call's facts, without hash, args or verdict yet, built in their
    /// box (see [`in_place`]).
    pub(super) fn new(
        at_us: i64,
        seq: u64,
        common: &CommonIds,
        tool: &str,
        parent_span_id: Option<&str>,
    ) -> Box<Self> {
        let mut facts = in_place!(Self {
            at_us,
            seq,
            common: Span::EMPTY,
            tool: Span::EMPTY,
            parent_span_id: None,
            call_id: None,
            hash: ArgsHash::Off,
            args: None,
            loop_count: None,
            refused: None,
        });
        let bytes = &mut facts.bytes;
        facts.common = common.with_parts(|p| bytes.push_parts(&p));
        facts.tool = bytes.push_str(tool);
        facts.parent_span_id = parent_span_id.map(|p| bytes.push_str(p));
        facts
    }

    /// The framework's id of the call, when it has one.
    pub(super) fn set_call_id(&mut self, call_id: Option<&str>) {
        self.call_id = call_id.map(|c| self.bytes.push_str(c));
    }

    /// Leaves the args' hash to the renderer: JSON text is copied as is; a
    /// value is written in canonical form now.
    pub(super) fn hash_later(&mut self, args: &CallArgs, key: Option<&[u8]>) {
        let key_span = key.map(|k| self.bytes.push(k));
        self.hash = match args {
            CallArgs::Json { text } => ArgsHash::Text {
                text: self.bytes.push_str(text),
                key: key_span,
            },
            CallArgs::Tape { ops, text } => ArgsHash::Tape {
                ops: self.bytes.push_words(ops),
                text: self.bytes.push_words(text),
                key: key_span,
            },
            CallArgs::Value(Err(e)) => ArgsHash::Known(Err(e.clone()), HashScheme::for_key(key)),
            CallArgs::Value(Ok(v)) => self.canonical(|out| write_canonical(v, out), key, key_span),
            CallArgs::Host(host) => {
                self.canonical(|out| tooltrail_json::walk::write(*host, out), key, key_span)
            }
        };
    }

    /// The hash to take of the canonical bytes `write` appends, or of why
    /// there are none.
    fn canonical(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), CanonError>,
        key: Option<&[u8]>,
        key_span: Option<Span>,
    ) -> ArgsHash {
        let bytes = &mut self.bytes;
        match with_canonical(write, |b| bytes.push(b)) {
            Ok(bytes) => ArgsHash::Canonical {
                bytes,
                key: key_span,
            },
            Err(e) => ArgsHash::Known(Err(e), HashScheme::for_key(key)),
        }
    }

    /// The event, deferred.
    pub(super) fn into_event(self: Box<Self>) -> Event {
        Event::deferred(event::TOOL_CALL, self)
    }
}

impl ResultFacts {
    /// A result's facts, without deadline or result yet.
    pub(super) fn new(
        (at_us, seq, elapsed_us): (i64, u64, i64),
        common: &CommonIds,
        tool: &str,
        error_class: Option<&str>,
        error_message: Option<&str>,
    ) -> Box<Self> {
        let mut facts = in_place!(Self {
            at_us,
            seq,
            elapsed_us,
            common: Span::EMPTY,
            tool: Span::EMPTY,
            deadline_exceeded_us: None,
            error_class: None,
            error_message: None,
            result: None,
        });
        let bytes = &mut facts.bytes;
        facts.common = common.with_parts(|p| bytes.push_parts(&p));
        facts.tool = bytes.push_str(tool);
        facts.error_class = error_class.map(|c| bytes.push_str(c));
        facts.error_message = error_message.map(|m| bytes.push_str(m));
        facts
    }

    /// The event, deferred.
    pub(super) fn into_event(self: Box<Self>) -> Event {
        Event::deferred(event::TOOL_RESULT, self)
    }
}

/// Runs `f` with a tape's two decode buffers, kept per thread (the
/// writer's renders every Node call's tape; a nested call gets fresh ones).
fn with_words<R>(f: impl FnOnce((&mut Vec<i32>, &mut Vec<u16>)) -> R) -> R {
    thread_local!(static WORDS: RefCell<(Vec<i32>, Vec<u16>)> = const { RefCell::new((Vec::new(), Vec::new())) });
    WORDS.with(|cell| {
        let mut fresh = (Vec::new(), Vec::new());
        let mut kept = cell.try_borrow_mut();
        let (ops, text) = kept.as_deref_mut().unwrap_or(&mut fresh);
        let out = f((&mut *ops, &mut *text));
        // Keep typical buffers; let huge ones go.
        if ops.capacity() > 1 << 14 || text.capacity() > 1 << 16 {
            *ops = Vec::new();
            *text = Vec::new();
        }
        out
    })
}

/// Room for the fixed fields (ts, names, hash, seq, decision).
const FIXED_LEN: usize = 256;

impl DeferredLine for CallFacts {
    fn render(&self, out: &mut Vec<u8>) {
        let b = &self.bytes;
        let mut line = Line::on(event::TOOL_CALL, self.at_us, std::mem::take(out));
        line.raw(b.get(self.common))
            .str(field::TOOL, b.str(self.tool))
            .num(field::SEQ, self.seq as f64)
            .opt_str(field::PARENT_SPAN_ID, self.parent_span_id.map(|p| b.str(p)));
        if let Some(call_id) = self.call_id {
            line.str(field::CALL_ID, b.str(call_id));
        }
        let key = |k: &Option<Span>| k.map(|k| b.get(k));
        let later;
        let hashed = match &self.hash {
            ArgsHash::Off => None,
            ArgsHash::Known(hash, scheme) => Some((hash, *scheme)),
            ArgsHash::Text { text, key: k } => {
                later = stable_hash_text(b.str(*text), key(k));
                Some((&later, HashScheme::for_key(key(k))))
            }
            ArgsHash::Tape { ops, text, key: k } => {
                later = with_words(|(o, t)| {
                    b.words_into(*ops, o);
                    b.words_into(*text, t);
                    CallArgs::Tape { ops: o, text: t }.hash(key(k))
                });
                Some((&later, HashScheme::for_key(key(k))))
            }
            ArgsHash::Canonical { bytes, key: k } => {
                later = Ok(digest_hex(b.get(*bytes), key(k)));
                Some((&later, HashScheme::for_key(key(k))))
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
        FIXED_LEN + self.bytes.len()
    }
}

impl DeferredLine for ResultFacts {
    fn render(&self, out: &mut Vec<u8>) {
        let b = &self.bytes;
        let mut line = Line::on(event::TOOL_RESULT, self.at_us, std::mem::take(out));
        line.raw(b.get(self.common))
            .str(field::TOOL, b.str(self.tool))
            .num(field::SEQ, self.seq as f64)
            // Microsecond precision, printed as a decimal number of milliseconds.
            .millis(field::LATENCY_MS, self.elapsed_us)
            .bool(field::OK, self.error_class.is_none());
        if let Some(deadline) = self.deadline_exceeded_us {
            line.millis(field::DEADLINE_MS, deadline)
                .bool(field::DEADLINE_EXCEEDED, true);
        }
        if let Some(class) = self.error_class {
            line.str(field::ERROR_CLASS, b.str(class));
        }
        if let Some(m) = self.error_message {
            line.str(field::ERROR_MESSAGE, b.str(m));
        }
        if let Some((key, value)) = &self.result {
            line.value(key, value);
        }
        *out = line.finish_bytes();
    }

    fn len_hint(&self) -> usize {
        FIXED_LEN + self.bytes.len()
    }
}
