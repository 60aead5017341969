// Queries over tooltrail logs: each method hands its options object to the
// core's query API as is; the core applies the defaults, checks the options
// (an unknown key or a wrong type throws `invalid_argument` naming it) and
// answers as the CLI's `--json` does.
'use strict'
const native = require('./native')

// The record states already warned about (path and sentence): a script that
// queries in a loop is told once, and again only when more went missing.
const warned = new Set()

// An answer read from an incomplete record (lines skipped, events the
// writers reported dropped) is said on process 'warning', as the CLI notes
// it on stderr; `Logs.gaps()` has the numbers.
function query(path, command, options) {
  const [answer, note] = native._query(path, command, options)
  if (note !== null) {
    const message = `${path}: ${note}`
    if (!warned.has(message)) {
      warned.add(message)
      process.emitWarning(message, { type: 'TooltrailWarning', code: 'TOOLTRAIL_INCOMPLETE_LOG' })
    }
  }
  return answer
}

/**
 * Queries over tooltrail JSONL logs (a directory of rotated files, or one
 * file): the same answers as the `tooltrail` CLI's `--json`, as JS values.
 * Logs that cannot be read throw `query_error`, never an empty answer.
 */
class Logs {
  constructor(path = 'tooltrail-logs') {
    this.path = String(path)
  }

  /** Runs (ids, calls, errors, stop_reason, spend), oldest first, filtered. */
  runs(filters) {
    return query(this.path, 'runs', filters)
  }

  /** Every event of one run, in order; a run with no event throws `unknown_run` (`runId`). */
  timeline(runId) {
    return query(this.path, 'show', { runId })
  }

  /** Per tool: calls, failures by class, p50/p95/p99 ms; the hottest (tool, args_hash) pairs (`top`, default 10). */
  stats(options) {
    return query(this.path, 'stats', options)
  }

  /** Identical (tool, args_hash) calls repeated at least `min` times (default 3) in a run. */
  loops(options) {
    return query(this.path, 'loops', options)
  }

  /** The alert rules (default, a YAML file's path, or a settings object) replayed over the logs. */
  alerts(options) {
    return query(this.path, 'alerts', options)
  }

  /** What the logs say is missing: skipped lines, events writers reported dropped, `complete`. */
  gaps() {
    return query(this.path, 'gaps')
  }
}

/** One run's timeline if `runId` is given, else the runs matching `filters`. */
function agentLogs(path = 'tooltrail-logs', { runId, ...filters } = {}) {
  return runId != null
    ? query(String(path), 'show', { ...filters, runId })
    : query(String(path), 'runs', filters)
}

/** Per-tool rollups: calls, failure classes, latency percentiles, hottest pairs. */
function agentMetrics(path = 'tooltrail-logs', options) {
  return new Logs(path).stats(options)
}

module.exports = { Logs, agentLogs, agentMetrics }
