// The logged-call variants compared by bench_gateway.js. Every variant runs
// the same tool, search({ query, limit, filters }), with the same arguments
// (issue 14): { query: `refund policy for order ${i}`, limit: 10, filters:
// { lang: 'en', since: '2026-01-01' } }, a fresh object built by the loop for
// every call (bare included, so subtracting bare removes its cost), and logs
// one call the way that library is meant to be used. make(name, outdir)
// resolves to { call, ctx, finish, files, linesPerCall, note, stats, settle }.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const { once } = require('node:events')
const { SeedGateway, seedArgsHash } = require('./seed_gateway')
const { SeedFieldsGateway, JsonlLogger } = require('./seed_fields')

const TOOL = 'search'
/** Call i's arguments. The timed loops build the same object inline (no call). */
const makeArgs = (i) => ({ query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
// result_sample_rate (default 0.01) is decided per run_id: this one is not
// sampled (SHA-256 of the id as a fraction of 2^64 is 0.88; 'run-bench-1' is
// 0.0059, which is), so no variant stores results.
const RUN_ID = 'run-bench-2'
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT_SPAN_ID = '00f067aa0ba902b7'
const CTX = { run_id: RUN_ID, trace_id: TRACE_ID, user_id: 'u-9', request_id: 'req-1' }

/** The trivial synchronous tool every variant calls. */
// eslint-disable-next-line no-unused-vars -- the destructuring is the tool's (measured) signature
function search({ query, limit, filters }) {
  return { hits: [], limit }
}
const IMPLS = { [TOOL]: search }

// tooltrail from this checkout (bench/run.sh sets TOOLTRAIL_JS and
// TOOLTRAIL_NATIVE_PATH to the addon it built for the bench).
function tooltrail() {
  return require(process.env.TOOLTRAIL_JS || path.join(__dirname, '..', '..', 'bindings-node', 'index.js'))
}

function lineFiles(outdir, prefix) {
  return () => fs.readdirSync(outdir).filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl')).map((f) => path.join(outdir, f))
}

/** The seed gateway as printed (its call()), its events logged through pino. */
class PinoSeed {
  constructor(impls, log) {
    this.impls = impls
    this.log = log
  }

  emit(ev) {
    this.log.info(ev)
  }
}
PinoSeed.prototype.call = SeedGateway.prototype.call

const VARIANTS = {
  // The process the memory target is measured against: tooltrail loaded and
  // a gateway made (as the tooltrail variant's), the tool called directly.
  bare(outdir) {
    const { ToolGateway, EventWriter } = tooltrail()
    const writer = new EventWriter({ path: outdir, maxFiles: 10000 })
    const gw = new ToolGateway({ impls: IMPLS, logger: writer })
    return {
      call: (ctx, name, args) => IMPLS[name](args),
      ctx: CTX,
      finish: async () => writer.close(30000),
      files: () => [],
      linesPerCall: 0,
      note: 'the tool called directly, nothing logged (tooltrail loaded and a gateway made, never called)',
      gateway: gw,
    }
  },

  seed(outdir) {
    const gw = new SeedGateway(IMPLS, path.join(outdir, 'seed.jsonl'))
    return {
      call: (ctx, name, args) => gw.call(ctx, name, args),
      ctx: CTX,
      finish: async () => gw.close(),
      files: () => [gw.path],
      linesPerCall: 2,
      note: 'seed_gateway.js, the seed page\'s gateway as printed: object events, sha256 of JSON.stringify(args), '
        + 'fs.writeSync(fd, JSON.stringify(ev) + \'\\n\') per event, in the caller',
    }
  },

  seed_fields(outdir) {
    const logger = new JsonlLogger(path.join(outdir, 'seed_fields.jsonl'))
    const gw = new SeedFieldsGateway(IMPLS, logger)
    return {
      call: (ctx, name, args) => gw.call(ctx, name, args),
      ctx: CTX,
      finish: async () => logger.close(),
      files: () => [logger.path],
      linesPerCall: 2,
      note: 'seed_fields.js: the seed with tooltrail\'s fields (v, ts, random span id, seq, decision; sorted-key JSON '
        + 'for the hash), fs.writeSync per event, in the caller',
    }
  },

  seed_hash() {
    return {
      call: (ctx, name, args) => {
        seedArgsHash(args)
        return IMPLS[name](args)
      },
      ctx: CTX,
      finish: async () => {},
      files: () => [],
      linesPerCall: 0,
      note: 'the seed\'s args_hash alone (sha256 of JSON.stringify(args)), then the tool',
    }
  },

  tooltrail_hash() {
    const { stableHash } = tooltrail()
    return {
      call: (ctx, name, args) => {
        stableHash(args)
        return IMPLS[name](args)
      },
      ctx: CTX,
      finish: async () => {},
      files: () => [],
      linesPerCall: 0,
      note: 'tooltrail stableHash(args) alone, then the tool',
    }
  },

  pino(outdir) {
    const pino = require('pino')
    const file = path.join(outdir, 'pino.jsonl')
    const dest = pino.destination({ dest: file, sync: false })
    const log = pino({ timestamp: pino.stdTimeFunctions.isoTime }, dest)
    const gw = new PinoSeed(IMPLS, log)
    return {
      call: (ctx, name, args) => gw.call(ctx, name, args),
      ctx: CTX,
      finish: async () => {
        dest.end()
        await once(dest, 'close')
      },
      files: () => [file],
      linesPerCall: 2,
      note: 'pino (defaults + isoTime) to pino.destination({dest, sync: false}), the seed gateway\'s (as printed) events as log.info(ev)',
    }
  },

  otel_sdk(outdir) {
    const api = require('@opentelemetry/api')
    const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base')
    const file = path.join(outdir, 'otel.jsonl')
    const fd = fs.openSync(file, 'w')
    const hex = (t) => t[0] * 1e9 + t[1]
    // One JSON line per span, one write per batch.
    const exporter = {
      export(spans, done) {
        let out = ''
        for (const s of spans) {
          const c = s.spanContext()
          out += JSON.stringify({
            name: s.name, trace_id: c.traceId, span_id: c.spanId,
            parent_span_id: s.parentSpanContext ? s.parentSpanContext.spanId : null,
            start_ns: hex(s.startTime), end_ns: hex(s.endTime), status: s.status.code, attributes: s.attributes,
          }) + '\n'
        }
        fs.writeSync(fd, out)
        done({ code: 0 })
      },
      async shutdown() { fs.closeSync(fd) },
      async forceFlush() {},
    }
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] }) // SDK defaults
    const tracer = provider.getTracer('tooltrail-bench')
    const parent = api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: TRACE_ID, spanId: PARENT_SPAN_ID, traceFlags: api.TraceFlags.SAMPLED, isRemote: true,
    })
    const seqs = new Map()
    return {
      call(ctx, name, args) {
        const seq = (seqs.get(ctx.run_id) || 0) + 1
        seqs.set(ctx.run_id, seq)
        return tracer.startActiveSpan(name, {
          attributes: {
            run_id: ctx.run_id, request_id: ctx.request_id, user_id: ctx.user_id, tool: name, seq, args_hash: seedArgsHash(args),
          },
        }, parent, (span) => {
          try {
            const result = IMPLS[name](args)
            span.setStatus({ code: api.SpanStatusCode.OK })
            return result
          } finally {
            span.end()
          }
        })
      },
      ctx: CTX,
      finish: () => provider.shutdown(),
      files: () => [file],
      linesPerCall: 1,
      note: 'OpenTelemetry JS SDK: BasicTracerProvider + BatchSpanProcessor (SDK defaults), one span per call '
        + '(startActiveSpan, attributes = ids, tool, seq, args_hash), exporter writing one JSON line per span to a file',
    }
  },

  tooltrail(outdir) {
    const { ToolGateway, EventWriter } = tooltrail()
    // maxFiles large so rotation deletes nothing we count; rotation size stays 64 MiB.
    const writer = new EventWriter({ path: outdir, maxFiles: 10000 })
    const gw = new ToolGateway({ impls: IMPLS, logger: writer })
    return {
      call: (ctx, name, args) => gw.call(ctx, name, args),
      ctx: CTX,
      finish: async () => {
        if (!(await writer.flush(120000))) console.error('tooltrail: flush timed out or lost events')
        await writer.close(30000)
      },
      files: lineFiles(outdir, 'tooltrail'),
      linesPerCall: 2,
      note: 'tooltrail new ToolGateway({impls, logger: new EventWriter({path})}) with defaults, gw.call(ctx, name, args)',
      stats: () => writer.stats(),
      // After the warm-up, before idle RSS: the warm-up's events written, so
      // idle is a process that loaded tooltrail, made the gateway and is at rest.
      settle: () => writer.flushSync(60000),
      writer,
      gateway: gw,
    }
  },
}

module.exports = { VARIANTS, TOOL, makeArgs, CTX, IMPLS, tooltrail }
