// The family corpus (tests/vectors/redact/families/) through Node's redact():
// the recorded outputs byte for byte, and the per-family table that Rust and
// Python produce too (scores.txt): recall >= 99% per family, no false positive.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT } = require('./helpers')
const families = require(path.join(ROOT, 'bench', 'redact_families.js'))

test('the recorded outputs hold', () => {
  const cases = [...families.cases('positive.json'), ...families.cases('negative.json')]
  assert.ok(cases.length >= 1300)
  const bad = cases.filter((c) => JSON.stringify(tooltrail.redact(c.input)) !== JSON.stringify(c.expected))
  assert.deepEqual(bad.map((c) => c.name), [])
})

test('the scores are the recorded ones', () => {
  const { table, misses } = families.score(tooltrail.redact)
  const dir = path.join(ROOT, 'tests', 'vectors', 'redact', 'families')
  assert.equal(table, fs.readFileSync(path.join(dir, 'scores.txt'), 'utf8'))
  for (const line of table.split('\n').filter((l) => l.endsWith('%'))) {
    const pct = Number(line.trim().split(/\s+/).pop().replace('%', ''))
    const negative = table.indexOf(line) > table.indexOf('negatives')
    assert.ok(negative ? pct === 0 : pct >= 99, `${line}\n${misses.join('\n')}`)
  }
})
