//! SIGTERM / SIGINT / SIGHUP while a long Rust loop owns the process: the
//! MCP relay (`tooltrail mcp-proxy`) and `tooltrail tail -f`.
//!
//! Both may run inside Python or Node (the `tooltrail` command from pip or
//! npm), whose own handlers only set a flag for an interpreter that is
//! blocked in Rust, so the signal would do nothing. While the loop runs,
//! this handler takes over: it writes the signal's number into a pipe
//! (async-signal-safe, whichever thread the kernel picks), and a thread
//! reading the pipe sends it on a channel the loop watches. The previous
//! handlers come back when the guard is dropped.
//!
//! Not `signal-hook`: its handlers chain to the ones they find and stay
//! installed after unregistering, so the host's handler would see the
//! signal too (a Python `KeyboardInterrupt` after the command returned);
//! here the host's handlers are replaced for the loop's duration and then
//! restored as they were.

use std::sync::atomic::{AtomicI32, Ordering::SeqCst};
use std::sync::mpsc::Sender;

const SIGNALS: [libc::c_int; 3] = [libc::SIGTERM, libc::SIGINT, libc::SIGHUP];

/// The pipe's write end, for the handler (-1: none).
static PIPE_WRITE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signum: libc::c_int) {
    let fd = PIPE_WRITE.load(SeqCst);
    if fd >= 0 {
        let byte = signum as u8;
        // SAFETY: write(2) is async-signal-safe; a full pipe drops the byte,
        // which is fine (one is enough to stop).
        unsafe {
            libc::write(fd, (&raw const byte).cast(), 1);
        }
    }
}

/// The installed handlers; dropping it restores the previous ones.
pub struct SignalGuard {
    previous: Vec<(libc::c_int, libc::sigaction)>,
    write_fd: libc::c_int,
}

/// Installs the handlers for SIGTERM, SIGINT and SIGHUP; each signal's number is sent on `tx` (converted
/// by `wrap`) from a thread of its own. `None` if the pipe cannot be made
/// (the proxy then runs with the host's signal handling).
pub fn watch<T: Send + 'static>(
    tx: Sender<T>,
    wrap: impl Fn(i32) -> T + Send + 'static,
) -> Option<SignalGuard> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe(2) fills two descriptors we own from here on.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return None;
    }
    let [read_fd, write_fd] = fds;
    for fd in fds {
        // SAFETY: plain fcntl on our own descriptors; the server must not
        // inherit them.
        unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
    }
    PIPE_WRITE.store(write_fd, SeqCst);
    std::thread::spawn(move || {
        let mut byte = 0u8;
        // 0 from read means the write end was closed (the guard dropped);
        // -1 with EINTR is retried.
        loop {
            // SAFETY: reads one byte into a local from our own pipe.
            let n = unsafe { libc::read(read_fd, (&raw mut byte).cast(), 1) };
            if n == 1 {
                if tx.send(wrap(i32::from(byte))).is_err() {
                    break;
                }
            } else if n == 0
                || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted
            {
                break;
            }
        }
        // SAFETY: our descriptor, closed once.
        unsafe { libc::close(read_fd) };
    });
    let mut previous = Vec::new();
    for sig in SIGNALS {
        // SAFETY: a zeroed sigaction with our handler and an empty mask is a
        // valid argument; the old action is saved to restore it.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(sig, &action, &mut old) == 0 {
                previous.push((sig, old));
            }
        }
    }
    Some(SignalGuard { previous, write_fd })
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        for (sig, old) in &self.previous {
            // SAFETY: restores the action sigaction() gave us.
            unsafe {
                libc::sigaction(*sig, old, std::ptr::null_mut());
            }
        }
        PIPE_WRITE.store(-1, SeqCst);
        // SAFETY: our descriptor; closing it ends the reading thread.
        unsafe {
            libc::close(self.write_fd);
        }
    }
}
