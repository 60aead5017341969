#!/usr/bin/env node
// How much this machine's speed drifts within one process (bench/README.md,
// "Results"): rounds of two variants, alternated, each round's µs per call
// next to the main thread's own CPU time (from /proc) and the CPU time the
// hypervisor reports stolen. When a round is slow with the main thread on
// CPU the whole time and nothing stolen, the CPU itself ran slower; both
// variants slowing together is what makes single-process ratios noisy.
//   node drift.js [--variants seed_hash,tooltrail] [--rounds 30] [--calls 20000]
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { setImmediate: yieldLoop } = require('node:timers/promises')
const { VARIANTS, TOOL } = require('./variants')

const CLOCK_TICK_MS = 10

/** The main thread's user + system CPU time, ms. */
function mainThreadCpuMs() {
  const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS
}

/** CPU time stolen from this VM (all CPUs), ms. */
function stolenMs() {
  return Number(fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/)[8]) * CLOCK_TICK_MS
}

async function round(v, calls) {
  const [t0, cpu0, stolen0] = [process.hrtime.bigint(), mainThreadCpuMs(), stolenMs()]
  for (let done = 0; done < calls; done += 1000) {
    for (let i = done; i < done + 1000; i++) {
      v.call(v.ctx, TOOL, { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
    }
    await yieldLoop()
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6
  return { us: (wallMs * 1000) / calls, wallMs, cpuMs: mainThreadCpuMs() - cpu0, stolenMs: stolenMs() - stolen0 }
}

async function main() {
  const argv = process.argv.slice(2)
  const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt)
  const names = opt('--variants', 'seed_hash,tooltrail').split(',')
  const rounds = Number(opt('--rounds', '30'))
  const calls = Number(opt('--calls', '20000'))
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-drift-'))
  try {
    const variants = []
    for (const name of names) variants.push([name, await VARIANTS[name](outdir)])
    console.log(['round', ...names.map((n) => `${n} µs/call`), 'wall ms', 'main thread CPU ms', 'stolen ms'].join('\t'))
    for (let r = 1; r <= rounds; r++) {
      const row = [r]
      let wall = 0
      let cpu = 0
      let stolen = 0
      for (const [, v] of variants) {
        const m = await round(v, calls)
        row.push(m.us.toFixed(2))
        wall += m.wallMs
        cpu += m.cpuMs
        stolen += m.stolenMs
      }
      console.log([...row, wall.toFixed(0), cpu, stolen].join('\t'))
    }
    for (const [, v] of variants) await v.finish()
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
