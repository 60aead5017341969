"""Process-lifecycle hooks for EventWriter: the Rust writer thread never keeps
the interpreter alive, and nothing runs Rust destructors at exit, so flushing
must be driven from Python.

- atexit: normal end, sys.exit, uncaught exceptions.
- SIGTERM / SIGINT: only when the application has no handler of its own; we
  close the writers, restore the default disposition and re-send the signal,
  so the exit status is what it would have been.
- os.fork: flush before (the child restarts its own worker lazily in Rust).
- multiprocessing children end with os._exit, skipping atexit: a
  multiprocessing Finalize closes the writers there.
"""

import atexit
import os
import signal
import threading
import weakref
from types import FrameType
from typing import TYPE_CHECKING, Optional

from ._native import _wait_for_dropped

if TYPE_CHECKING:
    from ._native import EventWriter

_writers: "weakref.WeakSet[EventWriter]" = weakref.WeakSet()
_installed = False
_lock = threading.Lock()
FORK_FLUSH_TIMEOUT = 2.0
DROP_WAIT_TIMEOUT = 5.0


def _live() -> "list[EventWriter]":
    return [w for w in list(_writers) if not w.closed]


def close_all() -> None:
    for w in _live():
        w.close()
    # A writer another thread is dropping right now is out of our reach but
    # still writing: the process must not end before it is done.
    _wait_for_dropped(DROP_WAIT_TIMEOUT)


def flush_all(timeout: float = FORK_FLUSH_TIMEOUT) -> None:
    # The local files only: a forked child starts its own OTLP exporter and
    # the parent's keeps delivering, so a hanging collector must not stall fork.
    for w in _live():
        w.flush(timeout, export=False)


def _on_signal(signum: int, frame: Optional[FrameType]) -> None:
    close_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_signal_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        current = signal.getsignal(sig)
        # SIGINT's Python default raises KeyboardInterrupt, which reaches
        # atexit on its own; only a bare SIG_DFL loses events.
        if current is signal.SIG_DFL:
            signal.signal(sig, _on_signal)


class _MultiprocessingHook:
    """register_after_fork keys on a live object; this one lives forever."""


_mp_hook = _MultiprocessingHook()


def _after_multiprocessing_fork(_hook: _MultiprocessingHook) -> None:
    import multiprocessing.util as mpu

    mpu.Finalize(None, close_all, exitpriority=100)


def _install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    atexit.register(close_all)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(before=flush_all)
    import multiprocessing
    import multiprocessing.util as mpu

    mpu.register_after_fork(_mp_hook, _after_multiprocessing_fork)
    # A writer first made inside a multiprocessing child (a Pool worker that
    # keeps a global writer) gets the same exit hook as one inherited across
    # fork: these children end with os._exit, which skips atexit.
    if multiprocessing.parent_process() is not None:
        mpu.Finalize(None, close_all, exitpriority=100)
    _install_signal_handlers()


def track(writer: "EventWriter") -> None:
    """Registers a new writer for the exit hooks (installed on first use)."""
    _writers.add(writer)
    _install()
    # A writer made in a process whose first writer came from another thread
    # still gets signal handlers once the main thread makes one.
    _install_signal_handlers()


# Signal handlers can only be installed from the main thread, and the first
# writer may be made in another one: install them at import (usually in the
# main thread). With no writer they only re-raise the default action; an app
# handler installed later replaces them, and one installed earlier is kept.
_install_signal_handlers()
