//! Ids, time and sampling for the gateway, each with a deterministic variant
//! so Python and Node can replay one scenario byte for byte.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::common_ids::SpanId;

/// Where span (and generated trace) ids come from.
#[derive(Debug)]
pub enum IdSource {
    /// OS randomness (the default), buffered.
    Random(Mutex<RandomPool>),
    /// `1, 2, 3, …` in hex, for tests and replays.
    Sequential(AtomicU64),
}

/// OS randomness drawn ahead, and the fork generation it was drawn in: a
/// forked child that kept its parent's bytes would draw the same ids as its
/// siblings and its parent.
#[derive(Debug)]
pub struct RandomPool {
    generation: u64,
    bytes: Vec<u8>,
}

impl IdSource {
    /// Random ids.
    pub fn random() -> Self {
        crate::fork::install_hook();
        IdSource::Random(Mutex::new(RandomPool {
            generation: crate::fork::generation(),
            bytes: Vec::new(),
        }))
    }

    fn next_u64(&self) -> u64 {
        match self {
            IdSource::Sequential(n) => n.fetch_add(1, Relaxed) + 1,
            IdSource::Random(pool) => {
                let mut pool = pool.lock().unwrap_or_else(|e| e.into_inner());
                let generation = crate::fork::generation();
                if pool.bytes.len() < 8 || pool.generation != generation {
                    let mut fresh = vec![0u8; 4096];
                    getrandom::fill(&mut fresh).expect("OS randomness");
                    *pool = RandomPool {
                        generation,
                        bytes: fresh,
                    };
                }
                let at = pool.bytes.len() - 8;
                let word = u64::from_le_bytes(pool.bytes[at..].try_into().expect("8 bytes"));
                pool.bytes.truncate(at);
                word.max(1) // all-zero ids are invalid in W3C Trace Context
            }
        }
    }

    /// A 16-hex-digit span id.
    pub fn span_id(&self) -> SpanId {
        SpanId::from_u64(self.next_u64())
    }

    /// A 32-hex-digit trace id.
    pub fn trace_id(&self) -> String {
        let (hi, lo) = (self.next_u64(), self.next_u64());
        tooltrail_json::hex_string(&(u128::from(hi) << 64 | u128::from(lo)).to_be_bytes())
    }
}

/// Microseconds since the Unix epoch.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// A clock that moves only when told (tests, replays).
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// Now, in microseconds since the epoch.
    pub fn now_us(&self) -> i64 {
        match self {
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_micros() as i64),
            Clock::Manual(t) => t.load(Relaxed),
        }
    }

    /// Moves a manual clock forward (no-op for the system clock).
    pub fn advance_us(&self, us: i64) {
        if let Clock::Manual(t) = self {
            t.fetch_add(us, Relaxed);
        }
    }
}

/// Microseconds since the epoch as an RFC 3339 timestamp.
pub fn timestamp_at(us: i64) -> String {
    crate::time::format_timestamp(UNIX_EPOCH + std::time::Duration::from_micros(us.max(0) as u64))
}

/// Whether results of `run_id` are sampled at `rate`: the first 8 bytes of
/// SHA-256(run_id) as a fraction of 2^64, below `rate`. Deterministic, so the
/// same run is sampled in every language and every process.
pub fn sampled(run_id: &str, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    let digest = Sha256::digest(run_id.as_bytes());
    let x = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (x as f64) / 18_446_744_073_709_551_616.0 < rate
}

/// A parsed W3C `traceparent` header: `00-<trace_id>-<parent_id>-<flags>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceParent {
    /// 32 lowercase hex digits.
    pub trace_id: String,
    /// 16 lowercase hex digits: the caller's span.
    pub parent_id: String,
    /// Trace flags (bit 0: sampled).
    pub flags: u8,
}

/// Whether `s` is a W3C id: `len` lowercase hex digits, not all zero.
pub fn is_w3c_id(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && s.bytes().any(|b| b != b'0')
}

impl TraceParent {
    /// Parses a header value; `None` if it is not valid version-00 syntax.
    pub fn parse(header: &str) -> Option<Self> {
        let mut parts = header.trim().split('-');
        let (version, trace, parent, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if version != "00"
            || parts.next().is_some()
            || !is_w3c_id(trace, 32)
            || !is_w3c_id(parent, 16)
            || flags.len() != 2
        {
            return None;
        }
        Some(Self {
            trace_id: trace.into(),
            parent_id: parent.into(),
            flags: u8::from_str_radix(flags, 16).ok()?,
        })
    }

    /// The header value for an outgoing call made from span `span_id`.
    pub fn format(trace_id: &str, span_id: &str, sampled: bool) -> String {
        format!("00-{trace_id}-{span_id}-{:02x}", u8::from(sampled))
    }
}

/// A W3C `traceparent` header value for an outgoing call made from span
/// `span_id` of trace `trace_id`; `None` unless both are valid lowercase hex
/// ids (32 and 16 digits, not all zero).
pub fn traceparent(trace_id: &str, span_id: &str, sampled: bool) -> Option<String> {
    (is_w3c_id(trace_id, 32) && is_w3c_id(span_id, 16))
        .then(|| TraceParent::format(trace_id, span_id, sampled))
}

/// Parses an incoming `traceparent` header: `(trace_id, parent_span_id,
/// sampled)`, or `None` if it is not valid version-00 syntax.
pub fn parse_traceparent(header: &str) -> Option<(String, String, bool)> {
    TraceParent::parse(header).map(|t| (t.trace_id, t.parent_id, t.flags & 1 == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_w3c_shaped() {
        let ids = IdSource::random();
        assert!(is_w3c_id(ids.span_id().as_str(), 16) && is_w3c_id(&ids.trace_id(), 32));
        assert_ne!(ids.span_id(), ids.span_id());
        let seq = IdSource::Sequential(AtomicU64::new(0));
        assert_eq!(seq.span_id().as_str(), "0000000000000001");
    }

    #[test]
    fn traceparent_round_trip() {
        let h = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let tp = TraceParent::parse(h).unwrap();
        assert_eq!(
            TraceParent::format(&tp.trace_id, &tp.parent_id, tp.flags & 1 == 1),
            h
        );
        for bad in [
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-0000-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        ] {
            assert_eq!(TraceParent::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn sampling_is_a_stable_fraction() {
        assert!(sampled("any", 1.0) && !sampled("any", 0.0));
        let hits = (0..10_000)
            .filter(|i| sampled(&format!("run-{i}"), 0.1))
            .count();
        assert!((800..1200).contains(&hits), "{hits}");
    }
}
