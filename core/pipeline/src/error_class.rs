//! `error_class`: the normalized failure classes, defined once here.
//!
//! Bindings only report facts about a failure (its class name, whether the
//! host considers it a timeout / cancellation / connection error, an HTTP
//! status, an error code); [`classify`] turns the facts into a class the same
//! way for every language.

/// The fixed classes, in the documented order. Any other failure is its exception's
/// class name (`ValueError`, `TypeError`, …).
pub const ERROR_CLASSES: [&str; 11] = [
    "unknown_tool",
    "invalid_arguments",
    "timeout",
    "validation_failed",
    "budget_exceeded",
    "loop_detected",
    "rate_limited",
    "http_4xx",
    "http_5xx",
    "network",
    "cancelled",
];

/// What a binding knows about a failed tool call: names and values read off
/// the thrown object, nothing decided. [`classify`] decides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailureFacts {
    /// The error's own `name` property (JavaScript), if it is a string.
    pub name: Option<String>,
    /// The class names, most specific first: Python's MRO, the JavaScript
    /// prototype chain's constructor names; for a thrown non-object its
    /// JavaScript type (`string`, `number`, …).
    pub class_names: Vec<String>,
    /// The first integer found at one of [`STATUS_PATHS`].
    pub http_status: Option<u16>,
    /// The first string found at one of [`CODE_PATHS`] (`ECONNREFUSED`, …).
    pub code: Option<String>,
    /// The class names (and JavaScript `name`) of the first object found at
    /// one of [`CAUSE_PATHS`]: what a wrapper such as urllib's `URLError`
    /// or `fetch`'s `TypeError` wraps.
    pub cause_names: Vec<String>,
}

/// Where bindings look for an HTTP status on an error, in order
/// (requests/httpx/openai `status_code`, aiohttp/fetch `status`, got
/// `statusCode`, the same under `response`).
pub const STATUS_PATHS: [&[&str]; 6] = [
    &["status_code"],
    &["status"],
    &["statusCode"],
    &["response", "status_code"],
    &["response", "status"],
    &["response", "statusCode"],
];

/// Where bindings look for a system error code, in order (Node's `code`,
/// undici's `cause.code`).
pub const CODE_PATHS: [&[&str]; 2] = [&["code"], &["cause", "code"]];

/// Where bindings look for the error an error wraps, in order (urllib
/// `URLError.reason`, Python `raise … from …`, JavaScript `cause`).
pub const CAUSE_PATHS: [&[&str]; 3] = [&["reason"], &["__cause__"], &["cause"]];

/// Where adapters look on a tool's *returned* value for an HTTP status, in
/// order (an SDK's error object, a fetch `Response`, an `httpx.Response`):
/// the value's own members only.
pub const RESULT_STATUS_PATHS: [&[&str]; 3] = [&["status_code"], &["status"], &["statusCode"]];

/// Where adapters look on a returned value for an error flag (an MCP
/// `CallToolResult`'s `isError`, Python's `is_error`).
pub const RESULT_ERROR_PATHS: [&[&str]; 2] = [&["isError"], &["is_error"]];

/// The class name of a call whose tool returned an error result (an
/// `isError` result); one with an HTTP status is classified by the status.
pub const ERROR_RESULT_CLASS: &str = "ToolError";

/// What an adapter read off a value a framework's tool returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultFacts {
    /// `true` at one of [`RESULT_ERROR_PATHS`].
    pub is_error: bool,
    /// The first integer at one of [`RESULT_STATUS_PATHS`].
    pub http_status: Option<u16>,
    /// The result's first text (an MCP result's first text block), if any.
    pub text: Option<String>,
}

impl ResultFacts {
    /// The facts of a returned value from its error flag and HTTP status;
    /// `text` (the host's reading of the result's first text) is called
    /// only when those say the result may be an error, so a plain result
    /// costs no text read in either binding.
    pub fn read(
        is_error: bool,
        http_status: Option<u16>,
        text: impl FnOnce() -> Option<String>,
    ) -> Self {
        let text = if is_error || http_status.is_some() {
            text()
        } else {
            None
        };
        ResultFacts {
            is_error,
            http_status,
            text,
        }
    }
}

