// The family corpora (tests/vectors/redact/families/ and the hold-out
// families_holdout/) through Node's redact(): the recorded outputs byte for
// byte, and the per-family table that Rust and Python produce too
// (scores.txt): recall >= 99% per family, no false positive.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT } = require('./helpers')
const families = require(path.join(ROOT, 'bench', 'redact_families.js'))

for (const corpus of [families.DIR, families.HOLDOUT]) {
  const name = path.basename(corpus)

  test(`${name}: the recorded outputs hold`, () => {
    const cases = [...families.cases('positive.json', corpus), ...families.cases('negative.json', corpus)]
    assert.ok(cases.length >= 1300)
    const bad = cases.filter((c) => JSON.stringify(tooltrail.redact(c.input)) !== JSON.stringify(c.expected))
    assert.deepEqual(bad.map((c) => c.name), [])
  })

  test(`${name}: the scores are the recorded ones`, () => {
    const { table, misses } = families.score(tooltrail.redact, corpus)
    assert.equal(table, fs.readFileSync(path.join(corpus, 'scores.txt'), 'utf8'))
    for (const line of table.split('\n').filter((l) => l.endsWith('%'))) {
      const pct = Number(line.trim().split(/\s+/).pop().replace('%', ''))
      const negative = table.indexOf(line) > table.indexOf('negatives')
      assert.ok(negative ? pct === 0 : pct >= 99, `${line}\n${misses.join('\n')}`)
    }
  })
}
