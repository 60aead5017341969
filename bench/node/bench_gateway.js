#!/usr/bin/env node
// Per-call overhead of tooltrail's Node ToolGateway against the baselines (issue 14).
//
//   node bench_gateway.js [--calls 200000] [--rounds 5] [--variants a,b,...] [--json out.json]
//
// The driver runs each variant in its own child process (--variant NAME), so
// peak memory does not mix, and prints one markdown table. A worker sets its
// variant up, warms it (and lets tooltrail's writer finish the warm-up's
// events), records idle RSS, resets the kernel's peak-RSS mark, then times
// `rounds` rounds of `calls` synchronous calls each, the arguments of every
// call built in the loop. The loop yields to the event loop every 1,000 calls
// (as an agent between tool calls does) and that time is on the clock, so work
// a logger defers to the event loop (pino's async writes, OpenTelemetry's
// batch export) is counted. Around the timed rounds it reads /proc to know how
// much CPU other processes took meanwhile (cpuload.js). Then it flushes and
// closes the logger, reads peak RSS (VmHWM) and counts lines. bench/summary.py
// turns the --json output of both languages into the README table and checks
// the targets.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { setImmediate: yieldLoop } = require('node:timers/promises')
const { VARIANTS, TOOL } = require('./variants')
const cpuload = require('./cpuload')

const ORDER = ['bare', 'seed', 'seed_fields', 'seed_hash', 'pino', 'otel_sdk', 'tooltrail', 'tooltrail_hash']
const LABELS = {
  bare: 'bare call',
  seed: 'seed gateway as printed (JSON.stringify + sha256, object events, fs.writeSync per event)',
  seed_fields: 'seed with tooltrail\'s fields (ts, v, span id, seq, decision, sorted-key hash)',
  seed_hash: 'hash only, seed (sha256 of JSON.stringify)',
  pino: 'pino (async destination)',
  otel_sdk: 'OpenTelemetry JS SDK (span per call)',
  tooltrail: '**tooltrail ToolGateway + EventWriter(dir), defaults**',
  tooltrail_hash: 'tooltrail stableHash alone',
}
const CHUNK = 1000

function parseArgs(argv) {
  const o = { calls: 200000, rounds: 5, warmup: 2000, repeat: 1, variants: [...ORDER, 'tooltrail_stalled'].join(','), stallCalls: null, dir: os.tmpdir(), json: null }
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '')
    const camel = key.replace(/-([a-z])/g, (_, c) => c.toUpperCase())
    if (key === 'help' || key === 'h') {
      console.log('node bench_gateway.js [--calls N] [--rounds R] [--warmup W] [--repeat K] [--variants a,b] [--stall-calls M] [--dir D] [--json FILE]')
      process.exit(0)
    }
    if (!(camel in o) && !['variant', 'outdir'].includes(camel)) throw new Error(`unknown option --${key}`)
    o[camel] = argv[++i]
  }
  for (const k of ['calls', 'rounds', 'warmup', 'repeat', 'stallCalls']) if (o[k] !== null) o[k] = Number(o[k])
  return o
}

function statusKb(field) {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))
  return m ? Number(m[1]) : 0
}

function resetPeakRss() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

function countLines(files) {
  let lines = 0
  let dropReports = 0
  const buf = Buffer.alloc(1 << 22)
  for (const f of files) {
    const fd = fs.openSync(f, 'r')
    let n
    let tail = ''
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++
      const text = tail + buf.toString('latin1', 0, n)
      dropReports += text.split('"event":"writer_dropped"').length - 1
      tail = text.slice(-30)
    }
    fs.closeSync(fd)
  }
  return { lines, dropReports }
}

function versions() {
  const v = { node: process.versions.node }
  for (const m of ['pino', '@opentelemetry/sdk-trace-base', '@opentelemetry/api']) {
    try {
      v[m] = require(`${m}/package.json`).version
    } catch {}
  }
  try {
    v.tooltrail = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve(process.env.TOOLTRAIL_JS || '../../bindings-node/index.js')), '..', 'package.json'))).version
  } catch {}
  return v
}

// The tool's results go here, so the optimizer cannot drop a call's work.
let sink = null

