//! The proxy's state machine: one MCP session is one run; each `tools/call`
//! goes through [`Gateway::begin`] on its way to the server and
//! [`Gateway::finish`] when its response (or its cancellation, or the end of
//! the session) comes back. No I/O here: each step says what to relay,
//! what to answer and which events to log, so the relay's threads stay thin
//! and every rule is unit-tested (`session_tests.rs`).

use std::collections::HashMap;

use super::message::{CONNECTION_CLOSED, Message, error_response, id_key};
use super::outcome::{
    CONNECTION_CLOSED_CLASS, MCP_ERROR, TOOL_ERROR, error_class, refusal, result_error,
};
use tooltrail_core::FailureFacts;
use tooltrail_core::gateway::{CallHandle, Event, Gateway, GatewayError, Outcome, RunCtx, RunExit};
use tooltrail_core::schema::field;
use tooltrail_json::{CanonError, Value};

/// Facts of a cancelled call (`notifications/cancelled`, or the session
/// ended by the client or a signal): classified `cancelled`.
const CANCELLED: &str = "CancelledError";

/// What to do with one message.
#[derive(Debug, Default)]
pub struct Actions {
    /// Relay the line to the other side unchanged.
    pub forward: bool,
    /// Lines to answer the sender with (a refusal).
    pub reply: Vec<Vec<u8>>,
    /// Events to log, in order, before the line is relayed.
    pub events: Vec<Event>,
}

impl Actions {
    fn relay() -> Self {
        Actions {
            forward: true,
            ..Actions::default()
        }
    }
}

/// How the session ended (the first of these to happen decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The client closed its input: calls still pending were abandoned.
    ClientClosed,
    /// The server's output ended first (it exited or crashed);
    /// `success`: it exited with status 0.
    ServerExited {
        /// Whether the server exited with status 0.
        success: bool,
    },
    /// The proxy was told to stop (SIGTERM, SIGINT, SIGHUP).
    Signal,
}

/// One proxy session: the gateway, the run, the calls in flight.
#[derive(Debug)]
pub struct Session {
    gateway: Gateway,
    /// The ids from the command line (request, user, traceparent).
    ids: RunCtx,
    /// The open run's context (after `initialize` or the first call).
    run: Option<RunCtx>,
    /// Calls forwarded and not yet answered, by [`id_key`].
    pending: HashMap<String, (Value, CallHandle)>,
    ended: bool,
    /// The server's command line (`run_start.mcp_server.command`).
    command: String,
    /// The `initialize` request awaiting the server's answer, by [`id_key`]:
    /// the run starts with that answer (it names the server).
    initialize: Option<String>,
}

impl Session {
    /// A session logging through `gateway` under `ids` (a missing
    /// `request_id` becomes the run's id: the session is the request).
    pub fn new(gateway: Gateway, ids: RunCtx) -> Self {
        Session {
            gateway,
            ids,
            run: None,
            pending: HashMap::new(),
            ended: false,
            command: String::new(),
            initialize: None,
        }
    }

    /// The session of a proxy in front of the server run as `command`:
    /// `run_start` names it (with the name and version the server gives
    /// in its answer to `initialize`).
    pub fn fronting(mut self, command: &[String]) -> Self {
        self.command = shell_words(command);
        self
    }

    /// The open run's id, if a run has started.
    pub fn run_id(&self) -> Option<&str> {
        self.run.as_ref().and_then(|c| c.run_id.as_deref())
    }

    /// How many calls await their response.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Starts the run once: `run_start` into `events`, naming the server
    /// (`info`: the `serverInfo` of its answer to `initialize`, if any).
    fn ensure_run(&mut self, events: &mut Vec<Event>) -> Option<RunCtx> {
        self.start_run(events, None)
    }

    fn start_run(&mut self, events: &mut Vec<Event>, info: Option<&Value>) -> Option<RunCtx> {
        if self.run.is_none() && !self.ended {
            let mut ids = self.ids.clone();
            if ids.run_id.is_none() {
                ids.run_id = Some(self.gateway.generate_id());
            }
            if ids.request_id.is_none() {
                ids.request_id.clone_from(&ids.run_id);
            }
            let info_text = |key: &str| match info.and_then(|i| i.get(key)) {
                Some(Value::String(s)) => Value::from(s.as_str()),
                _ => Value::Null,
            };
            let server = Value::object([
                (field::NAME, info_text("name")),
                (field::VERSION, info_text("version")),
                (field::COMMAND, Value::from(self.command.as_str())),
            ]);
            self.initialize = None;
            match self.gateway.start_proxy_run(&ids, &server) {
                Ok((ctx, started)) => {
                    events.extend(started);
                    self.run = Some(ctx);
                }
                Err(e) => warn(&format!(
                    "cannot start a run ({e}); calls are relayed unrecorded"
                )),
            }
        }
        self.run.clone()
    }

