// Node-specific conversion edges of SPEC §3.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const tooltrail = require('tooltrail')
const { outcome } = require('./helpers')

const sha = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex')
const err = (v) => outcome(() => tooltrail.stableHash(v))

test('the issue example', () => {
  assert.equal(tooltrail.stableHash({ b: [true, null], a: 1 }), sha('{"a":1,"b":[true,null]}'))
})

test('BigInt in and out of range', () => {
  assert.equal(tooltrail.canonicalJson(2n ** 53n - 1n), '9007199254740991')
  assert.equal(tooltrail.canonicalJson(-(2n ** 53n - 1n)), '-9007199254740991')
  assert.equal(tooltrail.stableHash({ n: 5n }), tooltrail.stableHash({ n: 5 }))
  assert.equal(tooltrail.canonicalJson(0n), '0')
  for (const n of [2n ** 53n, -(2n ** 53n), 2n ** 64n, -(2n ** 64n), 10n ** 100n]) {
    assert.deepEqual(err({ x: [n] }), ['error', 'integer_out_of_range', '$.x[0]'])
  }
})

test('lone surrogates are seen, not replaced', () => {
  assert.deepEqual(err({ a: ['ok', '\ud800'] }), ['error', 'lone_surrogate', '$.a[1]'])
  assert.deepEqual(err({ a: '\udc00' }), ['error', 'lone_surrogate', '$.a'])
  assert.deepEqual(err({ a: '\ude00\ud83d' }), ['error', 'lone_surrogate', '$.a'])
  assert.deepEqual(err({ a: { '\udfff': 1 } }), ['error', 'lone_surrogate', '$.a'])
  assert.equal(tooltrail.canonicalJson('\ud83d\ude00'), '"\u{1F600}"')
  assert.deepEqual(outcome(() => tooltrail.stableHashJson('"\ud800"')), ['error', 'lone_surrogate', '$'])
})

test('holes, undefined and non-plain objects', () => {
  assert.deepEqual(err([1, , 3]), ['error', 'unsupported_type', '$[1]'])
  assert.equal(tooltrail.canonicalJson({ a: undefined, b: 1 }), '{"b":1}')
  assert.deepEqual(err([undefined]), ['error', 'unsupported_type', '$[0]'])
  assert.deepEqual(err(undefined), ['error', 'unsupported_type', '$'])
  class Custom { constructor() { this.x = 1 } }
  const cases = [new Map(), new Set(), new Date(0), /x/, Buffer.from('x'), new Uint8Array(2), new ArrayBuffer(2),
    () => 1, Symbol('s'), new Custom(), new Number(1), new String('s'), Promise.resolve(), new Error('e')]
  for (const v of cases) {
    assert.deepEqual(err({ filters: [0, 1, 2, v] }), ['error', 'unsupported_type', '$.filters[3]'], String(v))
  }
  try { tooltrail.stableHash({ m: new Map() }) } catch (e) { assert.match(e.message, /Map/) }
  const bare = Object.create(null)
  bare.z = 1
  bare.a = [Object.create(null)]
  assert.equal(tooltrail.canonicalJson(bare), '{"a":[{}],"z":1}')
})

test('toJSON is not called', () => {
  assert.equal(tooltrail.canonicalJson({ toJSON: undefined, a: 1 }), '{"a":1}')
  assert.deepEqual(err({ toJSON() { return 1 } }), ['error', 'unsupported_type', '$.toJSON'])
})

test('numbers', () => {
  assert.equal(tooltrail.canonicalJson([-0, 1e21, 1e-7, 0.1, 5e-324, 1.7976931348623157e308]),
    '[0,1e+21,1e-7,0.1,5e-324,1.7976931348623157e+308]')
  for (const f of [NaN, Infinity, -Infinity]) assert.deepEqual(err({ f }), ['error', 'non_finite', '$.f'])
})

test('depth limit, cycles and hostile depth', () => {
  let ok = []
  for (let i = 0; i < 63; i++) ok = [ok]
  assert.equal(tooltrail.canonicalJson(ok), '['.repeat(64) + ']'.repeat(64))
  assert.equal(err([ok])[1], 'depth_exceeded')
  const cyc = []
  cyc.push(cyc)
  assert.equal(err(cyc)[1], 'depth_exceeded')
  const o = {}
  o.self = o
  assert.equal(err(o)[1], 'depth_exceeded')
  let deep = []
  for (let i = 0; i < 100000; i++) deep = [deep]
  assert.equal(err(deep)[1], 'depth_exceeded')
  assert.equal(outcome(() => tooltrail.stableHashJson('['.repeat(100000) + ']'.repeat(100000)))[1], 'depth_exceeded')
})

test('a throwing getter surfaces as that exception', () => {
  const v = { get boom() { throw new RangeError('from getter') } }
  assert.throws(() => tooltrail.stableHash(v), RangeError)
})

test('paths quote odd keys; UTF-16 key order', () => {
  assert.deepEqual(err({ 'a b': { 'c.d': [NaN] } }), ['error', 'non_finite', '$["a b"]["c.d"][0]'])
  assert.equal(tooltrail.canonicalJson({ '\ufb33': 1, '\u{1F602}': 2, '\ue000': 3 }), '{"\u{1F602}":2,"\ue000":3,"\ufb33":1}')
})

test('keyed hash is HMAC over the canonical bytes', () => {
  const value = { to: 'alice@example.com' }
  const canonical = tooltrail.canonicalJson(value)
  for (const key of ['k', Buffer.from('k'), new Uint8Array([1, 2, 3]), '', '\u00e9']) {
    assert.equal(tooltrail.stableHash(value, key), crypto.createHmac('sha256', key).update(canonical).digest('hex'))
  }
  assert.notEqual(tooltrail.stableHash(value, 'k'), tooltrail.stableHash(value))
  assert.throws(() => tooltrail.stableHash(value, 42))
  assert.deepEqual(outcome(() => tooltrail.stableHash(value, '\ud800')), ['error', 'lone_surrogate', '$'])
})

test('errors are TooltrailErrors with code, kind and path', () => {
  try {
    tooltrail.stableHash({ x: NaN })
    assert.fail('no error')
  } catch (e) {
    assert.ok(e instanceof tooltrail.TooltrailError && e instanceof Error)
    assert.equal(e.code, 'non_finite')
    assert.equal(e.kind, 'non_finite')
    assert.equal(e.path, '$.x')
    assert.equal(e.name, 'TooltrailError')
  }
})
