#!/usr/bin/env node
// Per model step cost of tooltrail's run.modelCall in Node (bench/model_step.sh).
//
//   node model_step.js [--calls 100000] [--rounds 5] [--warmup 2000] [--repeat 1] [--variants a,b] [--json out.json]
//
// Every variant's loop body does the same work besides its logging: it builds
// one requested tool ([{ name: 'search', call_id: `call_${i}` }], what the
// model step reports; kept in a module variable in every variant so the
// optimizer cannot drop it) and the tool's arguments (the per-call bench's
// object), and runs the tool once; then
//
// - bare: the tool called directly, nothing logged (tooltrail loaded, a writer
//   and a gateway made, never called);
// - tool_call: run.call('search', args) inside gw.run(ids, fn), the per-call
//   bench's cost unit (two events, tool_call + tool_result);
// - model_call: run.modelCall({ model: 'gpt-4o-mini', provider: 'openai',
//   inputTokens: 1200, outputTokens: 80, latencyMs: 850, finishReason:
//   'tool_calls', toolCalls }) in the same run set-up (one model_call event,
//   priced from the shipped table, tokens and spend added to the run), then
//   the tool called directly;
// - pino: the baseline its users write: pino 10 with its defaults on
//   pino.destination({ dest, sync: false }) (the per-call bench's pinned
//   version and destination), log.info({...}) per step with the same facts
//   (ids, model, provider, tokens, cost from a one-entry price object,
//   latency, ok, finish_reason, tool_calls), then the tool called directly;
// - write_sync: the same facts written the per-call bench's hand-written
//   reference way, fs.writeSync(fd, JSON.stringify(ev) + '\n') per step, then
//   the tool called directly: the cheapest plain line, printed beside pino
//   (and the only baseline when pino cannot be loaded).
//
// The loop yields to the event loop every 1,000 steps (as bench_gateway.js),
// on the clock, so work pino defers is paid inside the measurement. Each
// variant runs in its own process (--variant NAME): set up, --warmup steps
// (tooltrail: then writer.flushSync()), `rounds` timed rounds of `calls` steps,
// other processes' CPU share over the timed rounds (cpuload.js); then the run
// ends, the writer is flushed and closed (not timed), its stats() read and
// the lines counted by event. A variant that wrote fewer lines than it was
// given, or whose writer counted drops, is marked FAILED and the driver exits
// 1 after printing. No timing is asserted.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { once } = require('node:events')
const { setImmediate: yieldLoop } = require('node:timers/promises')
const { CTX, IMPLS, tooltrail } = require('./variants')
const cpuload = require('./cpuload')

const ORDER = ['bare', 'tool_call', 'model_call', 'pino', 'write_sync']
const LABELS = {
  bare: 'bare loop (the step\'s inputs built, the tool called directly)',
  tool_call: 'tooltrail tool call, `run.call(\'search\', args)` (tool_call + tool_result)',
  model_call: '**tooltrail model step, `run.modelCall({...})`** (model_call)',
  pino: 'pino, `log.info({...})` to `pino.destination({ sync: false })` (one line)',
  write_sync: 'hand-written, `fs.writeSync(fd, JSON.stringify({...}) + \'\\n\')` (the per-call reference\'s way; one line)',
}
// What each variant writes per step: [event names counted, lines per step].
const EXPECTED = {
  bare: [[], 0],
  tool_call: [['tool_call', 'tool_result'], 2],
  model_call: [['model_call'], 1],
  pino: [['model_call'], 1],
  write_sync: [['model_call'], 1],
}
// The baselines' own price table (USD per million tokens), as a hand-written
// logger would keep it; the same list price as tooltrail's shipped table.
const PRICES = { 'gpt-4o-mini': [0.15, 0.6] }
const CHUNK = 1000
const search = IMPLS.search

let sink = null // the tool's results
let kept = null // each step's requested tools, in every variant

// --- the loops: identical but for the logging line ---------------------------

async function bareLoop(n) {
  for (let done = 0; done < n; done += CHUNK) {
    const end = Math.min(n, done + CHUNK)
    for (let i = done; i < end; i++) {
      const toolCalls = [{ name: 'search', call_id: `call_${i}` }]
      const args = { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } }
      kept = toolCalls
      sink = search(args)
    }
    await yieldLoop()
  }
}

const toolCallLoop = (run) => async (n) => {
  for (let done = 0; done < n; done += CHUNK) {
    const end = Math.min(n, done + CHUNK)
    for (let i = done; i < end; i++) {
      const toolCalls = [{ name: 'search', call_id: `call_${i}` }]
      const args = { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } }
      kept = toolCalls
      sink = run.call('search', args)
    }
    await yieldLoop()
  }
}

