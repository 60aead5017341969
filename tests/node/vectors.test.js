// Every shared case in tests/vectors/canonical/, on the text path (the core's
// strict parser) and on the native path (JSON.parse, then Node conversion).
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT, outcome } = require('./helpers')

const DIR = path.join(ROOT, 'tests', 'vectors', 'canonical')
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()

test('there are vectors', () => {
  assert.ok(files.filter((f) => f.startsWith('y_')).length >= 25)
  assert.ok(files.filter((f) => f.startsWith('n_')).length >= 35)
})

for (const file of files) {
  test(file, () => {
    const c = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
    let want
    if (file.startsWith('y_')) {
      assert.equal(tooltrail._canonicalJsonText(c.input), c.canonical)
      assert.equal(tooltrail.stableHashJson(c.input), c.sha256)
      assert.equal(crypto.createHash('sha256').update(c.canonical).digest('hex'), c.sha256)
      if (c.hmac_sha256) {
        assert.equal(tooltrail.stableHashJson(c.input, c.hmac_sha256.key), c.hmac_sha256.hex)
      }
      want = ['ok', c.canonical]
    } else {
      assert.deepEqual(outcome(() => tooltrail.stableHashJson(c.input)), ['error', c.kind, c.path])
      want = ['error', c.kind, c.path]
    }
    if ((c.skip_native || []).includes('node')) return
    let value
    try {
      value = JSON.parse(c.input)
    } catch {
      return // JSON.parse rejects it too: nothing native to compare
    }
    assert.deepEqual(outcome(() => tooltrail.canonicalJson(value)), want)
    if (file.startsWith('y_')) {
      assert.equal(tooltrail.stableHash(value), c.sha256)
      if (c.hmac_sha256) assert.equal(tooltrail.stableHash(value, c.hmac_sha256.key), c.hmac_sha256.hex)
    } else {
      assert.deepEqual(outcome(() => tooltrail.stableHash(value)), want)
    }
  })
}
