"""Queries over tooltrail logs (`Logs`, `agent_logs`, `agent_metrics`): each
method hands its options to the core's query API as one dict; the core applies
the defaults, checks the options (an unknown key or a wrong type raises
`InvalidArgumentError` naming it) and answers as the CLI's `--json` does."""

import os

from ._native import query as _query


class Logs:
    """Queries over tooltrail JSONL logs (a directory of rotated files, or one
    file): the same answers as the `tooltrail` CLI's `--json`, as Python values.
    Logs that cannot be read raise `QueryError`, never an empty answer."""

    def __init__(self, path="tooltrail-logs"):
        self.path = os.fspath(path)

    def runs(self, *, user=None, request=None, since=None, until=None, stop_reason=None, tool=None,
             error_class=None):
        """Runs (ids, calls, errors, stop_reason, spend), oldest first, filtered."""
        return _query(self.path, "runs", {
            "user": user, "request": request, "since": since, "until": until,
            "stop_reason": stop_reason, "tool": tool, "error_class": error_class,
        })

    def timeline(self, run_id):
        """Every event of one run, in order (`[]` for a run not in the logs)."""
        return _query(self.path, "show", {"run_id": run_id})

    def stats(self, top=None):
        """Per tool: calls, failures by class, p50/p95/p99 ms; the `top` hottest
        (tool, args_hash) pairs (None: the CLI's default, 10)."""
        return _query(self.path, "stats", {"top": top})

    def loops(self, min=None):
        """Identical (tool, args_hash) calls repeated at least `min` times in a
        run (None: the CLI's default, 3)."""
        return _query(self.path, "loops", {"min": min})

    def alerts(self, config=None):
        """The alert rules replayed over the logs: the defaults, a YAML file's
        (a path) or the settings themselves (a dict shaped like the file)."""
        if isinstance(config, os.PathLike):
            config = os.fspath(config)
        return _query(self.path, "alerts", {"config": config})


def agent_logs(path="tooltrail-logs", run_id=None, **filters):
    """One run's timeline if `run_id` is given, else the runs matching
    `filters` (the keyword arguments of `Logs.runs`)."""
    path = os.fspath(path)
    if run_id is not None:
        return _query(path, "show", {"run_id": run_id, **filters})
    return _query(path, "runs", filters)


def agent_metrics(path="tooltrail-logs", top=None):
    """Per-tool rollups: calls, failure classes, latency percentiles, hottest pairs."""
    return Logs(path).stats(top=top)
