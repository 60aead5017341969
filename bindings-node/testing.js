// tooltrail/testing: test helpers for agent authors (docs/testing.md).
// `Recorder` is a `logger` that keeps events in memory: an EventWriter with a
// memory sink, so a gateway logs to it through the same native writer as to
// a file and it holds the very lines a log file would. Its questions are
// answered by the core (the same answers as Python's tooltrail.testing).
'use strict'

require('./index') // error classes and hooks, as for require('tooltrail')
const native = require('./lib/native')
const { asPath } = require('./lib/paths')

// From the core, as Python's tooltrail.testing has them:
// DETERMINISTIC_START, where a deterministic gateway's clock starts with
// `deterministic: true`; UPDATE_SNAPSHOTS_ENV, set (non-empty, not "0") to
// rewrite snapshot files instead of comparing.
const [DETERMINISTIC_START, UPDATE_SNAPSHOTS_ENV] = native._testingConstants()

// Questions about every run's events (Recorder) or one run's (RecordedRun).
const scoped = {
  /** The tools called, in order (calls refused by a budget or the loop guard included). */
  toolSequence() {
    return this._ask('tool_sequence')
  },
  /** Each call (of `tool`, if given): its `tool_call` joined with its `tool_result`. */
  calls({ tool } = {}) {
    return this._ask('calls', { tool })
  },
  /** Each call's `args_hash`, in order (null for arguments with no hash). */
  argsHashes() {
    return this._ask('args_hashes')
  },
  /** The calls that failed or were refused (`ok` false). */
  errors() {
    return this._ask('errors')
  },
  /** The recorded events (named `event`, if given), in log order. */
  events({ event } = {}) {
    return this._ask('events', { event })
  },
  /** The recorded JSONL lines, exactly as a log file would hold them (without `\n`). */
  lines() {
    return this._ask('lines')
  },
  /** The events as a snapshot: volatile fields (ts, ids, latency, durations) normalized. */
  snapshot() {
    return this._ask('snapshot')
  },
  /**
   * Compares the snapshot with the file at `path`; writes it on first use
   * (commit it). Throws `snapshot_mismatch` showing the first difference;
   * TOOLTRAIL_UPDATE_SNAPSHOTS=1 rewrites it instead. Returns 'created',
   * 'matched' or 'updated'. The file is byte for byte the one Python writes.
   */
  assertMatchesSnapshot(path) {
    return this._ask('check_snapshot', { path: asPath(path, 'path') })
  },
}

/** One recorded run: its summary (as `tooltrail runs` reports it) and its events. */
class RecordedRun {
  constructor(recorder, summary) {
    this._recorder = recorder
    this.summary = summary
    this.runId = summary.run_id
    this.start = summary.start
    this.userId = summary.user_id
    this.requestId = summary.request_id
    this.stopReason = summary.stop_reason // null: the run has not ended
    this.toolCalls = summary.tool_calls // calls made (refused ones not counted)
    this.errorCount = summary.errors // calls that ran and failed
    this.refused = summary.refused // calls refused before running
    this.durationMs = summary.duration_ms
    this.spendUsd = summary.spend_usd
    this.errorClasses = summary.error_classes
    this.tools = summary.tools
  }

  _ask(command, options) {
    return native._recorded(this._recorder, command, { ...options, runId: this.runId })
  }
}
Object.assign(RecordedRun.prototype, scoped)

/**
 * A `logger` that keeps events in memory. Its questions without a run cover
 * every recorded event; `run()` / `lastRun()` narrow them to one run.
 */
class Recorder extends native.EventWriter {
  constructor() {
    super({ sink: 'memory' })
  }

  _ask(command, options) {
    return native._recorded(this, command, options)
  }

  /** Every recorded run, in the order they started. */
  runs() {
    return native._recorded(this, 'runs').map((s) => new RecordedRun(this, s))
  }

  /** One run (throws `query_error` if no event of it was recorded). */
  run(runId) {
    return new RecordedRun(this, native._recorded(this, 'run', { runId }))
  }

  /** The run that started last (throws `query_error` if none was recorded). */
  lastRun() {
    return new RecordedRun(this, native._recorded(this, 'run'))
  }

  /** Forgets everything recorded so far. */
  clear() {
    native._recorderClear(this)
  }
}
Object.assign(Recorder.prototype, scoped)

/**
 * The `node:test` helper: a fresh Recorder for test context `t`, closed
 * when the test ends. `test('…', (t) => { const rec = recorder(t) … })`.
 */
function recorder(t) {
  const rec = new Recorder()
  if (t && typeof t.after === 'function') t.after(() => rec.closeSync())
  return rec
}

module.exports = { Recorder, RecordedRun, recorder, DETERMINISTIC_START, UPDATE_SNAPSHOTS_ENV }
