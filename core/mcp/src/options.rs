//! What `tooltrail mcp-proxy [OPTIONS] -- CMD [ARGS…]` was asked to do (the
//! command line itself is read by the CLI crate).

use std::path::PathBuf;
use std::time::Duration;

use tooltrail_core::Error;
use tooltrail_core::gateway::RunCtx;
use tooltrail_core::writer::DEFAULT_DIR;

/// How long the proxy waits for the server to exit after the client closed
/// its input (or a signal came) before it sends SIGTERM, and again before
/// SIGKILL (MCP's stdio shutdown sequence).
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// What `mcp-proxy` was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyOptions {
    /// `--config`: the YAML configuration (budgets, loop guard, ids, storage).
    pub config: Option<PathBuf>,
    /// `--logs`: the JSONL directory.
    pub logs: PathBuf,
    /// The session's ids: `--request-id`, `--user-id`, `--traceparent`.
    pub ids: RunCtx,
    /// `--agent-id`: overrides `logging.agent_id`.
    pub agent_id: Option<String>,
    /// `--shutdown-timeout`: see [`SHUTDOWN_TIMEOUT`].
    pub shutdown_timeout: Duration,
    /// The server's command and its arguments.
    pub command: Vec<String>,
}

impl ProxyOptions {
    /// The options for running `command` with every default: logs in
    /// [`DEFAULT_DIR`], no configuration, fresh ids, [`SHUTDOWN_TIMEOUT`].
    pub fn new(command: Vec<String>) -> Self {
        ProxyOptions {
            config: None,
            logs: PathBuf::from(DEFAULT_DIR),
            ids: RunCtx::default(),
            agent_id: None,
            shutdown_timeout: SHUTDOWN_TIMEOUT,
            command,
        }
    }

    /// Sets the shutdown timeout from its text (a number of seconds ≥ 0);
    /// an error names `flag`.
    pub fn set_shutdown_timeout(&mut self, flag: &str, text: &str) -> Result<(), Error> {
        let bad = || {
            Error::invalid_argument(
                flag,
                format!("{flag} takes a number of seconds, got {text:?}"),
            )
        };
        let secs: f64 = text.parse().map_err(|_| bad())?;
        self.shutdown_timeout = Duration::try_from_secs_f64(secs).map_err(|_| bad())?;
        Ok(())
    }
}
