// The tape route (lib/tape.js, then core/json/src/tape/mod.rs and the core's strict
// parser) must give exactly what the native converter gives: the same hash,
// or the same error kind and path, for every vector and every awkward value.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const vm = require('node:vm')
const tooltrail = require('tooltrail')
const native = require('../../bindings-node/lib/native')
const { plainText, tape } = require('../../bindings-node/lib/tape')
const { ROOT, outcome } = require('./helpers')

// A JS exception (a throwing getter, a revoked Proxy) is thrown by both.
function result(fn) {
  try {
    return outcome(fn)
  } catch (err) {
    return ['threw', err.message]
  }
}

// The converter alone (no tape) against the public stableHash (a tape when plain).
const slow = (v) => result(() => native._stableHashPlain(v, undefined, undefined))
const fast = (v) => result(() => tooltrail.stableHash(v))

function same(label, v) {
  assert.deepEqual(fast(v), slow(v), label)
}

const DIR = path.join(ROOT, 'tests', 'vectors', 'canonical')

test('every canonical vector hashes alike on both routes', () => {
  let checked = 0
  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
    const c = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
    let value
    try {
      value = JSON.parse(c.input)
    } catch {
      continue
    }
    same(file, value)
    checked++
  }
  assert.ok(checked > 30)
})

function nest(depth) {
  let v = 1
  for (let i = 0; i < depth; i++) v = { k: v }
  return v
}

class Point {
  constructor() {
    this.x = 1
  }
}

const cyclic = { a: 1 }
cyclic.self = cyclic
const holey = [1, , 3] // eslint-disable-line no-sparse-arrays
const getterThrows = Object.defineProperty({}, 'g', { enumerable: true, get() { throw new Error('boom') } })
const hidden = Object.defineProperty({ a: 1 }, 'h', { enumerable: false, value: NaN })
const withSymbol = { a: 1, [Symbol('s')]: NaN }

const AWKWARD = {
  'NaN member': { a: NaN },
  'Infinity element': [Infinity],
  'negative zero': { z: -0 },
  'integral float above 2^53': { n: 1e20 },
  '2^53': 2 ** 53,
  '1e21': 1e21,
  'tiny float': 5e-324,
  'lone surrogate value': { s: 'a\ud800b' },
  'lone surrogate key': { ['k\udc00']: 1 },
  'surrogate pair': { s: '😀' },
  'undefined member (omitted)': { a: undefined, b: 1 },
  'undefined element': [1, undefined],
  'array hole': holey,
  'top-level undefined': undefined,
  'BigInt': { n: 5n },
  'huge BigInt': { n: 2n ** 64n },
  'symbol value': { s: Symbol('x') },
  'function value': { f() {} },
  'toJSON member': { toJSON() { return 1 }, a: 2 },
  'Map': { m: new Map([[1, 2]]) },
  'Date': { d: new Date(0) },
  'class instance': new Point(),
  'boxed string': { s: new String('x') },
  'null prototype': Object.assign(Object.create(null), { b: 1, a: [true, null] }),
  'other realm object': vm.runInNewContext('({ a: 1, b: [1, 2] })'),
  'Proxy of object': new Proxy({ a: 1 }, {}),
  'Proxy of array': new Proxy([1, 2], {}),
  'revoked Proxy': (() => {
    const p = Proxy.revocable({}, {})
    p.revoke()
    return p.proxy
  })(),
  'throwing getter': getterThrows,
  'non-enumerable NaN': hidden,
  'symbol key': withSymbol,
  'cycle': cyclic,
  'depth 64': nest(63),
  'depth 65': nest(65),
  'array subclass': { a: Object.assign(new (class extends Array {})(), { 0: 1 }) },
  'typed array': { b: new Uint8Array(2) },
  'integer keys': { 10: 'a', 2: 'b', x: 'c' },
  'escapes': { 'q"\\\n\u0001': '\u001f\u2028' },
  'non-ASCII': { 'clé': 'naïve – 中文 😀', 'ß': ['\u00ff', '\u0100'] },
  'empty strings and containers': { '': '', a: [], o: {}, n: [[]] },
  'long (past the first buffers)': { s: 'x'.repeat(5000), a: Array.from({ length: 3000 }, (_, i) => ({ i, s: `é${i}` })) },
}

for (const [label, value] of Object.entries(AWKWARD)) {
  test(`both routes agree: ${label}`, () => same(label, value))
}

test('plainText takes the tape route only for plain data', () => {
  assert.equal(plainText({ b: [1, 'x', null, true], a: { c: 1.5 } }), 'b1xac1.5')
  assert.deepEqual([...tape.ops.slice(0, 15)], [-1, 1, -3, -9, 1, -7, -5, -4, 1, -1, 1, -11, -2, -2, -(2 ** 31)])
  for (const label of ['NaN member', 'undefined element', 'array hole', 'BigInt', 'Map', 'class instance',
    'Proxy of object', 'throwing getter', 'cycle', 'depth 65', 'toJSON member']) {
    assert.equal(plainText(AWKWARD[label]), undefined, label)
  }
})

