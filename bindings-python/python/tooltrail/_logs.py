"""Queries over tooltrail logs (`Logs`, `agent_logs`, `agent_metrics`): each
method hands its options to the core's query API as one dict; the core applies
the defaults, checks the options (an unknown key or a wrong type raises
`InvalidArgumentError` naming it) and answers as the CLI's `--json` does.

An answer read from an incomplete record (lines skipped, events the writers
reported dropped) comes with an `IncompleteLogWarning` carrying the core's
sentence, as the CLI notes it on stderr; `Logs.gaps()` gives the numbers."""

import os
import warnings
from typing import Any, Literal, Optional, Union, cast, overload

from ._native import query as _native_query
from ._types import (
    AgentLogEntry,
    AgentMetrics,
    AgentStatsReport,
    AlertChange,
    LogGaps,
    LoopFinding,
    ModelStatsReport,
    RunSummary,
    SpendBy,
    SpendReport,
    StatsReport,
    StopReason,
)

# `_query` returns the CLI's `--json` value for the command
# (core/query/src/answer.rs); the casts below name its shape per command.

# A log directory or file.
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


class IncompleteLogWarning(UserWarning):
    """A query's answer was read from an incomplete record: lines were
    skipped (garbage, a torn or over-long line) or writers reported dropping
    events. The answer is what the remaining lines say; `Logs.gaps()` has
    the numbers. Silence it with `warnings.simplefilter("ignore",
    tooltrail.IncompleteLogWarning)`."""


def _query(path: str, command: str, options: Optional[dict[str, Any]] = None) -> Any:
    answer, note = _native_query(path, command, options)
    if note is not None:
        # stacklevel 3: the line that called the public method.
        warnings.warn(f"{path}: {note}", IncompleteLogWarning, stacklevel=3)
    return answer