const modelCallLoop = (run) => async (n) => {
  for (let done = 0; done < n; done += CHUNK) {
    const end = Math.min(n, done + CHUNK)
    for (let i = done; i < end; i++) {
      const toolCalls = [{ name: 'search', call_id: `call_${i}` }]
      const args = { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } }
      kept = toolCalls
      run.modelCall({
        model: 'gpt-4o-mini', provider: 'openai', inputTokens: 1200, outputTokens: 80, latencyMs: 850,
        finishReason: 'tool_calls', toolCalls,
      })
      sink = search(args)
    }
    await yieldLoop()
  }
}

// The same facts for both baselines (no timestamp, span id or step: the
// per-call bench's reference logs none either; pino adds its own time).
const pinoLoop = (log) => async (n) => {
  for (let done = 0; done < n; done += CHUNK) {
    const end = Math.min(n, done + CHUNK)
    for (let i = done; i < end; i++) {
      const toolCalls = [{ name: 'search', call_id: `call_${i}` }]
      const args = { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } }
      kept = toolCalls
      const [pIn, pOut] = PRICES['gpt-4o-mini']
      log.info({
        event: 'model_call', run_id: CTX.run_id, trace_id: CTX.trace_id, request_id: CTX.request_id,
        user_id: CTX.user_id, model: 'gpt-4o-mini', provider: 'openai', input_tokens: 1200, output_tokens: 80,
        cost_usd: (1200 * pIn + 80 * pOut) / 1e6, latency_ms: 850, ok: true, finish_reason: 'tool_calls',
        tool_calls: toolCalls,
      })
      sink = search(args)
    }
    await yieldLoop()
  }
}

const writeSyncLoop = (fd) => async (n) => {
  for (let done = 0; done < n; done += CHUNK) {
    const end = Math.min(n, done + CHUNK)
    for (let i = done; i < end; i++) {
      const toolCalls = [{ name: 'search', call_id: `call_${i}` }]
      const args = { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } }
      kept = toolCalls
      const [pIn, pOut] = PRICES['gpt-4o-mini']
      fs.writeSync(fd, JSON.stringify({
        event: 'model_call', run_id: CTX.run_id, trace_id: CTX.trace_id, request_id: CTX.request_id,
        user_id: CTX.user_id, model: 'gpt-4o-mini', provider: 'openai', input_tokens: 1200, output_tokens: 80,
        cost_usd: (1200 * pIn + 80 * pOut) / 1e6, latency_ms: 850, ok: true, finish_reason: 'tool_calls',
        tool_calls: toolCalls,
      }) + '\n')
      sink = search(args)
    }
    await yieldLoop()
  }
}

// --- the worker ------------------------------------------------------------------

function lineFiles(outdir, prefix) {
  return () => fs.readdirSync(outdir).filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl')).map((f) => path.join(outdir, f))
}

