//! [`RunCtx`], the ids a call runs under, and how a host's context becomes
//! one: the same rules for a Python `RunCtx(...)` or dict and a JavaScript
//! object (an empty string is absent, a non-string is an error naming the
//! key, a `traceparent` continues an incoming trace).

use super::GatewayError as Error;
use super::{TraceParent, is_w3c_id};
use tooltrail_json::Value;

/// The ids a call runs under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCtx {
    /// The run.
    pub run_id: Option<String>,
    /// The W3C trace (32 hex).
    pub trace_id: Option<String>,
    /// The end user, if known.
    pub user_id: Option<String>,
    /// The incoming request.
    pub request_id: Option<String>,
    /// The span the calls are children of (the run's, or an incoming `traceparent`'s).
    pub parent_span_id: Option<String>,
    /// The agent (a run's own; `logging.agent_id` when absent).
    pub agent_id: Option<String>,
}

/// One context entry as the host gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdArg {
    /// Missing, `None`, `null` or `undefined`.
    Absent,
    /// A string (an empty one counts as absent).
    Text(String),
    /// Something else; the host's name for its type (`int`, `number`, …).
    Wrong(String),
}

/// The context keys a host may give, in the order [`RunCtx::from_args`]
/// takes them.
pub const CTX_KEYS: [&str; 7] = [
    "run_id",
    "trace_id",
    "user_id",
    "request_id",
    "parent_span_id",
    "traceparent",
    "agent_id",
];

impl RunCtx {
    /// A context from the host's entries for [`CTX_KEYS`], in that order.
    /// Errors name the key: `ctx.user_id` must be a string, `traceparent`
    /// must be a W3C header.
    pub fn from_args(args: [IdArg; 7]) -> Result<RunCtx, Error> {
        let [
            run_id,
            trace_id,
            user_id,
            request_id,
            parent_span_id,
            traceparent,
            agent_id,
        ] = args;
        let text = |arg: IdArg, key: &str| match arg {
            IdArg::Absent => Ok(None),
            IdArg::Text(s) if s.is_empty() => Ok(None),
            IdArg::Text(s) => Ok(Some(s)),
            IdArg::Wrong(kind) => Err(Error::invalid_argument(
                format!("ctx.{key}"),
                format!("must be a string or absent, not {kind}"),
            )),
        };
        let mut ctx = RunCtx {
            run_id: text(run_id, CTX_KEYS[0])?,
            trace_id: text(trace_id, CTX_KEYS[1])?,
            user_id: text(user_id, CTX_KEYS[2])?,
            request_id: text(request_id, CTX_KEYS[3])?,
            parent_span_id: text(parent_span_id, CTX_KEYS[4])?,
            agent_id: text(agent_id, CTX_KEYS[6])?,
        };
        // W3C ids, so a traceparent can be passed on and OTLP
        // accepts the spans. Anything else is refused, never logged as is.
        for (key, id, len) in [
            (CTX_KEYS[1], &ctx.trace_id, 32),
            (CTX_KEYS[4], &ctx.parent_span_id, 16),
        ] {
            if let Some(id) = id
                && !is_w3c_id(id, len)
            {
                return Err(Error::invalid_argument(
                    format!("ctx.{key}"),
                    format!(
                        "must be {len} lowercase hex digits, not all zero (W3C Trace Context), not {id:?}"
                    ),
                ));
            }
        }
        if let Some(header) = text(traceparent, CTX_KEYS[5])? {
            ctx.continue_trace(&header)?;
        }
        Ok(ctx)
    }

    /// The error for a `ctx` argument that is not a context at all.
    pub fn not_a_context() -> Error {
        Error::invalid_argument(
            "ctx",
            "must be a RunCtx or an object/dict of ids { run_id, trace_id, … }",
        )
    }