class Logs:
    """Queries over tooltrail JSONL logs (a directory of rotated files, or one
    file): the same answers as the `tooltrail` CLI's `--json`, as Python values.
    Logs that cannot be read raise `QueryError`, never an empty answer."""

    def __init__(self, path: PathLike = "tooltrail-logs") -> None:
        self.path = os.fsdecode(path)

    def runs(
        self,
        *,
        run: Optional[str] = None,
        agent_id: Optional[str] = None,
        user: Optional[str] = None,
        request: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        stop_reason: Optional[StopReason] = None,
        tool: Optional[str] = None,
        error_class: Optional[str] = None,
        sort: Optional[Literal["start", "spend"]] = None,
    ) -> list[RunSummary]:
        """Runs (ids, calls, errors, stop_reason, spend), filtered; oldest
        first, or costliest first with `sort="spend"`. `run` lists that run
        only, read through the writer's run index when the logs have one."""
        return cast("list[RunSummary]", _query(self.path, "runs", {
            "run": run, "agent_id": agent_id, "user": user, "request": request,
            "since": since, "until": until,
            "stop_reason": stop_reason, "tool": tool, "error_class": error_class, "sort": sort,
        }))

    def timeline(self, run_id: str) -> list[dict[str, Any]]:
        """Every event of one run, in order. A run with no event in the logs
        raises `UnknownRunError` (a `QueryError` and a `LookupError`), as
        `tooltrail show` fails."""
        return cast("list[dict[str, Any]]", _query(self.path, "show", {"run_id": run_id}))

    @overload
    def stats(self, top: Optional[int] = None, *, agent_id: Optional[str] = None,
              by: Optional[Literal["tool"]] = None) -> StatsReport: ...
    @overload
    def stats(self, top: Optional[int] = None, *, agent_id: Optional[str] = None,
              by: Literal["model"]) -> ModelStatsReport: ...
    @overload
    def stats(self, top: Optional[int] = None, *, agent_id: Optional[str] = None,
              by: Literal["agent"]) -> AgentStatsReport: ...

    def stats(self, top: Optional[int] = None, *, agent_id: Optional[str] = None,
              by: Optional[str] = None) -> Any:
        """Per tool: calls, failures by class, p50/p95/p99 ms; the `top` hottest
        (tool, args_hash) pairs (None: the core's default, as the CLI's).
        `agent_id`: only that agent's calls. `by="model"`: per model (calls,
        failures, tokens, spend, p50/p95/p99 ms); `by="agent"`: per agent."""
        return _query(self.path, "stats", {"top": top, "agent_id": agent_id, "by": by})

    def spend(
        self,
        by: SpendBy = "minute",
        *,
        since: Optional[str] = None,
        until: Optional[str] = None,
        agent_id: Optional[str] = None,
        top: Optional[int] = None,
    ) -> SpendReport:
        """What the runs cost: each model call's cost at its time plus the
        spend added with `add_spend` at its run's end, by minute or hour (a
        timeline with its `spikes`), or by run, model or agent (costliest
        first, `top` rows). Unpriced model calls are counted, not guessed."""
        return cast("SpendReport", _query(self.path, "spend", {
            "by": by, "since": since, "until": until, "agent_id": agent_id, "top": top,
        }))

    def loops(self, min: Optional[int] = None, *, agent_id: Optional[str] = None) -> list[LoopFinding]:
        """Identical (tool, args_hash) calls repeated at least `min` times in a
        run (None: the core's default, as the CLI's). `agent_id`: only that
        agent's runs."""
        return cast("list[LoopFinding]", _query(self.path, "loops", {"min": min, "agent_id": agent_id}))

    def alerts(self, config: Union[PathLike, dict[str, Any], None] = None) -> list[AlertChange]:
        """The alert rules replayed over the logs: the defaults, a YAML file's
        (a path) or the settings themselves (a dict shaped like the file)."""
        if isinstance(config, (bytes, os.PathLike)):
            config = os.fsdecode(config)
        return cast("list[AlertChange]", _query(self.path, "alerts", {"config": config}))

    def agent_logs(self, agent_id: Optional[str] = None, limit: Optional[int] = None) -> list[AgentLogEntry]:
        """The agent's latest tool calls, newest first (see `agent_logs`)."""
        return cast("list[AgentLogEntry]", _query(self.path, "agent-logs", {
            "agent_id": agent_id, "limit": limit,
        }))

    def agent_metrics(self, agent_id: Optional[str] = None, period: str = "day") -> AgentMetrics:
        """The agent's totals over the last `period` (see `agent_metrics`)."""
        return cast("AgentMetrics", _query(self.path, "agent-metrics", {
            "agent_id": agent_id, "period": period,
        }))

    def gaps(self) -> LogGaps:
        """What the logs say is missing from them: lines skipped (and how many
        were over 16 MiB), events the writers reported dropped, by reason, and
        whether the record is `complete` (`tooltrail gaps --json`)."""
        return cast("LogGaps", _query(self.path, "gaps"))


def agent_logs(
    agent_id: Optional[str] = None, limit: Optional[int] = None, *, path: PathLike = "tooltrail-logs"
) -> list[AgentLogEntry]:
    """The agent's latest tool calls, newest first (`limit`: the core's
    default, 50): `ts`, `tool`, `decision`, `args_hash`, `reason` (the error
    class of a refused or failed call), `spend_usd` (the run's, once it
    ended), ... `agent_id` is `logging.agent_id`; None: every agent."""
    return cast("list[AgentLogEntry]", _query(os.fsdecode(path), "agent-logs", {
        "agent_id": agent_id, "limit": limit,
    }))


def agent_metrics(
    agent_id: Optional[str] = None, period: str = "day", *, path: PathLike = "tooltrail-logs"
) -> AgentMetrics:
    """The agent's totals over the last `period` (`hour`, `day`, `week`,
    `month` or `all`): runs, tool calls, errors, `blocked_actions`,
    `total_spend_usd`, stop reasons."""
    return cast("AgentMetrics", _query(os.fsdecode(path), "agent-metrics", {
        "agent_id": agent_id, "period": period,
    }))