function countEvents(files) {
  let lines = 0
  const events = {}
  const count = (line) => {
    if (line === '') return
    lines++
    const m = /"event":\s*"([a-z_]+)"/.exec(line)
    const key = m ? m[1] : '(no event)'
    events[key] = (events[key] || 0) + 1
  }
  const buf = Buffer.alloc(1 << 22)
  for (const f of files) {
    const fd = fs.openSync(f, 'r')
    let tail = ''
    let got
    while ((got = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      const parts = (tail + buf.toString('latin1', 0, got)).split('\n')
      tail = parts.pop()
      for (const line of parts) count(line)
    }
    count(tail)
    fs.closeSync(fd)
  }
  return { lines, events }
}

function versions() {
  const v = { node: process.versions.node }
  try {
    v.pino = require('pino/package.json').version
  } catch {}
  try {
    v.tooltrail = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version
  } catch {}
  return v
}

// Runs `body(loop)` inside the variant's set-up; resolves to what finish() needs.
async function withVariant(name, outdir, body) {
  if (name === 'pino' || name === 'write_sync') {
    const file = path.join(outdir, `${name}.jsonl`)
    if (name === 'pino') {
      const pino = require('pino')
      const dest = pino.destination({ dest: file, sync: false })
      const log = pino(dest) // defaults: level, time (epoch ms), pid, hostname
      await body(pinoLoop(log))
      dest.end()
      await once(dest, 'close')
    } else {
      const fd = fs.openSync(file, 'a')
      await body(writeSyncLoop(fd))
      fs.closeSync(fd)
    }
    return { files: [file], stats: null }
  }
  const { ToolGateway, EventWriter } = tooltrail()
  // As the per-call bench: defaults but maxFiles. No budgets are set (the
  // default), so no step is refused; tokens and spend still add up per run.
  const writer = new EventWriter({ path: outdir, maxFiles: 10000 })
  const gw = new ToolGateway({ impls: IMPLS, logger: writer })
  const settle = () => writer.flushSync(60000)
  if (name === 'bare') {
    await body(bareLoop, settle)
  } else {
    await gw.run(CTX, (run) => body((name === 'tool_call' ? toolCallLoop : modelCallLoop)(run), settle))
  }
  if (!(await writer.flush(120000))) console.error('tooltrail: flush timed out or lost events')
  await writer.close(30000)
  return { files: lineFiles(outdir, 'tooltrail')(), stats: writer.stats(), gw }
}

async function runVariant(name, o) {
  const perStepNs = []
  let load = null
  const warm = Math.ceil(o.warmup / CHUNK) * CHUNK
  const done = await withVariant(name, o.outdir, async (loop, settle) => {
    await loop(warm)
    if (settle) settle()
    const load0 = cpuload.snapshot()
    for (let r = 0; r < o.rounds; r++) {
      const t0 = process.hrtime.bigint()
      await loop(o.calls)
      perStepNs.push(Number(process.hrtime.bigint() - t0) / o.calls)
    }
    load = cpuload.others(load0, cpuload.snapshot())
  })
  if (!sink || !kept) throw new Error('the loop produced nothing')
  const { lines, events } = countEvents(done.files)
  const [names, perStep] = EXPECTED[name]
  const steps = warm + o.rounds * o.calls
  const written = names.reduce((t, e) => t + (events[e] || 0), 0)
  const s = done.stats
  const dropped = s ? s.dropped.queueFull + s.dropped.sinkError + s.dropped.closed + s.writeErrors : 0
  const sorted = [...perStepNs].sort((a, b) => a - b)
  return {
    variant: name, calls: o.calls, rounds: o.rounds, warmup: warm,
    per_step_ns: perStepNs, median_ns: sorted[Math.floor(sorted.length / 2)],
    written, expected: steps * perStep, lines,
    other_events: Object.fromEntries(Object.entries(events).filter(([k]) => !names.includes(k))),
    stats: s,
    failed: written !== steps * perStep || dropped > 0 || (events.writer_dropped || 0) > 0,
    load, versions: versions(),
  }
}

// --- the driver ----------------------------------------------------------------------

function parseArgs(argv) {
  const o = { calls: 100000, rounds: 5, warmup: 2000, repeat: 1, variants: null, dir: os.tmpdir(), json: null }
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '')
    if (key === 'help' || key === 'h') {
      console.log('node model_step.js [--calls N] [--rounds R] [--warmup W] [--repeat K] [--variants a,b] [--dir D] [--json FILE]')
      process.exit(0)
    }
    if (!(key in o) && !['variant', 'outdir'].includes(key)) throw new Error(`unknown option --${key}`)
    o[key] = argv[++i]
  }
  for (const k of ['calls', 'rounds', 'warmup', 'repeat']) o[k] = Number(o[k])
  return o
}

function pinoLoads() {
  try {
    require.resolve('pino')
    return true
  } catch {
    return false
  }
}

function spawn(name, o) {
  const outdir = fs.mkdtempSync(path.join(o.dir, `tt-model-step-node-${name}-`))
  try {
    const out = execFileSync(process.execPath, [
      __filename, '--variant', name, '--calls', String(o.calls), '--rounds', String(o.rounds),
      '--warmup', String(o.warmup), '--outdir', outdir,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })
    return JSON.parse(out.trim().split('\n').pop())
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true })
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function merge(runs) {
  if (runs.length === 1) return runs[0]
  const sum = (k) => runs.reduce((t, r) => t + r[k], 0)
  return {
    ...runs[0],
    repeats: runs.length,
    process_medians_ns: runs.map((r) => r.median_ns),
    median_ns: median(runs.map((r) => r.median_ns)),
    per_step_ns: runs.flatMap((r) => r.per_step_ns),
    written: sum('written'),
    expected: sum('expected'),
    lines: sum('lines'),
    stats: runs[0].stats ? runs.map((r) => r.stats) : null,
    other_events: runs.reduce((t, r) => {
      for (const [k, v] of Object.entries(r.other_events)) t[k] = (t[k] || 0) + v
      return t
    }, {}),
    failed: runs.some((r) => r.failed),
    load: runs.map((r) => r.load).reduce((a, b) => (b.others_pct > a.others_pct ? b : a)),
    loads: runs.map((r) => r.load.others_pct),
  }
}

