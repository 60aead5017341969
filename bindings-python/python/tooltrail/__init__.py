"""tooltrail: flight-recorder logging for AI agents.

Canonical JSON and `stable_hash` (byte-identical with the Node package) and the
non-blocking `EventWriter`. Everything is implemented in the Rust core; this
package re-exports it and installs the writer's exit/fork/signal hooks.
"""

from . import _lifecycle
from ._native import (
    ERROR_KINDS,
    CanonicalError,
    CanonicalTypeError,
    CanonicalValueError,
    ConfigError,
    TooltrailError,
    WriterError,
    __version__,
    canonical_json,
    stable_hash,
    stable_hash_json,
)
from ._native import EventWriter as _NativeEventWriter


class EventWriter(_NativeEventWriter):
    """Non-blocking, batched JSONL event writer (the `logger` protocol:
    `.event(name, fields)`). Flushed automatically at interpreter exit, on
    SIGTERM/SIGINT without an app handler, before `fork` and in
    `multiprocessing` children. See docs/writer.md."""

    def __init__(self, *args, **kwargs) -> None:
        _lifecycle.track(self)


__all__ = [
    "ERROR_KINDS",
    "CanonicalError",
    "CanonicalTypeError",
    "CanonicalValueError",
    "ConfigError",
    "EventWriter",
    "TooltrailError",
    "WriterError",
    "__version__",
    "canonical_json",
    "stable_hash",
    "stable_hash_json",
]
