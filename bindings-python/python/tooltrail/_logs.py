"""Queries over tooltrail logs (`Logs`, `agent_logs`, `agent_metrics`): thin
wrappers over the core's query engine, the same answers as the CLI's `--json`."""

import os

from ._native import query as _query


class Logs:
    """Queries over tooltrail JSONL logs (a directory of rotated files, or one
    file): the same answers as the `tooltrail` CLI's `--json`, as Python values."""

    def __init__(self, path="tooltrail-logs"):
        self.path = os.fspath(path)

    def runs(self, *, user=None, request=None, since=None, until=None, stop_reason=None, tool=None,
             error_class=None):
        """Runs (ids, calls, errors, stop_reason, spend), oldest first, filtered."""
        args = ["runs", self.path]
        for flag, value in (("--user", user), ("--request", request), ("--since", since), ("--until", until),
                            ("--stop-reason", stop_reason), ("--tool", tool), ("--error-class", error_class)):
            if value is not None:
                args += [flag, str(value)]
        return _query(args)

    def timeline(self, run_id):
        """Every event of one run, in order."""
        return _query(["show", str(run_id), self.path])

    def stats(self, top=10):
        """Per tool: calls, failures by class, p50/p95/p99 ms; the hottest (tool, args_hash) pairs."""
        return _query(["stats", self.path, "--top", str(int(top))])

    def loops(self, min=3):
        """Identical (tool, args_hash) calls repeated at least `min` times in a run."""
        return _query(["loops", self.path, "--min", str(int(min))])

    def alerts(self, config=None):
        """The alert rules (default, or a YAML file's) replayed over the logs."""
        args = ["alerts", self.path]
        if config is not None:
            args += ["--config", os.fspath(config)]
        return _query(args)


def agent_logs(path="tooltrail-logs", run_id=None, **filters):
    """One run's timeline if `run_id` is given, else the runs matching `filters`."""
    logs = Logs(path)
    return logs.timeline(run_id) if run_id is not None else logs.runs(**filters)


def agent_metrics(path="tooltrail-logs", top=10):
    """Per-tool rollups: calls, failure classes, latency percentiles, hottest pairs."""
    return Logs(path).stats(top=top)