    /// A context from a converted host object (a dict or JS object); other
    /// keys are ignored, a non-object is an error.
    pub fn from_value(value: &Value) -> Result<RunCtx, Error> {
        if !matches!(value, Value::Object(_)) {
            return Err(Self::not_a_context());
        }
        Self::from_args(CTX_KEYS.map(|key| match value.get(key) {
            None | Some(Value::Null) => IdArg::Absent,
            Some(Value::String(s)) => IdArg::Text(s.clone()),
            Some(other) => IdArg::Wrong(other.type_name().to_owned()),
        }))
    }

    /// Takes the trace id and parent span from a W3C `traceparent` header
    /// (an incoming request's); an error naming `traceparent` if malformed.
    pub fn continue_trace(&mut self, header: &str) -> Result<(), Error> {
        let tp = TraceParent::parse(header).ok_or_else(|| {
            Error::invalid_argument("traceparent", format!("not a W3C traceparent: {header:?}"))
        })?;
        self.trace_id = Some(tp.trace_id);
        self.parent_span_id = Some(tp.parent_id);
        Ok(())
    }

    /// The W3C `traceparent` header for outgoing calls made under this
    /// context (sampled); `None` without a trace id and a parent span.
    pub fn traceparent(&self) -> Option<String> {
        super::traceparent(
            self.trace_id.as_deref()?,
            self.parent_span_id.as_deref()?,
            true,
        )
    }
}

/// [`traceparent`](super::traceparent) for the bindings' public function: an
/// error naming the ids when they are not W3C ids.
pub fn outgoing_traceparent(trace_id: &str, span_id: &str, sampled: bool) -> Result<String, Error> {
    super::traceparent(trace_id, span_id, sampled).ok_or_else(|| {
        Error::invalid_argument(
            "trace_id",
            format!(
                "not W3C ids (32 and 16 lowercase hex digits, not all zero): \
                 trace_id={trace_id:?}, span_id={span_id:?}"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn empty_strings_are_absent_and_wrong_types_name_the_key() {
        let ctx = RunCtx::from_value(&Value::object([
            ("run_id", Value::from("r1")),
            ("user_id", Value::from("")),
            ("extra", Value::Number(1.0)),
        ]))
        .unwrap();
        assert_eq!(ctx.run_id.as_deref(), Some("r1"));
        assert_eq!(ctx.user_id, None);
        let err =
            RunCtx::from_value(&Value::object([("user_id", Value::Number(7.0))])).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidArgument);
        assert!(err.to_string().contains("ctx.user_id"), "{err}");
        assert!(RunCtx::from_value(&Value::from("r1")).is_err());
    }

    #[test]
    fn trace_and_span_ids_must_be_w3c_ids() {
        for (key, bad) in [
            ("trace_id", "</script>"),
            ("trace_id", "4BF92F3577B34DA6A3CE929D0E0E4736"),
            ("trace_id", "00000000000000000000000000000000"),
            ("parent_span_id", "00f067aa0ba902b"),
        ] {
            let err = RunCtx::from_value(&Value::object([(key, Value::from(bad))])).unwrap_err();
            assert_eq!(err.attributes()[0].1, format!("ctx.{key}"));
        }
        let ok = RunCtx::from_value(&Value::object([(
            "trace_id",
            Value::from("4bf92f3577b34da6a3ce929d0e0e4736"),
        )]));
        assert!(ok.is_ok());
    }

    #[test]
    fn traceparent_continues_the_trace_and_round_trips() {
        let mut args = CTX_KEYS.map(|_| IdArg::Absent);
        args[5] = IdArg::Text(TP.into());
        let ctx = RunCtx::from_args(args).unwrap();
        assert_eq!(
            ctx.trace_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        assert_eq!(ctx.traceparent().as_deref(), Some(TP));
        let mut bad = CTX_KEYS.map(|_| IdArg::Absent);
        bad[5] = IdArg::Text("00-zz".into());
        let err = RunCtx::from_args(bad).unwrap_err();
        assert!(err.to_string().contains("traceparent"), "{err}");
        assert_eq!(RunCtx::default().traceparent(), None);
    }
}