const us = (ns) => (ns / 1000).toFixed(2)
const n = (x) => x.toLocaleString('en-US')
const ratio = (a, b) => (a !== undefined && b > 0 ? (a / b).toFixed(2) : 'n/a')

function fmtLoad(load) {
  if (!load) return 'n/a'
  const names = load.top.filter(([, p]) => p >= 1).map(([c, p]) => `${c} ${p.toFixed(0)} %`)
  return `${load.others_pct.toFixed(0)} %` + (names.length ? ` (${names.join(', ')})` : '')
}

function fmtStats(s) {
  if (Array.isArray(s)) return s.map(fmtStats).join('; ')
  return `accepted ${n(s.accepted)}, written ${n(s.written)}, dropped ${JSON.stringify(s.dropped)}, writeErrors ${s.writeErrors}`
}

function report(results, o, started, loadAvg) {
  const by = Object.fromEntries(results.map((r) => [r.variant, r]))
  const bareNs = by.bare ? by.bare.median_ns : 0
  const over = Object.fromEntries(results.map((r) => [r.variant, r.median_ns - bareNs]))
  const spread = o.repeat <= 1 ? 'median of rounds' : `${o.repeat} processes per variant, interleaved, median of their medians of rounds`
  const vers = Object.entries(results[0].versions).map(([k, v]) => `${k} ${v}`).join(', ')
  console.log(`\n### Node: per model step (${n(o.calls)} steps × ${o.rounds} rounds, ${spread}; started ${started}; ${os.cpus().length} CPUs, load average ${loadAvg.toFixed(1)} at start; ${vers})\n`)
  console.log('| variant | µs/step (median) | min–max of rounds | above bare µs | lines written / expected | other processes\' CPU |')
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const name of ORDER) {
    const r = by[name]
    if (!r) continue
    let lines = r.expected === 0 ? '—' : `${n(r.written)} / ${n(r.expected)}`
    if (r.failed) lines += ' **FAILED: lines lost or dropped**'
    console.log(`| ${LABELS[name]} | ${us(r.median_ns)} | ${us(Math.min(...r.per_step_ns))}–${us(Math.max(...r.per_step_ns))} | ${name === 'bare' ? '—' : us(over[name])} | ${lines} | ${fmtLoad(r.load)} |`)
  }
  console.log(`\nabove bare: model_call ÷ tool call ${ratio(over.model_call, over.tool_call)}  ·  model_call ÷ pino ${ratio(over.model_call, over.pino)}  ·  model_call ÷ hand-written fs.writeSync line ${ratio(over.model_call, over.write_sync)} (below 1: cheaper)`)
  for (const name of ['tool_call', 'model_call']) {
    const r = by[name]
    if (!r || !r.stats) continue
    const extra = Object.entries(r.other_events).sort().map(([k, v]) => `${k} ${n(v)}`).join(', ')
    console.log(`tooltrail ${name}: writer.stats() after close: ${fmtStats(r.stats)}${extra ? `; other lines in the log: ${extra}` : ''}`)
  }
  console.log('other processes\' CPU: share of all CPUs\' time taken by other processes during the variant\'s timed rounds (/proc/stat minus the bench child\'s own ticks), the largest named')
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (o.variant) {
    console.log(JSON.stringify(await runVariant(o.variant, o)))
    return
  }
  const wanted = (o.variants || `bare,tool_call,model_call,${pinoLoads() ? 'pino,' : ''}write_sync`).split(',').filter(Boolean)
  const unknown = wanted.filter((v) => !ORDER.includes(v))
  if (unknown.length) throw new Error(`unknown variants: ${unknown.join(', ')} (known: ${ORDER.join(', ')})`)
  if (!wanted.includes('bare')) wanted.unshift('bare')
  if (!pinoLoads()) console.error('  node: pino not found (bench/node/node_modules): no pino row, the hand-written fs.writeSync line only')
  const names = ORDER.filter((v) => wanted.includes(v))
  const started = new Date().toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
  const loadAvg = os.loadavg()[0]
  const repeat = Math.max(1, o.repeat)
  o.repeat = repeat
  const runs = Object.fromEntries(names.map((x) => [x, []]))
  for (let k = 0; k < repeat; k++) {
    for (const name of names) {
      console.error(`  node ${name} (${k + 1}/${repeat}) ...`)
      runs[name].push(spawn(name, o))
    }
  }
  const results = names.map((x) => merge(runs[x]))
  report(results, o, started, loadAvg)
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ started, calls: o.calls, rounds: o.rounds, repeat, results }, null, 1))
  if (results.some((r) => r.failed)) process.exitCode = 1
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
