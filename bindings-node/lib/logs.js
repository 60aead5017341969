// Queries over tooltrail logs: thin wrappers over the core's query engine.
'use strict'
const native = require('./native')

/**
 * Queries over tooltrail JSONL logs (a directory of rotated files, or one
 * file): the same answers as the `tooltrail` CLI's `--json`, as JS values.
 */
class Logs {
  constructor(path = 'tooltrail-logs') {
    this.path = String(path)
  }

  /** Runs (ids, calls, errors, stop_reason, spend), oldest first, filtered. */
  runs({ user, request, since, until, stopReason, tool, errorClass } = {}) {
    const args = ['runs', this.path]
    const flags = { '--user': user, '--request': request, '--since': since, '--until': until,
      '--stop-reason': stopReason, '--tool': tool, '--error-class': errorClass }
    for (const [flag, value] of Object.entries(flags)) if (value != null) args.push(flag, String(value))
    return native._query(args)
  }

  /** Every event of one run, in order. */
  timeline(runId) {
    return native._query(['show', String(runId), this.path])
  }

  /** Per tool: calls, failures by class, p50/p95/p99 ms; the hottest (tool, args_hash) pairs. */
  stats({ top = 10 } = {}) {
    return native._query(['stats', this.path, '--top', String(top)])
  }

  /** Identical (tool, args_hash) calls repeated at least `min` times in a run. */
  loops({ min = 3 } = {}) {
    return native._query(['loops', this.path, '--min', String(min)])
  }

  /** The alert rules (default, or a YAML file's) replayed over the logs. */
  alerts({ config } = {}) {
    return native._query(config ? ['alerts', this.path, '--config', String(config)] : ['alerts', this.path])
  }
}

/** One run's timeline if `runId` is given, else the runs matching `filters`. */
function agentLogs(path = 'tooltrail-logs', { runId, ...filters } = {}) {
  const logs = new Logs(path)
  return runId != null ? logs.timeline(runId) : logs.runs(filters)
}

/** Per-tool rollups: calls, failure classes, latency percentiles, hottest pairs. */
function agentMetrics(path = 'tooltrail-logs', { top = 10 } = {}) {
  return new Logs(path).stats({ top })
}

module.exports = { Logs, agentLogs, agentMetrics }
