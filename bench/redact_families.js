#!/usr/bin/env node
// Recall and false-positive rate per family of tests/vectors/redact/families/
// (or of the hold-out corpus, families_holdout/, or any directory the
// generator wrote) through Node's tooltrail.redact; prints the same table as
// bench/redact_families.py and the Rust test (<corpus>/scores.txt).
//
//   node bench/redact_families.js [--holdout | --dir DIR]
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const VECTORS = path.join(__dirname, '..', 'tests', 'vectors', 'redact')
const DIR = path.join(VECTORS, 'families')
const HOLDOUT = path.join(VECTORS, 'families_holdout')
const cases = (name, corpus = DIR) => JSON.parse(fs.readFileSync(path.join(corpus, name), 'utf8')).cases

function pct(k, n) {
  const t = Math.floor((2000 * k + n) / (2 * n)) // tenths of a percent, half up
  return `${Math.floor(t / 10)}.${t % 10}%`
}

const pad = (s, n) => String(s).padEnd(n)
const lpad = (s, n) => String(s).padStart(n)

function score(redact, corpus = DIR) {
  const rows = new Map()
  const negs = new Map()
  const misses = []
  for (const c of cases('positive.json', corpus)) {
    const got = JSON.stringify(redact(c.input))
    const ok = c.secrets.every((s) => !got.includes(JSON.stringify(s).slice(1, -1)))
    const r = rows.get(c.family) || [0, 0]
    r[0] += 1
    r[1] += ok ? 1 : 0
    rows.set(c.family, r)
    if (!ok) misses.push(`miss ${c.name}: ${got}`)
  }
  for (const c of cases('negative.json', corpus)) {
    const got = JSON.stringify(redact(c.input))
    const r = negs.get(c.family) || [0, 0]
    r[0] += 1
    if (got !== JSON.stringify(c.input)) {
      r[1] += 1
      misses.push(`false positive ${c.name}: ${got}`)
    }
    negs.set(c.family, r)
  }
  const line = (f, n, k, p) => `${pad(f, 20)} ${lpad(n, 6)} ${lpad(k, 7)} ${lpad(p, 8)}\n`
  const sorted = (m) => [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  let out = line('family', 'cases', 'caught', 'recall')
  for (const f of sorted(rows)) out += line(f, rows.get(f)[0], rows.get(f)[1], pct(rows.get(f)[1], rows.get(f)[0]))
  out += line('negatives', 'cases', 'changed', 'fp rate')
  for (const f of sorted(negs)) out += line(f, negs.get(f)[0], negs.get(f)[1], pct(negs.get(f)[1], negs.get(f)[0]))
  return { table: out, misses }
}

module.exports = { score, cases, DIR, HOLDOUT }

if (require.main === module) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--dir')
  const corpus = at >= 0 ? path.resolve(args[at + 1]) : args.includes('--holdout') ? HOLDOUT : DIR
  const { table, misses } = score(require('tooltrail').redact, corpus)
  process.stdout.write(table)
  for (const m of misses) console.log(m)
}