/// Whether a returned value is an error result, the same rule in every
/// adapter: an error flag, or an HTTP status from 400 to 599. Then the
/// failure to log (classified by [`classify`]: `http_5xx`, `rate_limited`,
/// … for a status, else [`ERROR_RESULT_CLASS`]) and its message; the caller
/// still gets the value as returned.
pub fn failed_result(r: &ResultFacts) -> Option<(FailureFacts, String)> {
    let status = r.http_status.filter(|s| (400..600).contains(s));
    if !r.is_error && status.is_none() {
        return None;
    }
    let facts = FailureFacts {
        class_names: vec![ERROR_RESULT_CLASS.to_owned()],
        http_status: status,
        ..FailureFacts::default()
    };
    let message = match (&r.text, status) {
        (Some(text), _) if !text.is_empty() => text.clone(),
        (_, Some(status)) => format!("the tool returned HTTP status {status}"),
        _ => "the tool returned an error result".to_owned(),
    };
    Some((facts, message))
}

/// Class names that mean the call was cancelled (asyncio, concurrent.futures,
/// AbortController).
const CANCEL_NAMES: [&str; 2] = ["CancelledError", "AbortError"];
/// Class names that mean a timeout: the builtin (Python's `socket.timeout`
/// and `asyncio.TimeoutError` are aliases or subclasses; the DOM's), requests
/// `Timeout`, httpx `TimeoutException`, undici's, openai/anthropic's.
const TIMEOUT_NAMES: [&str; 7] = [
    "TimeoutError",
    "Timeout",
    "TimeoutException",
    "ConnectTimeoutError",
    "HeadersTimeoutError",
    "BodyTimeoutError",
    "APITimeoutError",
];
/// Class names that mean the network failed: Python's `ConnectionError`
/// (and requests'), httpx `NetworkError`, aiohttp `ClientConnectionError`,
/// openai/anthropic `APIConnectionError`, undici `SocketError`.
const NETWORK_NAMES: [&str; 6] = [
    "ConnectionError",
    // socket.gaierror: a DNS failure (an OSError, not a ConnectionError).
    "gaierror",
    "NetworkError",
    "ClientConnectionError",
    "APIConnectionError",
    "SocketError",
];

const NETWORK_CODES: [&str; 9] = [
    "ECONNREFUSED",
    "ECONNRESET",
    "ENOTFOUND",
    "EAI_AGAIN",
    "EPIPE",
    "ECONNABORTED",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "UND_ERR_SOCKET",
];
const TIMEOUT_CODES: [&str; 5] = [
    "ETIMEDOUT",
    "ESOCKETTIMEDOUT",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
];

impl FailureFacts {
    /// Facts for an error of class `name` alone.
    pub fn named(name: &str) -> Self {
        FailureFacts {
            class_names: vec![name.to_owned()],
            ..FailureFacts::default()
        }
    }

    /// The name logged when no fixed class applies: the `name` property
    /// unless it is merely inherited from a base class (a JavaScript
    /// `class QuotaError extends Error {}` keeps `name` "Error"), else the
    /// most specific class name; `Error` when nothing is known.
    pub fn primary_name(&self) -> &str {
        let bases = self.class_names.get(1..).unwrap_or_default();
        match &self.name {
            Some(n) if !n.is_empty() && !bases.contains(n) => n,
            _ => self
                .class_names
                .first()
                .map(String::as_str)
                .filter(|n| !n.is_empty())
                .unwrap_or("Error"),
        }
    }

    fn has_name(&self, names: &[&str]) -> bool {
        self.name
            .iter()
            .chain(&self.class_names)
            .any(|n| names.contains(&n.as_str()))
    }

    /// The error's own names or its cause's.
    fn has_name_or_cause(&self, names: &[&str]) -> bool {
        self.has_name(names) || self.cause_names.iter().any(|n| names.contains(&n.as_str()))
    }

    fn has_code(&self, codes: &[&str]) -> bool {
        self.code.as_deref().is_some_and(|c| codes.contains(&c))
    }

    /// Whether the failure is a cancellation (`asyncio.CancelledError`, an
    /// `AbortError`, Node's `ABORT_ERR`).
    pub fn is_cancellation(&self) -> bool {
        self.has_name(&CANCEL_NAMES) || self.has_code(&["ABORT_ERR"])
    }
}