    /// A line from the client, on its way to the server.
    pub fn on_client(&mut self, msg: &Message) -> Actions {
        let mut actions = Actions::relay();
        match msg {
            Message::Request { id, method, .. } if method == "initialize" && self.run.is_none() => {
                // The run starts with the server's answer, which names it.
                self.initialize = id_key(id);
            }
            Message::Request {
                id,
                method,
                params,
                invalid_arguments,
            } if method == "tools/call" => {
                self.call(id, params, invalid_arguments.as_ref(), &mut actions);
            }
            Message::Notification { method, params } if method == "notifications/cancelled" => {
                if let Some(request) = params.get("requestId") {
                    let reason = match params.get("reason") {
                        Some(Value::String(r)) => r.as_str(),
                        _ => "cancelled by the client",
                    };
                    actions.events = self.finish_failed(request, CANCELLED, reason);
                }
            }
            _ => {}
        }
        actions
    }

    /// `tools/call`: begin the call; forward it, or refuse it with a
    /// JSON-RPC error and keep it from the server.
    fn call(
        &mut self,
        id: &Value,
        params: &Value,
        invalid: Option<&CanonError>,
        actions: &mut Actions,
    ) {
        let (Some(Value::String(tool)), Some(key)) = (params.get("name"), id_key(id)) else {
            return; // Not a call the server can run either: it answers.
        };
        let Some(ctx) = self.ensure_run(&mut actions.events) else {
            return;
        };
        // The server decides which tools exist (it answers an unknown
        // one); the gateway admits every name it is asked for.
        self.gateway.add_tool(tool);
        // Arguments with no JSON form still ran on the server: the call is
        // recorded with their error as `args_error`.
        let args = match (invalid, params.get("arguments")) {
            (Some(e), _) => Err(e.clone()),
            (None, None | Some(Value::Null)) => Ok(Value::Object(Vec::new())),
            (None, Some(v)) => Ok(v.clone()),
        };
        if let Some(earlier) = self.pending.remove(&key) {
            // A client that reuses the id of a call still pending: the
            // earlier call's answer can no longer be told apart, so it ends
            // here, said, rather than vanish.
            let (_, handle) = earlier;
            actions.events.extend(self.gateway.finish(
                handle,
                failed(
                    MCP_ERROR,
                    "the client reused this call's request id before it was answered",
                ),
            ));
            warn(&format!(
                "request id {key} reused while its call was pending; the earlier call is recorded as failed"
            ));
        }
        match self.gateway.begin(&ctx, tool, args) {
            Ok((handle, events)) => {
                actions.events.extend(events);
                self.pending.insert(key, (id.clone(), handle));
            }
            Err((e, events)) => {
                actions.events.extend(events);
                if is_refusal(&e) {
                    actions.forward = false;
                    let attrs = e.attributes();
                    let (code, message, data) = refusal(e.error_class(), &e.to_string(), |attr| {
                        attrs
                            .iter()
                            .find(|(a, _)| *a == attr)
                            .map(|(_, v)| v.clone())
                    });
                    actions
                        .reply
                        .push(error_response(id, code, &message, Some(data)));
                } else {
                    warn(&format!("call {tool:?} relayed unrecorded: {e}"));
                }
            }
        }
    }

    /// A line from the server, on its way to the client: a response ends
    /// its pending call.
    pub fn on_server(&mut self, msg: &Message) -> Actions {
        let mut actions = Actions::relay();
        let Message::Response {
            id,
            outcome,
            invalid_result,
        } = msg
        else {
            return actions;
        };
        let key = id_key(id);
        if key.is_some() && key == self.initialize {
            let info = outcome.as_ref().ok().and_then(|r| r.get("serverInfo"));
            self.start_run(&mut actions.events, info);
            return actions;
        }
        let Some((_, handle)) = key.and_then(|k| self.pending.remove(&k)) else {
            return actions; // not a tools/call, or one already cancelled
        };
        let outcome = match outcome {
            Err(error) => {
                let message = text_of(error.get("message"));
                let code = match error.get("code") {
                    Some(Value::Number(n)) if n.fract() == 0.0 => *n as i64,
                    _ => 0,
                };
                failed(error_class(code, message), message)
            }
            Ok(result) if result_error(result).is_some() => {
                failed(TOOL_ERROR, result_error(result).unwrap_or_default())
            }
            Ok(_) if invalid_result.is_some() => {
                Outcome::Returned(Err(invalid_result.clone().expect("checked")))
            }
            Ok(result) => Outcome::Returned(Ok(result.clone())),
        };
        actions.events = self.gateway.finish(handle, outcome).into_vec();
        actions
    }

