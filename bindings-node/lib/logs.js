// Queries over tooltrail logs: each method hands its options object to the
// core's query API as is; the core applies the defaults, checks the options
// (an unknown key or a wrong type throws `invalid_argument` naming it) and
// answers as the CLI's `--json` does.
'use strict'

const native = require('./native')
const { asPath, asConfig } = require('./paths')

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
    this.path = asPath(path, 'path')
  }

  /** Runs (ids, calls, errors, stop_reason, spend), oldest first, filtered. */
  runs(filters) {
    return query(this.path, 'runs', filters)
  }

  /** Every event of one run, in order; a run with no event throws `unknown_run` (`runId`). */
  timeline(runId) {
    return query(this.path, 'show', { runId })
  }

  /** Per tool: calls, failures by class, p50/p95/p99 ms; the hottest (tool, args_hash) pairs (`top`, default 10); `agentId`: that agent's calls only; `by: 'model' | 'agent'`: per model or agent instead. */
  stats(options) {
    return query(this.path, 'stats', options)
  }

  /** What the runs cost, `by` minute (default) or hour (a timeline with its spikes), run, model or agent (costliest first). */
  spend(options) {
    return query(this.path, 'spend', options)
  }

  /** Identical (tool, args_hash) calls repeated at least `min` times (default 3) in a run; `agentId`: that agent's runs only. */
  loops(options) {
    return query(this.path, 'loops', options)
  }

  /** The alert rules (default, a YAML file's path, or a settings object) replayed over the logs. */
  alerts(options) {
    const config = options?.config
    return query(this.path, 'alerts', config == null ? options : { ...options, config: asConfig(config, 'config') })
  }

  /** The agent's latest tool calls, newest first (see `agentLogs`). */
  agentLogs(agentId, { limit } = {}) {
    return query(this.path, 'agent-logs', { agentId: agentId ?? undefined, limit })
  }

  /** The agent's totals over a period (see `agentMetrics`). */
  agentMetrics(agentId, { period } = {}) {
    return query(this.path, 'agent-metrics', { agentId: agentId ?? undefined, period })
  }

  /** What the logs say is missing: skipped lines, events writers reported dropped, `complete`. */
  gaps() {
    return query(this.path, 'gaps')
  }
}

/**
 * The agent's latest tool calls, newest first (`limit`: the core's default,
 * 50): `ts`, `tool`, `decision`, `args_hash`, `reason` (the error class of a
 * refused or failed call), `spend_usd` (the run's, once it ended), ...
 * `agentId` is `logging.agent_id`; null/undefined: every agent.
 */
function agentLogs(agentId, { limit, path = 'tooltrail-logs' } = {}) {
  return new Logs(path).agentLogs(agentId, { limit })
}

/** The agent's totals over the last `period` (`hour`, `day` (default), `week`, `month`, `all`). */
function agentMetrics(agentId, { period, path = 'tooltrail-logs' } = {}) {
  return new Logs(path).agentMetrics(agentId, { period })
}

module.exports = { Logs, agentLogs, agentMetrics }
