"""Queries over tooltrail logs (`Logs`, `agent_logs`, `agent_metrics`): thin
wrappers over the core's query engine, the same answers as the CLI's `--json`."""

import os
from typing import Any, Optional, Union, cast

from ._native import query as _query
from ._types import AlertChange, LoopFinding, RunSummary, StatsReport, StopReason

# `_query` returns the CLI's `--json` value for the command (core/src/cli/json.rs);
# the casts below name its shape per command.

# A log directory or file.
PathLike = Union[str, "os.PathLike[str]"]


class Logs:
    """Queries over tooltrail JSONL logs (a directory of rotated files, or one
    file): the same answers as the `tooltrail` CLI's `--json`, as Python values."""

    def __init__(self, path: PathLike = "tooltrail-logs") -> None:
        self.path = os.fspath(path)

    def runs(
        self,
        *,
        user: Optional[str] = None,
        request: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        stop_reason: Optional[StopReason] = None,
        tool: Optional[str] = None,
        error_class: Optional[str] = None,
    ) -> list[RunSummary]:
        """Runs (ids, calls, errors, stop_reason, spend), oldest first, filtered."""
        args: list[str] = ["runs", self.path]
        for flag, value in (("--user", user), ("--request", request), ("--since", since), ("--until", until),
                            ("--stop-reason", stop_reason), ("--tool", tool), ("--error-class", error_class)):
            if value is not None:
                args += [flag, str(value)]
        return cast("list[RunSummary]", _query(args))

    def timeline(self, run_id: str) -> list[dict[str, Any]]:
        """Every event of one run, in order."""
        return cast("list[dict[str, Any]]", _query(["show", str(run_id), self.path]))

    def stats(self, top: int = 10) -> StatsReport:
        """Per tool: calls, failures by class, p50/p95/p99 ms; the hottest (tool, args_hash) pairs."""
        return cast("StatsReport", _query(["stats", self.path, "--top", str(int(top))]))

    def loops(self, min: int = 3) -> list[LoopFinding]:
        """Identical (tool, args_hash) calls repeated at least `min` times in a run."""
        return cast("list[LoopFinding]", _query(["loops", self.path, "--min", str(int(min))]))

    def alerts(self, config: Optional[PathLike] = None) -> list[AlertChange]:
        """The alert rules (default, or a YAML file's) replayed over the logs."""
        args = ["alerts", self.path]
        if config is not None:
            args += ["--config", os.fspath(config)]
        return cast("list[AlertChange]", _query(args))


def agent_logs(
    path: PathLike = "tooltrail-logs", run_id: Optional[str] = None, **filters: Any
) -> Union[list[RunSummary], list[dict[str, Any]]]:
    """One run's timeline if `run_id` is given, else the runs matching `filters`."""
    logs = Logs(path)
    return logs.timeline(run_id) if run_id is not None else logs.runs(**filters)


def agent_metrics(path: PathLike = "tooltrail-logs", top: int = 10) -> StatsReport:
    """Per-tool rollups: calls, failure classes, latency percentiles, hottest pairs."""
    return Logs(path).stats(top=top)