// The arguments of every call are built in the loop, inline: variants.makeArgs(i)
// without the function call.
async function timedRound(call, ctx, calls) {
  const t0 = process.hrtime.bigint()
  for (let done = 0; done < calls; done += CHUNK) {
    const end = Math.min(calls, done + CHUNK)
    for (let i = done; i < end; i++) {
      sink = call(ctx, TOOL, { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
    }
    await yieldLoop()
  }
  return Number(process.hrtime.bigint() - t0) / calls
}

async function runVariant(name, o) {
  const v = await VARIANTS[name](o.outdir)
  for (let i = 0; i < o.warmup; i += CHUNK) {
    for (let j = i; j < i + CHUNK; j++) {
      sink = v.call(v.ctx, TOOL, { query: `refund policy for order ${j}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
    }
    await yieldLoop()
  }
  if (v.settle) v.settle()
  const idleKb = statusKb('VmRSS')
  const hwmReset = resetPeakRss()
  const perCallNs = []
  const load0 = cpuload.snapshot()
  for (let r = 0; r < o.rounds; r++) perCallNs.push(await timedRound(v.call, v.ctx, o.calls))
  const load = cpuload.others(load0, cpuload.snapshot())
  if (!sink) throw new Error('the tool returned nothing')
  const t0 = process.hrtime.bigint()
  await v.finish()
  const finishS = Number(process.hrtime.bigint() - t0) / 1e9
  const peakKb = statusKb('VmHWM')
  const { lines, dropReports } = countLines(v.files())
  const sorted = [...perCallNs].sort((a, b) => a - b)
  const warm = Math.ceil(o.warmup / CHUNK) * CHUNK
  return {
    variant: name, note: v.note, calls: o.calls, rounds: o.rounds, warmup: warm,
    per_call_ns: perCallNs, median_ns: sorted[Math.floor(sorted.length / 2)],
    idle_rss_kb: idleKb, peak_rss_kb: hwmReset ? peakKb : null, finish_s: finishS,
    lines: lines - dropReports, drop_reports: dropReports,
    expected_lines: (warm + o.rounds * o.calls) * v.linesPerCall,
    stats: v.stats ? v.stats() : null, load, versions: versions(),
  }
}

// One variant's results from its --repeat processes (as bench_gateway.py's
// merge): the median of their medians, every round kept, the memory of the
// process that grew most, lines and counters summed, the busiest load.
function merge(runs) {
  if (runs.length === 1) return runs[0]
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b)
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
  }
  const worst = runs.reduce((a, b) => ((b.peak_rss_kb ?? 0) - b.idle_rss_kb > (a.peak_rss_kb ?? 0) - a.idle_rss_kb ? b : a))
  const loads = runs.map((r) => r.load).filter(Boolean)
  const sum = (k) => runs.reduce((t, r) => t + r[k], 0)
  return {
    ...runs[0],
    repeats: runs.length,
    process_medians_ns: runs.map((r) => r.median_ns),
    median_ns: median(runs.map((r) => r.median_ns)),
    per_call_ns: runs.flatMap((r) => r.per_call_ns),
    idle_rss_kb: worst.idle_rss_kb,
    peak_rss_kb: worst.peak_rss_kb,
    peak_rss_kbs: runs.map((r) => r.peak_rss_kb),
    lines: sum('lines'),
    drop_reports: sum('drop_reports'),
    expected_lines: sum('expected_lines'),
    stats: sumCounters(runs.map((r) => r.stats)),
    load: loads.length ? loads.reduce((a, b) => (b.others_pct > a.others_pct ? b : a)) : null,
  }
}

// Numbers summed key by key (nested objects too); null if any is null.
function sumCounters(items) {
  if (items.some((i) => i === null || i === undefined)) return null
  if (items.every((i) => typeof i === 'number')) return items.reduce((a, b) => a + b, 0)
  if (items.every((i) => typeof i === 'object')) return Object.fromEntries(Object.keys(items[0]).map((k) => [k, sumCounters(items.map((i) => i[k]))]))
  return items[items.length - 1]
}

const spread = (repeat) => (repeat <= 1 ? 'median of rounds' : `${repeat} processes per variant, interleaved, median of their medians of rounds`)

function spawn(name, o, calls) {
  const outdir = fs.mkdtempSync(path.join(o.dir, `tt-bench-node-${name}-`))
  try {
    const out = execFileSync(process.execPath, [
      __filename, '--variant', name, '--calls', String(calls), '--rounds', String(o.rounds),
      '--warmup', String(o.warmup), '--outdir', outdir,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })
    return JSON.parse(out.trim().split('\n').pop())
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true })
  }
}

const us = (ns) => (ns / 1000).toFixed(2)

function fmtLoad(load) {
  if (!load) return 'n/a'
  const names = load.top.filter(([, p]) => p >= 1).map(([c, p]) => `${c} ${p.toFixed(0)} %`)
  return `${load.others_pct.toFixed(0)} %` + (names.length ? ` (${names.join(', ')})` : '')
}

function table(results) {
  const by = Object.fromEntries(results.map((r) => [r.variant, r]))
  const bareNs = by.bare ? by.bare.median_ns : 0
  const seedOver = by.seed ? by.seed.median_ns - bareNs : null
  const rows = [
    '| variant | µs/call (median) | min–max of rounds | overhead µs | seed\'s overhead ÷ this one\'s | peak RSS above idle (MiB) | lines written / expected | other processes\' CPU |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const name of ORDER) {
    const r = by[name]
    if (!r) continue
    const over = r.median_ns - bareNs
    const ratio = name === 'bare' || name === 'seed' || !seedOver || over <= 0 ? '—' : `${(seedOver / over).toFixed(1)}×`
    const mem = r.peak_rss_kb === null ? 'n/a' : ((r.peak_rss_kb - r.idle_rss_kb) / 1024).toFixed(1)
    let lines = r.expected_lines === 0 ? '—' : `${r.lines.toLocaleString('en-US')} / ${r.expected_lines.toLocaleString('en-US')}`
    if (r.drop_reports) lines += ` (+${r.drop_reports} writer_dropped)`
    rows.push(`| ${LABELS[name]} | ${us(r.median_ns)} | ${us(Math.min(...r.per_call_ns))}–${us(Math.max(...r.per_call_ns))} | ${name === 'bare' ? '—' : us(over)} | ${ratio} | ${mem} | ${lines} | ${fmtLoad(r.load)} |`)
  }
  return rows.join('\n')
}

function stallTable(r) {
  const rows = [
    '| phase | calls | p50 µs | p99 µs | p99.9 µs | max µs | p99 overhead µs | accepted | dropped (queue_full) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const p of r.phases) {
    const bare = p.phase === 'bare'
    rows.push(`| ${p.phase} | ${p.calls.toLocaleString('en-US')} | ${us(p.p50_ns)} | ${us(p.p99_ns)} | ${us(p.p999_ns)} | ${us(p.max_ns)} | ${bare ? '—' : us(p.p99_overhead_ns)} | ${bare ? '—' : p.accepted.toLocaleString('en-US')} | ${bare ? '—' : p.dropped_queue_full.toLocaleString('en-US')} |`)
  }
  return rows.join('\n')
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (o.variant === 'tooltrail_stalled') {
    console.log(JSON.stringify(await require('./stall').run(o.calls, o.warmup, o.outdir, { versions, countLines })))
    return
  }
  if (o.variant) {
    console.log(JSON.stringify(await runVariant(o.variant, o)))
    return
  }
  const wanted = o.variants.split(',').filter(Boolean)
  const unknown = wanted.filter((v) => !ORDER.includes(v) && v !== 'tooltrail_stalled')
  if (unknown.length) throw new Error(`unknown variants: ${unknown.join(', ')}`)
  if (wanted.some((v) => v !== 'bare' && v !== 'tooltrail_stalled') && !wanted.includes('bare')) wanted.unshift('bare')
  const loadAtStart = os.loadavg()[0].toFixed(1)
  const started = new Date().toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
  const names = ORDER.filter((v) => wanted.includes(v))
  const runs = Object.fromEntries(names.map((n) => [n, []]))
  const repeat = Math.max(1, o.repeat)
  for (let k = 0; k < repeat; k++) {
    for (const name of names) {
      console.error(`  ${name} (${k + 1}/${repeat}) ...`)
      runs[name].push(spawn(name, o, o.calls))
    }
  }
  const results = names.map((n) => merge(runs[n]))
  let stalled = null
  if (wanted.includes('tooltrail_stalled')) {
    console.error('  tooltrail_stalled ...')
    stalled = spawn('tooltrail_stalled', o, o.stallCalls || o.calls)
  }
  const vers = (results[0] || stalled).versions
  if (results.length) console.log(`\n### Node: per call of \`search({ query, limit, filters })\`, both events written (${o.calls.toLocaleString('en-US')} calls × ${o.rounds} rounds, ${spread(repeat)}; ${started}; ${os.cpus().length} CPUs, load average ${loadAtStart} at start; ${Object.entries(vers).map(([k, v]) => `${k} ${v}`).join(', ')})\n`)
  if (results.length) {
    console.log(table(results))
    console.log('\nother processes\' CPU: share of all CPUs\' time during the variant\'s timed rounds taken by processes other than the bench child (/proc/stat minus /proc/self/stat), the largest named')
    const tt = results.find((r) => r.variant === 'tooltrail')
    if (tt && tt.stats) {
      const s = tt.stats
      console.log(`\ntooltrail writer.stats(): accepted ${s.accepted.toLocaleString('en-US')}, written ${s.written.toLocaleString('en-US')}, dropped ${JSON.stringify(s.dropped)}, writeErrors ${s.writeErrors}`)
    }
  }
  if (stalled) {
    console.log(`\n### Node: tooltrail with the sink stalled (${stalled.calls.toLocaleString('en-US')} calls per phase; ${stalled.how})\n`)
    console.log(stallTable(stalled))
    console.log(`\np99 overhead stalled ÷ normal: ${stalled.p99_overhead_ratio.toFixed(2)} (target ≤ 2); after release: ${stalled.after}; other processes' CPU during the phases: ${fmtLoad(stalled.load)}`)
  }
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ started, results, stalled }, null, 1))
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
