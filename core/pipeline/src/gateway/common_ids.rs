//! The ids every event carries, serialized: `,"run_id":…,"trace_id":…,
//! "span_id":…,"request_id":…,"user_id":…` and `agent_id`.
//!
//! A run's calls repeat one context, so its ids are escaped once and shared
//! ([`CtxIds`], behind an `Arc` the caller's thread alone touches); only the
//! span changes from call to call, and it is 16 hex digits kept inline
//! ([`SpanId`]). Building a call's ids is then a reference count and a
//! 16-byte copy: no allocation, no escaping.

use std::sync::Arc;

use super::ctx::RunCtx;
use super::line::Line;
use crate::schema::field;

/// A span id: 16 lowercase hex digits, inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SpanId([u8; 16]);

impl SpanId {
    /// The id of `n` (big-endian hex, as W3C Trace Context writes it).
    pub(crate) fn from_u64(n: u64) -> Self {
        let mut hex = [0u8; 16];
        tooltrail_json::write_hex(&n.to_be_bytes(), &mut hex);
        SpanId(hex)
    }

    /// The 16 hex digits.
    pub fn as_str(&self) -> &str {
        // Hex digits only (`from_u64`).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Debug for SpanId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A context's id members, before and after the span id.
#[derive(Debug)]
pub(crate) struct CtxIds {
    before_span: Vec<u8>,
    after_span: Vec<u8>,
}

/// One event's ids: its context's, shared, and its span.
#[derive(Debug, Clone)]
pub(crate) struct CommonIds {
    ctx: Arc<CtxIds>,
    span: Option<SpanId>,
}

impl CommonIds {
    /// Calls `f` with the three byte strings that make the members, in
    /// order: the context's before the span, `"span_id"` with the span's
    /// hex (or `null`), the context's after it.
    pub(crate) fn with_parts<R>(&self, f: impl FnOnce([&[u8]; 3]) -> R) -> R {
        let mut member = *br#","span_id":"0000000000000000""#;
        let span: &[u8] = match &self.span {
            Some(s) => {
                member[12..28].copy_from_slice(&s.0);
                &member
            }
            None => br#","span_id":null"#,
        };
        f([&self.ctx.before_span, span, &self.ctx.after_span])
    }

    /// The same ids with another span (a model call in a run: the run's
    /// ids, the call's own span).
    pub(crate) fn with_span(&self, span: SpanId) -> CommonIds {
        CommonIds {
            ctx: Arc::clone(&self.ctx),
            span: Some(span),
        }
    }

    /// The span id, if the event has one.
    pub(crate) fn span(&self) -> Option<&SpanId> {
        self.span.as_ref()
    }

    /// The members as one byte string.
    pub(crate) fn to_vec(&self) -> Vec<u8> {
        self.with_parts(|parts| parts.concat())
    }
}

/// The last context serialized, kept by the gateway: its ids are reused
/// while calls repeat it.
#[derive(Debug)]
pub(crate) struct LastIds {
    ctx: RunCtx,
    /// The agent of the call's run when the context names none.
    run_agent: Option<String>,
    ids: Arc<CtxIds>,
}

impl LastIds {
    /// `ctx`'s ids (with `agent`: the context's, else the run's, else the
    /// configured one) and span `span`, serialized; reuses `last`'s when
    /// the context is the same.
    pub(super) fn common(
        last: &mut Option<LastIds>,
        ctx: &RunCtx,
        run_agent: Option<&str>,
        default_agent: Option<&str>,
        span: Option<&SpanId>,
    ) -> CommonIds {
        if last
            .as_ref()
            .is_none_or(|l| l.ctx != *ctx || l.run_agent.as_deref() != run_agent)
        {
            let mut before = Line::members();
            before
                .opt_str(field::RUN_ID, ctx.run_id.as_deref())
                .opt_str(field::TRACE_ID, ctx.trace_id.as_deref());
            let mut after = Line::members();
            after
                .opt_str(field::REQUEST_ID, ctx.request_id.as_deref())
                .opt_str(field::USER_ID, ctx.user_id.as_deref());
            let agent = ctx.agent_id.as_deref().or(run_agent);
            if let Some(agent) = agent.or(default_agent) {
                after.str(field::AGENT_ID, agent);
            }
            *last = Some(LastIds {
                ctx: ctx.clone(),
                run_agent: run_agent.map(str::to_owned),
                ids: Arc::new(CtxIds {
                    before_span: before.into_members(),
                    after_span: after.into_members(),
                }),
            });
        }
        CommonIds {
            ctx: Arc::clone(&last.as_ref().expect("set above").ids),
            span: span.copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_what_a_line_builder_writes() {
        let ctx = RunCtx {
            run_id: Some("r<\u{2028}>".into()),
            trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
            user_id: Some("u\"1".into()),
            ..RunCtx::default()
        };
        let span = SpanId::from_u64(0x00f0_67aa_0ba9_02b7);
        assert_eq!(span.as_str(), "00f067aa0ba902b7");
        for (span, agent) in [(Some(&span), None), (None, Some("a-1"))] {
            let mut last = None;
            let got = LastIds::common(&mut last, &ctx, agent, Some("default"), span);
            let again = LastIds::common(&mut last, &ctx, agent, Some("default"), span);
            let mut want = Line::members();
            want.opt_str(field::RUN_ID, ctx.run_id.as_deref())
                .opt_str(field::TRACE_ID, ctx.trace_id.as_deref())
                .opt_str(field::SPAN_ID, span.map(SpanId::as_str))
                .opt_str(field::REQUEST_ID, None)
                .opt_str(field::USER_ID, ctx.user_id.as_deref())
                .str(field::AGENT_ID, agent.unwrap_or("default"));
            let want = want.into_members();
            assert_eq!(got.to_vec(), want);
            assert_eq!(again.to_vec(), want, "reused");
            assert!(Arc::ptr_eq(&got.ctx, &again.ctx));
        }
    }
}
