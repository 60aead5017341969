//! Why a run stopped: the `stop_reason` of `run_end`.

use std::fmt;
use std::str::FromStr;

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopReason {
    /// The run's block finished normally.
    Completed,
    /// The run's block raised.
    Error,
    /// `budgets.max_tool_calls` was used up.
    MaxToolCalls,
    /// `budgets.max_steps` was used up.
    MaxSteps,
    /// `budgets.max_duration_s` was used up.
    MaxDuration,
    /// `budgets.max_spend_usd` was used up.
    MaxSpend,
    /// The loop guard refused an identical repeated call.
    LoopDetected,
    /// The run was cancelled (asyncio cancellation, an `AbortError`).
    Cancelled,
    /// The run timed out (set by the host with `stop`).
    Timeout,
}

impl StopReason {
    /// Every reason, in the documented order.
    pub const ALL: [StopReason; 9] = [
        StopReason::Completed,
        StopReason::Error,
        StopReason::MaxToolCalls,
        StopReason::MaxSteps,
        StopReason::MaxDuration,
        StopReason::MaxSpend,
        StopReason::LoopDetected,
        StopReason::Cancelled,
        StopReason::Timeout,
    ];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            StopReason::Completed => "completed",
            StopReason::Error => "error",
            StopReason::MaxToolCalls => "max_tool_calls",
            StopReason::MaxSteps => "max_steps",
            StopReason::MaxDuration => "max_duration",
            StopReason::MaxSpend => "max_spend",
            StopReason::LoopDetected => "loop_detected",
            StopReason::Cancelled => "cancelled",
            StopReason::Timeout => "timeout",
        }
    }
}

/// The wire names of [`StopReason::ALL`], in order.
pub const STOP_REASONS: [&str; StopReason::ALL.len()] = {
    let mut out = [""; StopReason::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = StopReason::ALL[i].as_str();
        i += 1;
    }
    out
};

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a stop reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStopReason(pub String);

impl FromStr for StopReason {
    type Err = UnknownStopReason;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StopReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownStopReason(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for r in StopReason::ALL {
            assert_eq!(r.as_str().parse::<StopReason>(), Ok(r));
        }
        assert_eq!(STOP_REASONS[0], "completed");
        assert_eq!(STOP_REASONS.len(), 9);
        assert!("done".parse::<StopReason>().is_err());
    }
}
