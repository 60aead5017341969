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
//! - [`session`]: the state machine (no I/O; unit-tested);
//! - `relay`: the child process, one thread per direction, shutdown;
//! - `signals`: SIGTERM / SIGINT / SIGHUP while the proxy runs.
//!
//! [`Gateway`]: tooltrail_core::gateway::Gateway

#![warn(unreachable_pub)]

pub mod message;
mod options;
mod relay;
pub mod session;
mod signals;

pub use options::{ProxyOptions, SHUTDOWN_TIMEOUT, USAGE};
pub use session::{Actions, End, Session};

use tooltrail_core::Error;

/// Runs `tooltrail mcp-proxy ARGS` on the process's stdin and stdout;
/// returns the exit code (the server's).
pub fn main(args: &[String]) -> Result<i32, Error> {
    let options = ProxyOptions::parse(args)?;
    relay::run(&options, std::io::stdin(), std::io::stdout())
}
