//! `tooltrail mcp-proxy [OPTIONS] -- CMD [ARGS…]`: the command line.

use std::path::PathBuf;
use std::time::Duration;

use tooltrail_core::Error;
use tooltrail_core::gateway::RunCtx;
use tooltrail_core::writer::DEFAULT_DIR;

/// The usage text (also part of `tooltrail help`).
pub const USAGE: &str = concat!(
    "  mcp-proxy [--config F] [--logs DIR] [--request-id R] [--user-id U] [--agent-id A]\n",
    "            [--traceparent TP] [--shutdown-timeout S] -- CMD [ARGS...]\n",
    "                       run the MCP server CMD over stdio and record every tools/call (docs/integrations.md)\n",
);

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
    /// Parses the arguments after `mcp-proxy`. Everything after `--` (or
    /// from the first argument that is not an option) is the server's
    /// command, passed on untouched.
    pub fn parse(args: &[String]) -> Result<Self, Error> {
        let mut o = ProxyOptions {
            config: None,
            logs: PathBuf::from(DEFAULT_DIR),
            ids: RunCtx::default(),
            agent_id: None,
            shutdown_timeout: SHUTDOWN_TIMEOUT,
            command: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let flag = a.as_str();
            if flag == "--" {
                o.command = it.cloned().collect();
                break;
            }
            if !flag.starts_with('-') {
                o.command = std::iter::once(a).chain(it).cloned().collect();
                break;
            }
            let value = it
                .next()
                .filter(|_| FLAGS.contains(&flag))
                .ok_or_else(|| match FLAGS.contains(&flag) {
                    true => Error::invalid_argument(flag, format!("{flag} needs a value")),
                    false => Error::invalid_argument(
                        flag,
                        format!("unknown option {flag}\n\nusage:\n{USAGE}"),
                    ),
                })?
                .clone();
            match flag {
                "--config" => o.config = Some(value.into()),
                "--logs" => o.logs = value.into(),
                "--request-id" => o.ids.request_id = Some(value),
                "--user-id" => o.ids.user_id = Some(value),
                "--agent-id" => o.agent_id = Some(value),
                "--traceparent" => o.ids.continue_trace(&value)?,
                _ => {
                    let secs: f64 = value.parse().map_err(|_| bad_timeout(&value))?;
                    o.shutdown_timeout =
                        Duration::try_from_secs_f64(secs).map_err(|_| bad_timeout(&value))?;
                }
            }
        }
        if o.command.is_empty() {
            return Err(Error::invalid_argument(
                "CMD",
                format!("mcp-proxy needs the server's command after --\n\nusage:\n{USAGE}"),
            ));
        }
        Ok(o)
    }
}

const FLAGS: [&str; 7] = [
    "--config",
    "--logs",
    "--request-id",
    "--user-id",
    "--agent-id",
    "--traceparent",
    "--shutdown-timeout",
];

fn bad_timeout(value: &str) -> Error {
    Error::invalid_argument(
        "--shutdown-timeout",
        format!("--shutdown-timeout takes a number of seconds, got {value:?}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ProxyOptions, Error> {
        ProxyOptions::parse(&args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_then_the_command_untouched() {
        let o = parse(&[
            "--config",
            "c.yaml",
            "--logs",
            "/l",
            "--request-id",
            "r",
            "--user-id",
            "u",
            "--agent-id",
            "a",
            "--shutdown-timeout",
            "0.5",
            "--",
            "python",
            "-m",
            "srv",
            "--",
            "--logs",
        ])
        .unwrap();
        assert_eq!(o.config.as_deref(), Some(std::path::Path::new("c.yaml")));
        assert_eq!(o.logs, PathBuf::from("/l"));
        assert_eq!(o.ids.request_id.as_deref(), Some("r"));
        assert_eq!(o.ids.user_id.as_deref(), Some("u"));
        assert_eq!(o.agent_id.as_deref(), Some("a"));
        assert_eq!(o.shutdown_timeout, Duration::from_millis(500));
        assert_eq!(o.command, ["python", "-m", "srv", "--", "--logs"]);
        assert_eq!(
            parse(&["node", "s.js", "-x"]).unwrap().command,
            ["node", "s.js", "-x"]
        );
        let tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let o = parse(&["--traceparent", tp, "--", "x"]).unwrap();
        assert_eq!(
            o.ids.trace_id.as_deref(),
            Some("0af7651916cd43dd8448eb211c80319c")
        );
        assert_eq!(o.ids.parent_span_id.as_deref(), Some("b7ad6b7169203331"));
    }

    #[test]
    fn mistakes_name_the_flag() {
        let msg = |args: &[&str]| parse(args).unwrap_err().to_string();
        assert!(msg(&["--nope", "--", "x"]).contains("unknown option --nope"));
        assert!(msg(&["--logs"]).contains("--logs needs a value"));
        assert!(msg(&["--logs", "d"]).contains("needs the server's command"));
        assert!(msg(&["--shutdown-timeout", "-1", "--", "x"]).contains("number of seconds"));
        assert!(msg(&["--traceparent", "zz", "--", "x"]).contains("traceparent"));
    }
}
