"""tooltrail: flight-recorder logging for AI agents.

Canonical JSON and `stable_hash` (byte-identical with the Node package) and the
non-blocking `EventWriter`. Everything is implemented in the Rust core; this
package re-exports it and installs the writer's exit/fork/signal hooks.
"""

import asyncio
import inspect

from . import _lifecycle
from ._native import (
    ERROR_CLASSES,
    ERROR_KINDS,
    CanonicalError,
    CanonicalTypeError,
    CanonicalValueError,
    Config,
    ConfigError,
    MissingIdError,
    RunCtx,
    ToolValidationError,
    TooltrailError,
    UnknownToolError,
    WriterError,
    __version__,
    canonical_json,
    load_config,
    redact,
    stable_hash,
    stable_hash_json,
)
from ._native import EventWriter as _NativeEventWriter
from ._native import ToolGateway as _NativeToolGateway


class EventWriter(_NativeEventWriter):
    """Non-blocking, batched JSONL event writer (the `logger` protocol:
    `.event(name, fields)`). Flushed automatically at interpreter exit, on
    SIGTERM/SIGINT without an app handler, before `fork` and in
    `multiprocessing` children. See docs/writer.md."""

    def __init__(self, *args, **kwargs) -> None:
        _lifecycle.track(self)


class ToolGateway(_NativeToolGateway):
    """Every tool call goes through here: `tool_call` / `tool_result` events
    with ids, `args_hash`, latency, `ok` and a normalized `error_class`.

    `impls` maps tool names to callables (a dict of args becomes keyword
    arguments); `validators` maps tool names to `f(result)` that returns False
    or raises to reject a result; `timeouts` gives per-tool seconds for
    `acall`; `logger` is any object with `.event(name, fields)` (default: an
    `EventWriter` on `./tooltrail-logs`); `config` is a YAML path, a dict or
    a `Config`.
    """

    def __new__(cls, *, impls, logger=None, config=None, validators=None, timeouts=None, _deterministic=None):
        if logger is None:
            logger = EventWriter()
        self = super().__new__(
            cls, impls=impls, logger=logger, config=config, validators=validators, _deterministic=_deterministic
        )
        # Keep the Python writer alive with the gateway: the exit hooks find
        # writers through their Python objects.
        self._logger = logger
        return self

    def __init__(self, *, impls, logger=None, config=None, validators=None, timeouts=None, _deterministic=None):
        self._timeouts = dict(timeouts or {})

    async def acall(self, ctx, name, args, *, timeout=None):
        """`call` for coroutine tools (sync tools work too). The result is
        logged when the coroutine finishes; `timeout` (or the tool's entry in
        `timeouts`) cancels it and logs `error_class: timeout`."""
        call, tool = self._begin(ctx, name, args)
        limit = timeout if timeout is not None else self._timeouts.get(name)
        try:
            if isinstance(args, dict):
                result = tool(**args)
            elif isinstance(args, (list, tuple)):
                result = tool(*args)
            else:
                result = tool(args)
            if inspect.isawaitable(result):
                result = await (asyncio.wait_for(result, limit) if limit is not None else result)
        except BaseException as exc:  # CancelledError included: it is logged, then re-raised
            self._finish_err(call, exc)
            raise
        self._finish_ok(call, result)
        return result


__all__ = [
    "ERROR_CLASSES",
    "ERROR_KINDS",
    "CanonicalError",
    "CanonicalTypeError",
    "CanonicalValueError",
    "Config",
    "ConfigError",
    "MissingIdError",
    "RunCtx",
    "ToolGateway",
    "ToolValidationError",
    "UnknownToolError",
    "EventWriter",
    "TooltrailError",
    "WriterError",
    "__version__",
    "canonical_json",
    "load_config",
    "redact",
    "stable_hash",
    "stable_hash_json",
]
