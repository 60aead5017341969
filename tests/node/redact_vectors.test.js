// Every case in tests/vectors/redact/ through Node's redact().
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT } = require('./helpers')

const DIR = path.join(ROOT, 'tests', 'vectors', 'redact')
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()

test('there are redaction vectors', () => assert.ok(files.length >= 12))

for (const file of files) {
  test(file, () => {
    const c = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
    assert.deepEqual(tooltrail.redact(c.input, c.redact_fields), c.expected)
  })
}
