// Types of `tooltrail/testing` (bindings-node/testing.js; docs/testing.md).
import type { EventWriter, PathLike, RunSummary } from './index'

/** Where a deterministic gateway's clock starts with `deterministic: true`. */
export declare const DETERMINISTIC_START: string
/** Set (non-empty, not "0") to rewrite snapshot files instead of comparing. */
export declare const UPDATE_SNAPSHOTS_ENV: string

/** A run in a recorder: a `RunSummary` plus the tools called. */
export interface RecordedRunSummary extends RunSummary {
  tools: string[]
}

/** One call: its `tool_call` joined with its `tool_result` (log field names). */
export interface RecordedCall {
  run_id: string | null
  seq: number
  tool: string
  decision: 'allow' | 'block'
  args_hash: string | null
  /** null while the call is in flight. */
  ok: boolean | null
  error_class: string | null
  error_message: string | null
  latency_ms: number | null
  /** When the gateway stores arguments (redacted). */
  args?: unknown
  /** When the gateway stores this run's results (redacted). */
  result?: unknown
}

/** 'created' (first use: commit the file), 'matched' or 'updated'. */
export type SnapshotStatus = 'created' | 'matched' | 'updated'

interface RecordedScope {
  /** The tools called, in order (refused calls included). */
  toolSequence(): string[]
  calls(options?: { tool?: string }): RecordedCall[]
  argsHashes(): Array<string | null>
  /** The calls that failed or were refused. */
  errors(): RecordedCall[]
  events(options?: { event?: string }): Array<Record<string, unknown>>
  /** The JSONL lines exactly as a log file would hold them. */
  lines(): string[]
  /** The snapshot text: volatile fields normalized. */
  snapshot(): string
  /** Throws `snapshot_mismatch` if the events differ from the file at `path`. */
  assertMatchesSnapshot(path: PathLike): SnapshotStatus
}

/** One recorded run. */
export declare class RecordedRun implements RecordedScope {
  readonly summary: RecordedRunSummary
  readonly runId: string
  readonly start: string
  readonly userId: string | null
  readonly requestId: string | null
  /** null: the run has not ended. */
  readonly stopReason: RecordedRunSummary['stop_reason']
  readonly toolCalls: number
  /** Calls that ran and failed. */
  readonly errorCount: number
  /** Calls refused before running (unknown tool, budget, loop guard). */
  readonly refused: number
  readonly durationMs: number | null
  readonly spendUsd: number | null
  readonly errorClasses: string[]
  readonly tools: string[]
  toolSequence(): string[]
  calls(options?: { tool?: string }): RecordedCall[]
  argsHashes(): Array<string | null>
  errors(): RecordedCall[]
  events(options?: { event?: string }): Array<Record<string, unknown>>
  lines(): string[]
  snapshot(): string
  assertMatchesSnapshot(path: PathLike): SnapshotStatus
}

/** A `logger` that keeps events in memory (an EventWriter with a memory sink). */
export declare class Recorder extends EventWriter implements RecordedScope {
  constructor()
  runs(): RecordedRun[]
  run(runId: string): RecordedRun
  lastRun(): RecordedRun
  clear(): void
  toolSequence(): string[]
  calls(options?: { tool?: string }): RecordedCall[]
  argsHashes(): Array<string | null>
  errors(): RecordedCall[]
  events(options?: { event?: string }): Array<Record<string, unknown>>
  lines(): string[]
  snapshot(): string
  assertMatchesSnapshot(path: PathLike): SnapshotStatus
}

/** A fresh Recorder for a `node:test` context, closed when the test ends. */
export declare function recorder(t?: { after(fn: () => void): void }): Recorder
