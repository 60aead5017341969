// Every case in tests/vectors/redact/ through Node's redact().
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT } = require('./helpers')

const DIR = path.join(ROOT, 'tests', 'vectors', 'redact')
const all = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
const files = all.filter((f) => !f.startsWith('corpus_'))
const corpus = all.filter((f) => f.startsWith('corpus_'))

test('there are redaction vectors', () => {
  assert.ok(files.length >= 12)
  const cases = corpus.flatMap((f) => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')).cases)
  assert.ok(cases.filter((c) => c.secrets).length >= 200)
  assert.ok(cases.filter((c) => c.keep).length >= 200)
})

// The corpus: the recorded output (byte-identical to Rust's and Python's), no
// listed secret left in it, and look-alikes unchanged.
for (const file of corpus) {
  test(file, () => {
    const failures = []
    for (const c of JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')).cases) {
      const got = tooltrail.redact(c.input, c.redact_fields)
      const text = JSON.stringify(got)
      for (const secret of c.secrets || []) {
        if (text.includes(JSON.stringify(secret).slice(1, -1))) failures.push(`${c.name}: leak of ${secret}`)
      }
      if (c.keep) {
        if (text !== JSON.stringify(c.input)) failures.push(`${c.name}: false positive ${text}`)
        for (const keep of c.keep) {
          if (!text.includes(JSON.stringify(keep).slice(1, -1))) failures.push(`${c.name}: ${keep} destroyed`)
        }
      }
      if (text !== JSON.stringify(c.expected)) failures.push(`${c.name}: got ${text}`)
    }
    assert.deepEqual(failures, [])
  })
}

for (const file of files) {
  test(file, () => {
    const c = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
    assert.deepEqual(tooltrail.redact(c.input, c.redact_fields), c.expected)
  })
}
