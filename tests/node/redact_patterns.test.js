// `logging.pii.redact_patterns` through Node: a gateway configured with
// tests/vectors/redact/patterns/config.yaml writes events.expected.jsonl byte
// for byte (Python writes the same bytes: tests/python/test_redact_patterns.py
// and tests/cross/test_redact_config_patterns.py), and a bad pattern is a
// config_error naming its member.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { Recorder } = require('tooltrail/testing')
const { DIR, SECRETS, record } = require('./redact_patterns_replay')

test('the written events are the recorded bytes', () => {
  const got = record()
  const text = got.toString('utf8')
  for (const secret of SECRETS) assert.ok(!text.includes(secret), secret)
  assert.ok(text.includes('[REDACTED:order_ref]') && text.includes('[REDACTED:employee_id]'))
  assert.ok(text.includes('ORD-1234 and emp12'))
  assert.ok(got.equals(fs.readFileSync(path.join(DIR, 'events.expected.jsonl'))))
})

test('gateway redact uses the patterns', () => {
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: new Recorder(), config: path.join(DIR, 'config.yaml') })
  assert.deepEqual(gw.redact({ 'ORD-00000001': 'see emp000002' }), { '[REDACTED:order_ref]': 'see [REDACTED:employee_id]' })
  assert.deepEqual(tooltrail.redact({ note: 'ORD-00000001' }), { note: 'ORD-00000001' })
})

test('a bad pattern is a config_error naming its member', () => {
  const cases = [
    [[{ name: 'a', pattern: 'ORD-([0-9]' }], 'logging.pii.redact_patterns[0].pattern', 'unclosed group'],
    [[{ name: 'ok', pattern: 'x' }, { name: 'Bad-Label', pattern: 'x' }], 'logging.pii.redact_patterns[1].name', 'a-z, 0-9 and _'],
    [[{ name: 'a' }], 'logging.pii.redact_patterns[0].pattern', 'is required'],
    ['ORD-[0-9]+', 'logging.pii.redact_patterns', 'list'],
  ]
  for (const [patterns, key, fragment] of cases) {
    assert.throws(
      () => tooltrail.loadConfig({ logging: { pii: { redact_patterns: patterns } } }),
      (err) => err.code === 'config_error' && err.key === key && err.message.includes(fragment),
      key,
    )
  }
})