    /// Finishes the call filed under `id` as failed with `class` (if it is
    /// pending).
    fn finish_failed(&mut self, id: &Value, class: &str, message: &str) -> Vec<Event> {
        match id_key(id).and_then(|k| self.pending.remove(&k)) {
            Some((_, handle)) => self
                .gateway
                .finish(handle, failed(class, message))
                .into_vec(),
            None => Vec::new(),
        }
    }

    /// Ends the session: every pending call finished (`ConnectionClosed`
    /// when the server died, `cancelled` otherwise) and answered with the
    /// error the SDKs give a closed connection; then `run_end`. `detail`
    /// says what happened (the server's exit status), for the messages.
    /// Returns the lines for the client and the events. Runs once.
    pub fn end(&mut self, end: End, detail: &str) -> (Vec<Vec<u8>>, Vec<Event>) {
        let (mut replies, mut events) = (Vec::new(), Vec::new());
        if self.ended {
            return (replies, events);
        }
        if self.initialize.is_some() {
            // The server never answered `initialize` (it died starting up):
            // the session is still a run, recorded with how it ended.
            self.ensure_run(&mut events);
        }
        self.ended = true;
        let had_pending = !self.pending.is_empty();
        let class = match end {
            End::ServerExited { .. } => CONNECTION_CLOSED_CLASS,
            End::ClientClosed | End::Signal => CANCELLED,
        };
        let message = format!("Connection closed: {detail}");
        let mut pending: Vec<_> = self.pending.drain().map(|(_, p)| p).collect();
        pending.sort_by_key(|(_, h)| h.seq());
        for (id, handle) in pending {
            events.extend(self.gateway.finish(handle, failed(class, &message)));
            replies.push(error_response(&id, CONNECTION_CLOSED, &message, None));
        }
        let exit = match end {
            End::ClientClosed if !had_pending => RunExit::Normal,
            End::ServerExited { success: true } if !had_pending => RunExit::Normal,
            End::ServerExited { .. } => RunExit::Raised,
            End::ClientClosed | End::Signal => RunExit::Cancelled,
        };
        if let Some(run_id) = self.run_id().map(str::to_owned) {
            match self.gateway.end_run(&run_id, exit) {
                Ok(ended) => events.extend(ended),
                Err(e) => warn(&format!("cannot end run {run_id}: {e}")),
            }
        }
        (replies, events)
    }
}

/// The refusals the proxy exists for: answered, not forwarded.
fn is_refusal(e: &GatewayError) -> bool {
    match e {
        GatewayError::BudgetExceeded(_)
        | GatewayError::LoopDetected { .. }
        | GatewayError::UnknownTool(_) => true,
        GatewayError::MissingId(_)
        | GatewayError::ValidationFailed { .. }
        | GatewayError::UnknownStopReason(_)
        | GatewayError::UnknownRun(_)
        | GatewayError::BadWindow(_)
        | GatewayError::InvalidArgument { .. } => false,
    }
}

/// `argv` as one line a shell would read back: arguments holding blanks,
/// quotes or shell characters are single-quoted.
fn shell_words(argv: &[String]) -> String {
    let word = |a: &String| {
        let plain = !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b));
        if plain {
            a.clone()
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    };
    argv.iter().map(word).collect::<Vec<_>>().join(" ")
}

fn failed(class: &str, message: &str) -> Outcome {
    Outcome::Failed {
        facts: FailureFacts::named(class),
        message: message.to_owned(),
    }
}

fn text_of(v: Option<&Value>) -> &str {
    match v {
        Some(Value::String(s)) => s,
        _ => "",
    }
}

/// A note on stderr (the server's stderr passes through there too; MCP
/// clients show it in their logs). Never on stdout: that is the protocol.
pub(super) fn warn(message: &str) {
    eprintln!("tooltrail mcp-proxy: {message}");
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
