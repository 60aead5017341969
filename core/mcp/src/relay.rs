//! The proxy's process: the server as a child over stdio, one thread per
//! direction, and the shutdown sequence. Each line goes through the
//! [`Session`] (which decides) and is relayed byte for byte.

use std::io::{BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::message::{Message, read_line};
use super::options::ProxyOptions;
use super::session::{End, Session, warn};
use tooltrail_core::Error;
use tooltrail_core::config::Config;
use tooltrail_core::gateway::{Event, Gateway};
use tooltrail_core::writer::{EventWriter, WriterOptions};

/// What the relay's threads tell the main thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Note {
    /// The client closed its input (or it failed).
    ClientEof,
    /// The server's output ended.
    ServerEof,
    /// The server process exited (its output may still be held open by a
    /// process it started).
    ServerExited,
    /// A termination signal came.
    Signal(i32),
}

/// The client side: where answers and relayed server lines go.
type ClientOut = Arc<Mutex<Box<dyn Write + Send>>>;

fn lock<T: ?Sized>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs the proxy between `client_in` / `client_out` (the process's stdin
/// and stdout) and the server `options.command`. Returns the server's exit
/// code (128 + the signal if a signal ended it).
pub(crate) fn run(
    options: &ProxyOptions,
    client_in: impl Read + Send + 'static,
    client_out: impl Write + Send + 'static,
) -> Result<i32, Error> {
    let mut config = match &options.config {
        Some(path) => Config::from_path(path)?,
        None => Config::default(),
    };
    if let Some(agent) = &options.agent_id {
        config.agent_id = Some(agent.clone());
    }
    let writer = EventWriter::new(
        WriterOptions {
            path: Some(options.logs.clone()),
            otlp: config.otlp.clone(),
            ..WriterOptions::default()
        }
        .into_config()?,
    )?;
    let gateway = Gateway::from_config(config, [], None)?;
    let (program, args) = options
        .command
        .split_first()
        .expect("parse checks the command");
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::invalid_argument("CMD", format!("cannot start {program:?}: {e}")))?;
    let (tx, rx) = channel();
    let guard = tooltrail_core::signals::watch(tx.clone(), Note::Signal);
    let session = Arc::new(Mutex::new(
        Session::new(gateway, options.ids.clone()).fronting(&options.command),
    ));
    let out: ClientOut = Arc::new(Mutex::new(Box::new(client_out)));
    let server_in = child.stdin.take().expect("piped");
    let server_out = child.stdout.take().expect("piped");
    spawn_client_reader(client_in, server_in, (&session, &writer, &out), tx.clone());
    spawn_server_reader(server_out, (&session, &writer, &out), tx.clone());
    spawn_exit_watcher(&child, tx);

    let first = match rx.recv().unwrap_or(Note::ServerEof) {
        // Its last lines may still be on their way: a moment to drain them,
        // but not forever (a process it started may hold its output open).
        Note::ServerExited => {
            let _ = wait_server_eof(&rx, EXIT_DRAIN);
            Note::ServerEof
        }
        note => note,
    };
    let timeout = options.shutdown_timeout;
    let status = match first {
        Note::ServerEof | Note::ServerExited => reap(&mut child, timeout),
        Note::ClientEof => {
            // MCP's stdio shutdown: the server's input is closed (done by
            // the client reader); wait for it to exit, then escalate.
            let _ = wait_server_eof(&rx, timeout);
            reap(&mut child, timeout)
        }
        Note::Signal(_) => {
            terminate(&child);
            let _ = wait_server_eof(&rx, timeout);
            reap(&mut child, timeout)
        }
    };
    let end = match first {
        Note::ServerEof | Note::ServerExited => End::ServerExited {
            success: status.success(),
        },
        Note::ClientEof => End::ClientClosed,
        Note::Signal(_) => End::Signal,
    };
    let detail = match first {
        Note::Signal(sig) => format!("tooltrail mcp-proxy stopped by signal {sig}"),
        Note::ClientEof => "the client closed its input".to_owned(),
        Note::ServerEof | Note::ServerExited => describe(status),
    };
    let (replies, events) = lock(&session).end(end, &detail);
    log(&writer, events);
    // A relay thread blocked writing to a client that stopped reading
    // holds the client's output: the answers are then dropped, so that the
    // proxy still logs its end and exits (it did not, after SIGTERM).
    if let Ok(mut w) = out.try_lock() {
        for line in replies {
            write_line(&mut **w, &line);
        }
    }
    if !writer.close(writer.config().close_timeout) {
        warn("some events could not be written before the timeout");
    }
    drop(guard);
    Ok(exit_code(status))
}

