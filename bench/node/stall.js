// tooltrail with its sink stuck: per-call latency percentiles and drops.
//
// How the sink is stalled, with the public API only: the directory sink takes
// an exclusive flock(2) on `<dir>/.tooltrail.lock` around every batch write
// (docs/writer.md). Node has no flock, so a `flock -x <lock> cat` child (util-
// linux) holds the lock until its stdin closes: the writer's worker thread
// then blocks in flock() on its next batch, as behind a hung disk or NFS
// mount, and the queue fills. Closing the child's stdin un-sticks it.
//
// Phases, one writer throughout, each call timed on its own: bare (the tool
// called directly), normal (sink healthy), stalled. normal and stalled each use
// a fresh gateway (warmed alike), so they differ only in the sink.
'use strict'
const path = require('node:path')
const { spawn } = require('node:child_process')
const { once } = require('node:events')
const { setImmediate: yieldLoop, setTimeout: sleep } = require('node:timers/promises')
const { VARIANTS, TOOL, makeArgs, CTX, IMPLS, tooltrail } = require('./variants')
const cpuload = require('./cpuload')

const CHUNK = 1000

async function timed(call, ctx, calls) {
  const out = new Float64Array(calls)
  const clock = process.hrtime.bigint
  for (let done = 0; done < calls; done += CHUNK) {
    const end = Math.min(calls, done + CHUNK)
    for (let i = done; i < end; i++) {
      // Each call's arguments are built before its clock starts.
      const args = { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } }
      const t0 = clock()
      call(ctx, TOOL, args)
      out[i] = Number(clock() - t0)
    }
    await yieldLoop()
  }
  return out.sort()
}

const pct = (ns, q) => ns[Math.min(ns.length - 1, Math.floor(q * ns.length))]

function summary(phase, ns, bareP50) {
  return {
    phase, calls: ns.length, p50_ns: pct(ns, 0.5), p99_ns: pct(ns, 0.99), p999_ns: pct(ns, 0.999),
    max_ns: ns[ns.length - 1], p99_overhead_ns: pct(ns, 0.99) - bareP50,
  }
}

async function holdLock(file) {
  const child = spawn('flock', ['-x', file, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] })
  let seen = ''
  for await (const chunk of child.stdout) {
    seen += chunk
    if (seen.includes('locked')) break
  }
  return async () => {
    child.stdin.end()
    if (child.exitCode === null) await once(child, 'exit')
  }
}

async function run(calls, warmup, outdir, { versions, countLines }) {
  const { ToolGateway, EventWriter } = tooltrail()
  const writer = new EventWriter({ path: outdir, maxFiles: 10000 })
  // One gateway per phase on the one writer: a gateway's own per-call cost may
  // grow with the calls it has seen (its alert windows), and the phases must
  // differ only in the sink.
  const gw = new ToolGateway({ impls: IMPLS, logger: writer })
  const gwStalled = new ToolGateway({ impls: IMPLS, logger: writer })
  const call = (ctx, name, args) => gw.call(ctx, name, args)
  const callStalled = (ctx, name, args) => gwStalled.call(ctx, name, args)
  const bare = VARIANTS.bare().call
  for (let i = 0; i < warmup; i++) {
    const args = makeArgs(i)
    call(CTX, TOOL, args)
    callStalled(CTX, TOOL, args)
    bare(CTX, TOOL, args)
  }
  writer.flushSync(60000)

  const load0 = cpuload.snapshot()
  const bareNs = await timed(bare, CTX, calls)
  const bareP50 = pct(bareNs, 0.5)
  const phases = [summary('bare', bareNs, bareP50)]

  const s0 = writer.stats()
  const normal = summary('normal', await timed(call, CTX, calls), bareP50)
  writer.flushSync(60000)
  const s1 = writer.stats()
  normal.accepted = s1.accepted - s0.accepted
  normal.dropped_queue_full = s1.dropped.queueFull - s0.dropped.queueFull
  phases.push(normal)

  const release = await holdLock(path.join(outdir, '.tooltrail.lock'))
  let stalled
  let stuckWritten
  try {
    // One event, then longer than flush_interval (100 ms): the worker is now
    // blocked in flock() inside its batch write.
    callStalled(CTX, TOOL, makeArgs(0))
    await sleep(300)
    const a = writer.stats()
    stalled = summary('stalled', await timed(callStalled, CTX, calls), bareP50)
    const b = writer.stats()
    stalled.accepted = b.accepted - a.accepted
    stalled.dropped_queue_full = b.dropped.queueFull - a.dropped.queueFull
    stuckWritten = b.written - a.written
    phases.push(stalled)
  } finally {
    await release()
  }
  const load = cpuload.others(load0, cpuload.snapshot())
  const flushed = await writer.flush(120000)
  await writer.close(30000)
  const final = writer.stats()
  const files = require('node:fs').readdirSync(outdir).filter((f) => f.startsWith('tooltrail') && f.endsWith('.jsonl'))
  const { lines, dropReports } = countLines(files.map((f) => path.join(outdir, f)))
  return {
    variant: 'tooltrail_stalled', calls,
    how: 'an exclusive flock on <dir>/.tooltrail.lock held by a `flock` child, so the worker blocks in its batch write',
    phases, p99_overhead_ratio: stalled.p99_overhead_ns / Math.max(1, normal.p99_overhead_ns),
    written_while_stuck: stuckWritten,
    after: `lock released, flush() -> ${flushed}; stats accepted ${final.accepted.toLocaleString('en-US')}, written ${final.written.toLocaleString('en-US')}, dropped ${JSON.stringify(final.dropped)}, dropReports ${final.dropReports}; file: ${(lines - dropReports).toLocaleString('en-US')} event lines + ${dropReports} writer_dropped line(s)`,
    final_stats: final, load, lines: lines - dropReports, drop_reports: dropReports, versions: versions(),
  }
}

module.exports = { run }