test('plain values reach the core through the tape, long and non-ASCII ones too', () => {
  for (const label of ['non-ASCII', 'empty strings and containers', 'long (past the first buffers)', 'escapes',
    'surrogate pair', 'negative zero', 'tiny float', 'integer keys', 'null prototype']) {
    const v = AWKWARD[label]
    const json = native._tapeJson(plainText(v), tape.ops)
    assert.equal(typeof json, 'string', label)
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(v)), label)
  }
  assert.ok(tape.ops.length > 1024, 'the long value grew the codes past their first size')
  // Refused by the core, so the converter reads them: a lone surrogate.
  for (const label of ['lone surrogate value', 'lone surrogate key']) {
    assert.notEqual(plainText(AWKWARD[label]), undefined, label)
    assert.equal(native._tapeJson(plainText(AWKWARD[label]), tape.ops), null, label)
  }
})

test('one huge value does not pin the codes\' size', () => {
  plainText({ a: Array.from({ length: 100000 }, (_, i) => i) })
  assert.ok(tape.ops.length > 65536)
  plainText({ a: 1 })
  plainText({ a: 1 }) // the one before used a sliver of the array: given back
  assert.equal(tape.ops.length, 1024)
  assert.equal(native._tapeJson(plainText({ a: 1 }), tape.ops), '{"a":1}')
})

test('an enumerable property on Object.prototype turns the tape route off, and is not hashed', () => {
  const clean = tooltrail.stableHash({ a: 1 })
  Object.prototype.polluted = 'x'
  try {
    assert.equal(plainText({ a: 1 }), undefined)
    assert.equal(tooltrail.stableHash({ a: 1 }), clean)
    same('polluted', { a: 1, b: [{ c: 2 }] })
  } finally {
    delete Object.prototype.polluted
  }
  assert.notEqual(plainText({ a: 1 }), undefined)
})

test('a toJSON on Object.prototype is ignored by both routes', () => {
  const clean = tooltrail.stableHash({ a: 1 })
  Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'x', configurable: true, writable: true })
  try {
    assert.equal(tooltrail.stableHash({ a: 1 }), clean)
    same('toJSON on the prototype', { a: 1 })
  } finally {
    delete Object.prototype.toJSON
  }
})

test('a getter that hashes while the tape is recorded leaves both values whole', () => {
  const inner = { x: 'inner', y: [1, 2] }
  let seen = null
  const outer = {
    a: 'before',
    get g() {
      seen = tooltrail.stableHash(inner)
      return 'got'
    },
    z: ['after', { k: 'v' }],
  }
  const plainOuter = { a: 'before', g: 'got', z: ['after', { k: 'v' }] }
  assert.equal(tooltrail.stableHash(outer), tooltrail.stableHash(plainOuter))
  assert.equal(seen, tooltrail.stableHash(inner))
  assert.equal(seen, slow(inner)[1])
})

test('a tape that is not one whole value is logged as the call\'s args_error', () => {
  // Only the private native function can be handed one (lib/tape.js writes whole tapes).
  const events = []
  const gw = new tooltrail.ToolGateway({ impls: { t: () => 1 }, logger: { event: (n, f) => events.push([n, f]) } })
  gw.call({ run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }, 't', { a: 1 })
  const { end, object } = native._tapeCodes()
  for (const [text, ops] of [['ab', [object, 5, end]], ['', [object, end]], ['x', [2, end]]]) {
    const call = native._begin(gw._handle, 0, 't', { a: 1 }, text, Int32Array.from(ops))
    native._finishOk(gw._handle, call, 1)
  }
  gw._flushEvents()
  const logged = events.filter(([n]) => n === 'tool_call').slice(1).map(([, f]) => [f.args_hash, f.args_error && f.args_error.kind])
  assert.deepEqual(logged, [[null, 'invalid_json'], [null, 'invalid_json'], [null, 'invalid_json']])
})

test('gateway args_hash is the same on both routes', () => {
  const events = []
  const gw = new tooltrail.ToolGateway({ impls: { t: () => 1 }, logger: { event: (n, f) => events.push([n, f]) } })
  const ctx = { run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }
  const args = { q: 'refund', n: 1e20, s: '\u2028' } // 1e20: the text is refused, the converter reads it
  gw.call(ctx, 't', args)
  gw.call(ctx, 't', { q: 'refund', s: '\u2028' })
  assert.equal(events[0][1].args_hash, native._stableHashPlain(args, undefined, undefined))
  assert.equal(events[2][1].args_hash, native._stableHashPlain({ q: 'refund', s: '\u2028' }, undefined, undefined))
  gw.call(ctx, 't', { bad: NaN })
  assert.equal(events[4][1].args_hash, null)
  assert.deepEqual(events[4][1].args_error, { kind: 'non_finite', path: '$.bad' })
})