/// Client → server: each line through [`Session::on_client`], then
/// forwarded (or answered). At the client's end of input the server's
/// input is closed.
fn spawn_client_reader(
    client_in: impl Read + Send + 'static,
    server_in: ChildStdin,
    (session, writer, out): (&Arc<Mutex<Session>>, &EventWriter, &ClientOut),
    tx: Sender<Note>,
) {
    let (session, writer, out) = (Arc::clone(session), writer.clone(), Arc::clone(out));
    std::thread::spawn(move || {
        let mut input = BufReader::new(client_in);
        let mut server_in = Some(server_in);
        while let Ok(Some(line)) = read_line(&mut input) {
            let msg = Message::parse(&line);
            let actions = {
                let mut s = lock(&session);
                let mut actions = s.on_client(&msg);
                // Under the lock: a call's events reach the log in order.
                log(&writer, std::mem::take(&mut actions.events));
                actions
            };
            for reply in &actions.reply {
                send(&out, reply);
            }
            if actions.forward
                && let Some(w) = server_in.as_mut()
                && w.write_all(&line).and_then(|()| w.flush()).is_err()
            {
                // The server is gone; its reader reports the end.
                server_in = None;
            }
        }
        drop(server_in);
        let _ = tx.send(Note::ClientEof);
    });
}

/// Server → client: each line through [`Session::on_server`], then relayed.
fn spawn_server_reader(
    server_out: impl Read + Send + 'static,
    (session, writer, out): (&Arc<Mutex<Session>>, &EventWriter, &ClientOut),
    tx: Sender<Note>,
) {
    let (session, writer, out) = (Arc::clone(session), writer.clone(), Arc::clone(out));
    std::thread::spawn(move || {
        let mut input = BufReader::new(server_out);
        while let Ok(Some(line)) = read_line(&mut input) {
            let msg = Message::parse(&line);
            {
                let mut s = lock(&session);
                let actions = s.on_server(&msg);
                log(&writer, actions.events);
            }
            send(&out, &line);
        }
        let _ = tx.send(Note::ServerEof);
    });
}

fn log(writer: &EventWriter, events: Vec<Event>) {
    for e in events {
        e.write_to(writer);
    }
}

/// Writes one whole line to the client (a newline added if missing). A
/// client that stopped reading is not an error of the proxy's.
fn send(out: &ClientOut, line: &[u8]) {
    write_line(&mut **lock(out), line);
}

fn write_line(w: &mut dyn Write, line: &[u8]) {
    let _ = w.write_all(line);
    if !line.ends_with(b"\n") {
        let _ = w.write_all(b"\n");
    }
    let _ = w.flush();
}

/// How long the proxy reads a server's output after the server exited.
const EXIT_DRAIN: Duration = Duration::from_millis(500);

/// Tells the relay when the server process exits, whether or not its
/// output ends with it (a process it started may keep it open: the
/// client then waited with no answer and the crash was logged as a
/// cancellation). `waitid` with `WNOWAIT` leaves the child for `reap`.
fn spawn_exit_watcher(child: &Child, tx: Sender<Note>) {
    let pid: libc::id_t = child.id();
    std::thread::spawn(move || {
        loop {
            // SAFETY: a zeroed siginfo_t is a valid out-argument; waitid on
            // our own child, without reaping it (WNOWAIT).
            let rc = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT)
            };
            if rc == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
            {
                break;
            }
        }
        let _ = tx.send(Note::ServerExited);
    });
}

/// Waits up to `timeout` for the server's output to end; once the server
/// has exited, [`EXIT_DRAIN`] at most.
fn wait_server_eof(rx: &Receiver<Note>, timeout: Duration) -> bool {
    let mut deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Note::ServerEof) | Err(RecvTimeoutError::Disconnected) => return true,
            Ok(Note::ServerExited) => deadline = deadline.min(Instant::now() + EXIT_DRAIN),
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => return false,
        }
    }
}

/// SIGTERM to the server.
fn terminate(child: &Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) on our own child's pid (not yet reaped).
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
}

/// The server's exit status: waits up to `timeout`, then SIGTERM and
/// `timeout` more, then SIGKILL.
fn reap(child: &mut Child, timeout: Duration) -> ExitStatus {
    for escalate in [false, true] {
        let deadline = Instant::now() + timeout;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(None) => break,
                Err(_) => break,
            }
        }
        if !escalate {
            terminate(child);
        }
    }
    let _ = child.kill();
    child
        .wait()
        .unwrap_or_else(|_| std::os::unix::process::ExitStatusExt::from_raw(1 << 8))
}

fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("the MCP server exited with status {code}"),
        (None, Some(sig)) => format!("the MCP server was killed by signal {sig}"),
        (None, None) => "the MCP server exited".to_owned(),
    }
}

/// The proxy's exit code: the server's, or 128 + the signal that ended it.
fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}
