// Hand-written types for tooltrail (drift-tested in tests/node/errors.test.js).

/** Why a value cannot be canonicalized (SPEC §3). */
export type ErrorKind =
  | 'non_finite'
  | 'integer_out_of_range'
  | 'lone_surrogate'
  | 'duplicate_key'
  | 'non_string_key'
  | 'unsupported_type'
  | 'depth_exceeded'
  | 'invalid_json'

/** Every `code` a TooltrailError can carry. */
export type ErrorCode = ErrorKind | 'config_error' | 'writer_error'

/** Base class of every error tooltrail throws. */
export declare class TooltrailError extends Error {
  readonly code: ErrorCode
  /** Canonicalization errors: the kind (same as `code`). */
  readonly kind?: ErrorKind
  /** Canonicalization errors: JSON path of the offending value, e.g. `$.filters[3]`. */
  readonly path?: string
  readonly detail?: string
  /** Config errors: the offending option. */
  readonly key?: string
}

export declare const ERROR_KINDS: readonly ErrorKind[]
export declare const version: string

/** Lowercase hex SHA-256 of the canonical JSON of `value` (HMAC-SHA256 with `key`). */
export declare function stableHash(value: unknown, key?: string | Uint8Array): string
/** `stableHash` of JSON text, parsed strictly (duplicates, big integers, lone surrogates are errors). */
export declare function stableHashJson(text: string | Uint8Array, key?: string | Uint8Array): string
/** RFC 8785 canonical JSON text of `value`. */
export declare function canonicalJson(value: unknown): string

export interface EventWriterOptions {
  /** JSONL directory; default `./tooltrail-logs`. */
  path?: string
  sink?: 'file' | 'stdout'
  queueEvents?: number
  queueBytes?: number
  batchEvents?: number
  batchBytes?: number
  /** Milliseconds (at most 1000). */
  flushInterval?: number
  overflow?: 'drop' | 'block'
  /** Milliseconds, with `overflow: 'block'`. */
  blockTimeout?: number
  /** Milliseconds. */
  closeTimeout?: number
  maxFileBytes?: number
  maxFiles?: number
}

export interface WriterStats {
  accepted: number
  written: number
  dropped: { queueFull: number; sinkError: number; closed: number }
  writeErrors: number
  dropReports: number
  queued: number
  queuedBytes: number
}

/** Non-blocking, batched JSONL event writer. Timeouts are in milliseconds. */
export declare class EventWriter {
  constructor(options?: EventWriterOptions)
  /** Enqueues one event; false if it was dropped (counted). */
  event(name: string, fields?: Record<string, unknown>): boolean
  flush(timeoutMs?: number): Promise<boolean>
  flushSync(timeoutMs?: number): boolean
  close(timeoutMs?: number): Promise<boolean>
  closeSync(timeoutMs?: number): boolean
  readonly closed: boolean
  stats(): WriterStats
}
