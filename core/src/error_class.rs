//! `error_class`: the normalized failure classes of SPEC §4, defined once here.
//!
//! Bindings only report facts about a failure (its class name, whether the
//! host considers it a timeout / cancellation / connection error, an HTTP
//! status, an error code); [`classify`] turns the facts into a class the same
//! way for every language.

/// The fixed classes, in SPEC order. Any other failure is its exception's
/// class name (`ValueError`, `TypeError`, …).
pub const ERROR_CLASSES: [&str; 10] = [
    "unknown_tool",
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

/// What a binding knows about a failed tool call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailureFacts {
    /// The exception's class name (`ValueError`, `TypeError`, `AbortError`),
    /// or for a thrown non-Error value its JS type (`string`, `number`, …).
    pub class_name: String,
    /// The host says it is a timeout (Python `TimeoutError`, `socket.timeout`).
    pub timeout: bool,
    /// The host says it was cancelled (`asyncio.CancelledError`).
    pub cancelled: bool,
    /// The host says it is a connection error (Python `ConnectionError`).
    pub network: bool,
    /// An HTTP status carried by the error (`.status`, `.status_code`,
    /// `.response.status_code`).
    pub http_status: Option<u16>,
    /// A system error code (`ECONNREFUSED`, `ETIMEDOUT`, …).
    pub code: Option<String>,
}

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

/// The normalized class for a failure. Precedence: cancellation, timeout,
/// HTTP status, connection errors, then the class name itself.
pub fn classify(f: &FailureFacts) -> String {
    let code = f.code.as_deref().unwrap_or("");
    let name = f.class_name.as_str();
    let class =
        if f.cancelled || name == "AbortError" || name == "CancelledError" || code == "ABORT_ERR" {
            "cancelled"
        } else if f.timeout || name == "TimeoutError" || TIMEOUT_CODES.contains(&code) {
            "timeout"
        } else if let Some(status) = f.http_status.filter(|s| (400..600).contains(s)) {
            match status {
                429 => "rate_limited",
                400..=499 => "http_4xx",
                _ => "http_5xx",
            }
        } else if f.network || NETWORK_CODES.contains(&code) {
            "network"
        } else if name.is_empty() {
            "Error"
        } else {
            name
        };
    class.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(name: &str) -> FailureFacts {
        FailureFacts {
            class_name: name.into(),
            ..FailureFacts::default()
        }
    }

    #[test]
    fn precedence_and_mapping() {
        assert_eq!(classify(&facts("ValueError")), "ValueError");
        assert_eq!(
            classify(&FailureFacts {
                timeout: true,
                ..facts("TimeoutError")
            }),
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
        let refused = FailureFacts {
            code: Some("ECONNREFUSED".into()),
            ..facts("Error")
        };
        assert_eq!(classify(&refused), "network");
        let timed = FailureFacts {
            code: Some("ETIMEDOUT".into()),
            ..facts("Error")
        };
        assert_eq!(classify(&timed), "timeout");
        let both = FailureFacts {
            cancelled: true,
            timeout: true,
            http_status: Some(500),
            ..facts("X")
        };
        assert_eq!(classify(&both), "cancelled");
        assert_eq!(classify(&facts("")), "Error");
    }
}
