// Machine load during a measurement: the CPU share of processes other than
// this one (python/cpuload.py in JS). snapshot() reads /proc/stat (all CPUs'
// busy and total ticks), this process's own ticks (/proc/self/stat, all its
// threads) and every process's ticks (/proc/*/stat); others(a, b) turns two
// snapshots into the share of the machine's CPU time (all CPUs together =
// 100 %) that went to anything but this process between them (the larger of
// /proc/stat's busy time minus ours and the sum over the other processes), and
// names the largest consumers. A process that started and exited between the
// snapshots is not named; its time is in the total as "unnamed". Ticks are
// 10 ms, so a window under a second or so gives a coarse share.
'use strict'
const fs = require('node:fs')

const OWN = String(process.pid)

function cpuLine() {
  const first = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]
  const v = first.trim().split(/\s+/).slice(1).map(Number)
  while (v.length < 8) v.push(0)
  const total = v.slice(0, 8).reduce((x, y) => x + y, 0)
  return { busy: total - v[3] - v[4], total, steal: v[7] }
}

function procTicks(pid) {
  let s
  try {
    s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  const close = s.lastIndexOf(')')
  const comm = s.slice(s.indexOf('(') + 1, close)
  const rest = s.slice(close + 2).split(' ')
  return { comm, start: rest[19], ticks: Number(rest[11]) + Number(rest[12]) }
}

function snapshot(procs = true) {
  const { busy, total, steal } = cpuLine()
  const own = procTicks('self').ticks
  const table = new Map()
  if (procs) {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name) || name === OWN) continue
      const t = procTicks(name)
      if (t) table.set(`${name}/${t.start}`, t)
    }
  }
  return { busy, total, steal, own, procs: table }
}

function others(a, b, top = 3) {
  const total = Math.max(1, b.total - a.total)
  let other = Math.max(0, b.busy - a.busy - (b.own - a.own))
  const byComm = new Map()
  for (const [key, t] of b.procs) {
    const d = a.procs.has(key) ? t.ticks - a.procs.get(key).ticks : t.ticks
    if (d > 0) byComm.set(t.comm, (byComm.get(t.comm) || 0) + d)
  }
  const named = [...byComm].sort((x, y) => y[1] - x[1])
  const attributed = named.reduce((s, [, t]) => s + t, 0)
  // /proc/stat is sampled at the tick, a process's own times are not: over a
  // short window the named processes can add up to more than the aggregate.
  // Report the larger, so the load is never understated.
  other = Math.max(other, attributed)
  const pct = (t) => Math.round((1000 * t) / total) / 10
  return {
    others_pct: pct(other),
    steal_pct: pct(b.steal - a.steal),
    ticks: total,
    top: named.slice(0, top).map(([c, t]) => [c, pct(t)]).filter(([, p]) => p >= 0.5),
    unnamed_pct: pct(Math.max(0, other - attributed)),
  }
}

module.exports = { snapshot, others }