/// The normalized class for a failure. Precedence: cancellation, timeout,
/// HTTP status, network errors, then the class name itself.
pub fn classify(f: &FailureFacts) -> String {
    let class = if f.is_cancellation() {
        "cancelled"
    } else if f.has_name_or_cause(&TIMEOUT_NAMES) || f.has_code(&TIMEOUT_CODES) {
        "timeout"
    } else if let Some(status) = f.http_status.filter(|s| (400..600).contains(s)) {
        match status {
            429 => "rate_limited",
            400..=499 => "http_4xx",
            _ => "http_5xx",
        }
    } else if f.has_name_or_cause(&NETWORK_NAMES) || f.has_code(&NETWORK_CODES) {
        "network"
    } else {
        f.primary_name()
    };
    class.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(names: &[&str]) -> FailureFacts {
        FailureFacts {
            class_names: names.iter().map(|n| (*n).to_owned()).collect(),
            ..FailureFacts::default()
        }
    }

    #[test]
    fn error_results_are_classified_by_flag_or_status() {
        let r = |is_error, http_status: Option<u16>| ResultFacts {
            is_error,
            http_status,
            text: None,
        };
        assert_eq!(failed_result(&r(false, None)), None);
        assert_eq!(failed_result(&r(false, Some(200))), None);
        assert_eq!(failed_result(&r(false, Some(302))), None);
        let class = |f: Option<(FailureFacts, String)>| classify(&f.unwrap().0);
        assert_eq!(class(failed_result(&r(false, Some(503)))), "http_5xx");
        assert_eq!(class(failed_result(&r(false, Some(429)))), "rate_limited");
        assert_eq!(class(failed_result(&r(true, Some(404)))), "http_4xx");
        assert_eq!(class(failed_result(&r(true, None))), ERROR_RESULT_CLASS);
        let (_, message) = failed_result(&r(false, Some(503))).unwrap();
        assert_eq!(message, "the tool returned HTTP status 503");
        let with_text = ResultFacts {
            text: Some("quota".into()),
            ..r(true, None)
        };
        assert_eq!(failed_result(&with_text).unwrap().1, "quota");
    }

    #[test]
    fn precedence_and_mapping() {
        let facts = FailureFacts::named;
        assert_eq!(classify(&facts("ValueError")), "ValueError");
        assert_eq!(
            classify(&chain(&["timeout", "TimeoutError", "OSError"])),
            "timeout"
        );
        assert_eq!(classify(&facts("AbortError")), "cancelled");
        for (status, class) in [
            (429, "rate_limited"),
            (404, "http_4xx"),
            (503, "http_5xx"),
            (302, "HTTPError"),
        ] {
            let f = FailureFacts {
                http_status: Some(status),
                ..facts("HTTPError")
            };
            assert_eq!(classify(&f), class);
        }
        let coded = |code: &str| FailureFacts {
            code: Some(code.into()),
            ..facts("Error")
        };
        assert_eq!(classify(&coded("ECONNREFUSED")), "network");
        assert_eq!(classify(&coded("ETIMEDOUT")), "timeout");
        let both = FailureFacts {
            http_status: Some(500),
            ..chain(&["X", "TimeoutError", "CancelledError"])
        };
        assert_eq!(classify(&both), "cancelled");
        assert_eq!(classify(&FailureFacts::default()), "Error");
        assert_eq!(classify(&facts("")), "Error");
    }

    #[test]
    fn library_errors_are_recognized_by_their_base_classes() {
        // httpx.ConnectTimeout, requests ReadTimeout, openai APIConnectionError.
        let httpx = chain(&["ConnectTimeout", "TimeoutException", "TransportError"]);
        assert_eq!(classify(&httpx), "timeout");
        let requests = chain(&["ReadTimeout", "Timeout", "RequestException", "OSError"]);
        assert_eq!(classify(&requests), "timeout");
        let openai = chain(&["APIConnectionError", "APIError", "OpenAIError"]);
        assert_eq!(classify(&openai), "network");
        assert_eq!(
            classify(&chain(&["ConnectionRefusedError", "ConnectionError"])),
            "network"
        );
    }

    #[test]
    fn the_name_property_wins_unless_inherited() {
        let js = |name: &str, names: &[&str]| FailureFacts {
            name: Some(name.into()),
            ..chain(names)
        };
        // class QuotaError extends Error {}: `name` is Error, inherited.
        assert_eq!(
            classify(&js("Error", &["QuotaError", "Error", "Object"])),
            "QuotaError"
        );
        assert_eq!(classify(&js("Error", &["Error", "Object"])), "Error");
        assert_eq!(
            classify(&js("RateError", &["Error", "Object"])),
            "RateError"
        );
        // DOMException('…', 'TimeoutError').
        assert_eq!(
            classify(&js("TimeoutError", &["DOMException", "Error"])),
            "timeout"
        );
        assert!(js("AbortError", &["DOMException"]).is_cancellation());
    }
}
