//! The warnings tooltrail gives about itself, each at most once per process:
//! a call logged under an implicit run, a logger that failed, an alert
//! callback that failed. The core decides the wording and the "once"; the
//! bindings hand the message to their language's warning mechanism (Python
//! `warnings`, Node `process.emitWarning`).

use std::sync::atomic::{AtomicBool, Ordering};

/// One kind of warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// A call had no run and no ctx: it was logged under an implicit run.
    ImplicitRun,
    /// The logger's `event` failed (the event is lost; the call went on).
    LoggerFailed,
    /// The alert callback (`on_alert` / `onAlert`) failed.
    AlertCallbackFailed,
}

static SAID: [AtomicBool; 3] = [
    AtomicBool::new(false),
    AtomicBool::new(false),
    AtomicBool::new(false),
];

impl Warning {
    /// Every kind, in a fixed order.
    pub const ALL: [Warning; 3] = [
        Warning::ImplicitRun,
        Warning::LoggerFailed,
        Warning::AlertCallbackFailed,
    ];

    /// Its name, as the bindings pass it (`implicit_run`, …).
    pub const fn name(self) -> &'static str {
        match self {
            Warning::ImplicitRun => "implicit_run",
            Warning::LoggerFailed => "logger_failed",
            Warning::AlertCallbackFailed => "alert_callback_failed",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.name() == name)
    }

    /// Its code for Node's `process.emitWarning` (`TOOLTRAIL_IMPLICIT_RUN`, …).
    pub const fn code(self) -> &'static str {
        match self {
            Warning::ImplicitRun => "TOOLTRAIL_IMPLICIT_RUN",
            Warning::LoggerFailed => "TOOLTRAIL_LOGGER_FAILED",
            Warning::AlertCallbackFailed => "TOOLTRAIL_ALERT_CALLBACK_FAILED",
        }
    }

    /// The sentence, naming the failure (`detail`: the error's message).
    pub fn message(self, detail: &str) -> String {
        match self {
            Warning::ImplicitRun => "tooltrail: a tool call had no run and no ctx; it ran and was \
                 logged under an implicit run (run_start.implicit: true). Open a run around the \
                 agent (gateway.run) to group its calls, or make the gateway strict to refuse such \
                 calls. Further implicit runs are not reported."
                .to_owned(),
            Warning::LoggerFailed => format!(
                "tooltrail: the logger failed ({detail}); the event was lost and the call went on. \
                 Further logger failures are not reported."
            ),
            Warning::AlertCallbackFailed => format!(
                "tooltrail: the alert callback failed ({detail}); the call went on. Further alert \
                 callback failures are not reported."
            ),
        }
    }

    fn slot(self) -> &'static AtomicBool {
        &SAID[self as usize]
    }

    /// The message the first time this kind is reported in the process;
    /// `None` after that.
    pub fn first(self, detail: &str) -> Option<String> {
        (!self.slot().swap(true, Ordering::Relaxed)).then(|| self.message(detail))
    }
}

/// Forgets which warnings were given (tests that check the "once").
pub fn reset_warnings() {
    for w in Warning::ALL {
        w.slot().store(false, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_said_once_and_names_the_failure() {
        reset_warnings();
        let first = Warning::LoggerFailed.first("disk on fire").unwrap();
        assert!(first.contains("the logger failed (disk on fire)"));
        assert_eq!(Warning::LoggerFailed.first("again"), None);
        assert!(Warning::AlertCallbackFailed.first("x").is_some());
        assert!(Warning::ImplicitRun.first("").is_some());
        for w in Warning::ALL {
            assert_eq!(Warning::from_name(w.name()), Some(w));
        }
        reset_warnings();
        assert!(Warning::LoggerFailed.first("y").is_some());
    }
}
