//! SIGTERM/SIGINT that JS never saw (issue 13 item 11).
//!
//! Node delivers a signal to its JS listeners through libuv: libuv's handler
//! writes the signal number into a pipe and the event loop reads it later.
//! When the loop is busy (a long synchronous loop) and the script then ends,
//! nothing keeps the loop alive (Node's signal handles are unref'd), the pipe
//! is never read, and the process exits 0 as if no signal had come.
//!
//! So the exit hooks (`lib/lifecycle.js`) chain a handler of their own in
//! front of libuv's: it only records the signal (an atomic store, async-
//! signal-safe) and calls libuv's. At process `'exit'` the hooks flush every
//! writer and say which recorded signals are theirs to honor; a C `atexit`
//! hook (after every JS `'exit'` listener) then restores the default action
//! and re-raises the signal, so the process ends as killed by it (143 for
//! SIGTERM), as it would have with no handler at all.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// The signals watched: SIGINT and SIGTERM (small numbers on every Unix).
const SLOTS: usize = 32;

/// Per signal number: the handler found when watching began (libuv's).
static PREVIOUS: [AtomicUsize; SLOTS] = [const { AtomicUsize::new(0) }; SLOTS];
/// Whether `PREVIOUS[sig]` takes `SA_SIGINFO`'s three arguments.
static PREVIOUS_SIGINFO: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
/// Per signal number: received since watching began.
static RECEIVED: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
/// Per signal number: to be re-raised at exit if received.
static HONOR: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];

fn slot(signum: i32) -> Option<usize> {
    usize::try_from(signum)
        .ok()
        .filter(|s| *s > 0 && *s < SLOTS)
}

/// Records the signal, then runs the handler it replaced (libuv's), with the
/// arguments that one expects.
extern "C" fn on_signal(signum: i32, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let Some(i) = slot(signum) else { return };
    RECEIVED[i].store(true, SeqCst);
    let previous = PREVIOUS[i].load(SeqCst);
    if previous == libc::SIG_DFL || previous == libc::SIG_IGN || previous == 0 {
        return;
    }
    // SAFETY: `previous` was read from sigaction() as a handler of the kind
    // `PREVIOUS_SIGINFO` says; the kernel passed us the arguments it takes.
    unsafe {
        if PREVIOUS_SIGINFO[i].load(SeqCst) {
            let f: extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(previous);
            f(signum, info, context);
        } else {
            let f: extern "C" fn(i32) = std::mem::transmute(previous);
            f(signum);
        }
    }
}

/// [`on_signal`]'s address, as `sigaction` stores handlers.
fn ours() -> libc::sighandler_t {
    type Handler = extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void);
    on_signal as Handler as libc::sighandler_t
}

/// At C exit, after every JS `'exit'` listener: ends the process by the
/// first received signal the hooks honored, with its default action.
extern "C" fn reraise_at_exit() {
    for (i, honor) in HONOR.iter().enumerate() {
        if !(honor.load(SeqCst) && RECEIVED[i].load(SeqCst)) {
            continue;
        }
        let signum = i as i32;
        // SAFETY: plain libc calls on a valid signal number.
        unsafe {
            libc::signal(signum, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, signum);
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::raise(signum);
        }
    }
}

/// Chains the recording handler in front of the current one for `signum`.
/// Call it right after a JS listener for the signal was added (libuv's
/// handler is then in place); a signal with no handler (default or ignored
/// action) is left alone and `false` returned.
#[napi(js_name = "_watchSignal")]
pub fn watch_signal(signum: i32) -> Result<bool> {
    let Some(i) = slot(signum) else {
        return Err(Error::from_reason(format!("signal {signum} out of range")));
    };
    static AT_EXIT: Once = Once::new();
    // SAFETY: sigaction with valid pointers; the new handler only touches
    // atomics and calls the handler it replaces.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signum, std::ptr::null(), &mut current) != 0 {
            return Err(Error::from_reason(
                std::io::Error::last_os_error().to_string(),
            ));
        }
        let handler = current.sa_sigaction;
        if handler == libc::SIG_DFL || handler == libc::SIG_IGN || handler == ours() {
            return Ok(handler == ours());
        }
        PREVIOUS[i].store(handler, SeqCst);
        PREVIOUS_SIGINFO[i].store(current.sa_flags & libc::SA_SIGINFO != 0, SeqCst);
        let mut ours = current;
        ours.sa_sigaction = self::ours();
        ours.sa_flags = (current.sa_flags | libc::SA_SIGINFO) & !libc::SA_RESETHAND;
        if libc::sigaction(signum, &ours, std::ptr::null_mut()) != 0 {
            return Err(Error::from_reason(
                std::io::Error::last_os_error().to_string(),
            ));
        }
        AT_EXIT.call_once(|| {
            libc::atexit(reraise_at_exit);
        });
    }
    Ok(true)
}

/// Whether the process ends by `signum` at exit if it was received (set at
/// `'exit'`: only while the exit hooks' own listener is the only one, i.e.
/// nobody else took the signal over).
#[napi(js_name = "_honorSignalAtExit")]
pub fn honor_signal_at_exit(signum: i32, honor: bool) {
    if let Some(i) = slot(signum) {
        HONOR[i].store(honor, SeqCst);
    }
}
