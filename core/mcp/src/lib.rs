//! `tooltrail mcp-proxy`: a gateway in front of any MCP server.
//!
//! `tooltrail mcp-proxy --config tooltrail.yaml -- CMD ARGS…` runs the
//! server `CMD` as a child over stdio and relays JSON-RPC both ways, byte
//! for byte. Every `tools/call` is recorded through the core [`Gateway`]
//! (one run per session: `run_start` at `initialize`, `tool_call` /
//! `tool_result` per call, `run_end` when the session ends), and budgets and
//! the loop guard refuse calls with a JSON-RPC error the client understands.
//! See docs/integrations.md for the semantics.
//!
//! - [`message`]: framing and the JSON-RPC shapes the proxy reads and writes;
//! - [`outcome`]: how a call ended (error classes, error results, refusals),
//!   the one rule for the proxy and both client adapters;
//! - [`session`]: the state machine (no I/O; unit-tested);
//! - `relay`: the child process, one thread per direction, shutdown;
//! - signals while the proxy runs: [`tooltrail_core::signals`].
//!
//! [`Gateway`]: tooltrail_core::gateway::Gateway

#![warn(unreachable_pub)]

mod envelope;
pub mod message;
mod options;
pub mod outcome;
mod relay;
pub mod session;

pub use options::{ProxyOptions, SHUTDOWN_TIMEOUT};
pub use outcome::{error_class, refusal, result_error};
pub use session::{Actions, End, Session};

use tooltrail_core::Error;

/// Runs the proxy on the process's stdin and stdout; returns the exit code
/// (the server's).
pub fn run(options: &ProxyOptions) -> Result<i32, Error> {
    relay::run(options, std::io::stdin(), std::io::stdout())
}
