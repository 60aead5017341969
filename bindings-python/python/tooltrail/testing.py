"""Test helpers for agent authors (docs/testing.md).

`Recorder()` is a `logger` that keeps events in memory: the gateway writes to
it through the same native writer as to a file, so it holds the very lines a
log file would. Its questions (runs, tool sequences, calls, hashes, failures,
snapshots) are answered by the core, identically in Node
(`require('tooltrail/testing')`). With pytest, the `tooltrail_recorder`
fixture hands a fresh one to each test::

    def test_support_run(tooltrail_recorder):
        gw = ToolGateway(impls=..., logger=tooltrail_recorder, deterministic=True)
        with gw.run(run_id="r1", request_id="q1"):
            ...
        run = tooltrail_recorder.last_run()
        assert run.stop_reason == "completed"
        assert run.tool_sequence() == ["search_orders", "get_invoice"]
        run.assert_matches_snapshot("tests/snapshots/support.jsonl")
"""

import os
from typing import Any, Optional, Union, cast

from . import _native
from ._native import EventWriter as _NativeEventWriter
from ._native import recorded as _recorded
from ._native import recorder_clear as _recorder_clear
from ._types import RecordedCall, RecordedRunSummary, StopReason

# From the core, as Node's tooltrail/testing has them. DETERMINISTIC_START:
# where a deterministic gateway's clock starts with `deterministic=True`;
# UPDATE_SNAPSHOTS_ENV: set (non-empty, not "0") to rewrite snapshot files
# instead of comparing.
DETERMINISTIC_START: str = _native._DETERMINISTIC_START
UPDATE_SNAPSHOTS_ENV: str = _native._UPDATE_SNAPSHOTS_ENV

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


class _Scope:
    """Questions about recorded events: every run's (`Recorder`) or one run's (`RecordedRun`)."""

    _run_id: Optional[str] = None

    def _writer(self) -> "Recorder":
        raise NotImplementedError

    def _ask(self, command: str, **options: Any) -> Any:
        return _recorded(self._writer(), command, {"run_id": self._run_id, **options})

    def tool_sequence(self) -> list[str]:
        """The tools called, in order (calls refused by a budget or the loop guard included)."""
        return cast("list[str]", self._ask("tool_sequence"))

    def calls(self, tool: Optional[str] = None) -> list[RecordedCall]:
        """Each call (of `tool`, if given): its `tool_call` joined with its `tool_result`."""
        return cast("list[RecordedCall]", self._ask("calls", tool=tool))

    def args_hashes(self) -> list[Optional[str]]:
        """Each call's `args_hash`, in order (None for arguments with no hash)."""
        return cast("list[Optional[str]]", self._ask("args_hashes"))

    def errors(self) -> list[RecordedCall]:
        """The calls that failed or were refused (`ok` False)."""
        return cast("list[RecordedCall]", self._ask("errors"))

    def events(self, event: Optional[str] = None) -> list[dict[str, Any]]:
        """The recorded events (named `event`, if given), as dicts, in log order."""
        return cast("list[dict[str, Any]]", self._ask("events", event=event))

    def lines(self) -> list[str]:
        """The recorded JSONL lines, exactly as a log file would hold them (without `\\n`)."""
        return cast("list[str]", self._ask("lines"))

    def snapshot(self) -> str:
        """The events as a snapshot: volatile fields (ts, ids, latency, durations) normalized."""
        return cast(str, self._ask("snapshot"))

    def assert_matches_snapshot(self, path: PathLike) -> str:
        """Compares the snapshot with the file at `path`; writes it on first use (commit it).
        Raises `SnapshotMismatchError` (an AssertionError) showing the first difference;
        `TOOLTRAIL_UPDATE_SNAPSHOTS=1` rewrites it instead. Returns "created", "matched"
        or "updated". The file is byte for byte the one the Node helper writes."""
        return cast(str, self._ask("check_snapshot", path=os.fsdecode(path)))


class RecordedRun(_Scope):
    """One recorded run: its summary (as `tooltrail runs` reports it) and its events."""

    def __init__(self, recorder: "Recorder", summary: RecordedRunSummary) -> None:
        self._recorder = recorder
        self._run_id = summary["run_id"]
        self.summary = summary
        self.run_id: str = summary["run_id"]
        self.start: str = summary["start"]
        self.user_id = summary["user_id"]
        self.request_id = summary["request_id"]
        self.stop_reason: Optional[StopReason] = summary["stop_reason"]  # None: the run has not ended
        self.tool_calls: int = summary["tool_calls"]  # calls made (refused ones not counted)
        self.error_count: int = summary["errors"]  # calls that ran and failed
        self.refused: int = summary["refused"]  # calls refused before running
        self.duration_ms = summary["duration_ms"]
        self.spend_usd = summary["spend_usd"]
        self.error_classes: list[str] = summary["error_classes"]
        self.tools: list[str] = summary["tools"]

    def _writer(self) -> "Recorder":
        return self._recorder

    def __repr__(self) -> str:
        return f"RecordedRun(run_id={self.run_id!r}, stop_reason={self.stop_reason!r}, tools={self.tools!r})"


class Recorder(_NativeEventWriter, _Scope):
    """A `logger` that keeps events in memory (an `EventWriter` with a memory sink).
    Its questions without a run cover every recorded event; `run()` /
    `last_run()` narrow them to one run."""

    def __new__(cls) -> "Recorder":
        return super().__new__(cls, sink="memory")

    def _writer(self) -> "Recorder":
        return self

    def runs(self) -> list[RecordedRun]:
        """Every recorded run, in the order they started."""
        summaries = cast("list[RecordedRunSummary]", _recorded(self, "runs"))
        return [RecordedRun(self, s) for s in summaries]

    def run(self, run_id: str) -> RecordedRun:
        """One run (QueryError if no event of it was recorded)."""
        return RecordedRun(self, cast(RecordedRunSummary, _recorded(self, "run", {"run_id": run_id})))

    def last_run(self) -> RecordedRun:
        """The run that started last (QueryError if none was recorded)."""
        return RecordedRun(self, cast(RecordedRunSummary, _recorded(self, "run")))

    def clear(self) -> None:
        """Forgets everything recorded so far."""
        _recorder_clear(self)


__all__ = ["DETERMINISTIC_START", "UPDATE_SNAPSHOTS_ENV", "RecordedCall", "RecordedRun", "Recorder"]
