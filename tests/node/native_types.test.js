// Node-specific conversion edges of SPEC §3.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const vm = require('node:vm')
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
  // eslint-disable-next-line no-sparse-arrays -- the hole is the value under test
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
  for (const key of ['k', Buffer.from('k'), new Uint8Array([1, 2, 3]), '\u00e9']) {
    assert.equal(tooltrail.stableHash(value, key), crypto.createHmac('sha256', key).update(canonical).digest('hex'))
  }
  assert.notEqual(tooltrail.stableHash(value, 'k'), tooltrail.stableHash(value))
  assert.throws(() => tooltrail.stableHash(value, 42))
  // An empty key is a keyed hash anyone can recompute: refused, naming it.
  for (const empty of ['', Buffer.alloc(0), new Uint8Array(0)]) {
    assert.throws(() => tooltrail.stableHash(value, empty), (e) => e.code === 'invalid_argument' && e.key === 'key')
    assert.throws(() => tooltrail.stableHashJson('{}', empty), (e) => e.code === 'invalid_argument' && e.key === 'key')
  }
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

test('plain hash is SHA-256 of the canonical UTF-8 bytes', () => {
  for (const v of [null, true, 0, -1.5, 'é\u{1F600}', [], {}, { z: [1, { y: 'x' }], a: null }, { '\u20ac': 1, '\n': 2 }]) {
    const canonical = tooltrail.canonicalJson(v)
    assert.equal(tooltrail.stableHash(v), sha(canonical), canonical)
    assert.equal(tooltrail.stableHash(v, undefined), sha(canonical))
    assert.equal(tooltrail.stableHash(v, null), sha(canonical))
    assert.equal(tooltrail.stableHashJson(canonical), sha(canonical))
  }
})

test('BigInt: the largest one-word value and beyond', () => {
  for (const n of [2n ** 64n - 1n, -(2n ** 64n - 1n), 2n ** 63n, 2n ** 128n]) {
    assert.deepEqual(err([n]), ['error', 'integer_out_of_range', '$[0]'], String(n))
  }
  assert.equal(tooltrail.canonicalJson([-5n, 2n ** 52n]), '[-5,4503599627370496]')
})

test('proxies are seen through, as JSON.stringify sees them', () => {
  // Node-API alone reports a Proxy's prototype as null; a Proxy of a Map
  // must not pass for an empty plain object, nor a Proxy of an array for
  // an object with index keys.
  const arr = new Proxy([1, [2, 'x']], {})
  assert.equal(tooltrail.canonicalJson({ a: arr }), '{"a":[1,[2,"x"]]}')
  assert.equal(tooltrail.stableHash(arr), tooltrail.stableHash([1, [2, 'x']]))
  assert.equal(tooltrail.canonicalJson(new Proxy({ b: 1, a: 2 }, {})), '{"a":2,"b":1}')
  assert.equal(tooltrail.canonicalJson(new Proxy(Object.create(null), {})), '{}')
  class Thing { constructor() { this.x = 1 } }
  for (const target of [new Map([[1, 2]]), new Set([1]), new Date(0), new Thing(), new Number(1)]) {
    assert.deepEqual(err({ filters: [0, 1, 2, new Proxy(target, {})] }), ['error', 'unsupported_type', '$.filters[3]'])
  }
  // eslint-disable-next-line no-sparse-arrays -- the hole is the value under test
  assert.deepEqual(err(new Proxy([1, , 3], {})), ['error', 'unsupported_type', '$[1]'])
  const lying = new Proxy([], { get: (t, k) => (k === 'length' ? -1 : t[k]) })
  assert.equal(err(lying)[1], 'unsupported_type')
  const revocable = Proxy.revocable({}, {})
  revocable.revoke()
  assert.throws(() => tooltrail.stableHash(revocable.proxy), TypeError)
})

test('plain objects and arrays of another realm (vm, Jest) are plain', () => {
  const foreign = vm.runInNewContext('({ b: [1, { c: null }], a: Object.create(null) })')
  assert.equal(tooltrail.canonicalJson(foreign), '{"a":{},"b":[1,{"c":null}]}')
  assert.equal(tooltrail.stableHash(foreign), tooltrail.stableHash({ a: {}, b: [1, { c: null }] }))
  for (const src of ['new Map()', 'new Date(0)', 'new (class Foo {})()', 'new Number(1)']) {
    assert.deepEqual(err({ x: vm.runInNewContext(src) }), ['error', 'unsupported_type', '$.x'], src)
  }
  // A null-prototype object posing as Object.prototype is still checked.
  const fakeProto = Object.create(null)
  fakeProto.constructor = function Object() {}
  assert.equal(err(Object.create(fakeProto))[1], 'unsupported_type')
})

test('only own enumerable string keys; array extras ignored', () => {
  const o = { [Symbol('s')]: 1, a: 1 }
  Object.defineProperty(o, 'hidden', { value: 2, enumerable: false })
  assert.equal(tooltrail.canonicalJson(o), '{"a":1}')
  assert.equal(tooltrail.canonicalJson(Object.assign([1], { extra: 2 })), '[1]')
  assert.equal(tooltrail.canonicalJson({ 2: 'b', 10: 'c', 1: 'a' }), '{"1":"a","10":"c","2":"b"}')
})

test('a huge sparse array is an error, not a crash', () => {
  assert.deepEqual(err({ a: new Array(2 ** 32 - 1) }), ['error', 'unsupported_type', '$.a[0]'])
  const sparse = []
  sparse[1e6] = 1
  assert.deepEqual(err(sparse), ['error', 'unsupported_type', '$[0]'])
})

test('depth 64 objects ok, 65 error', () => {
  let ok = {}
  for (let i = 0; i < 63; i++) ok = { k: ok }
  assert.equal(tooltrail.canonicalJson(ok), '{"k":'.repeat(63) + '{}' + '}'.repeat(63))
  assert.deepEqual(err({ k: ok }), ['error', 'depth_exceeded', '$' + '.k'.repeat(64)])
})

test('error message is the core Display: "kind at path: detail"', () => {
  try {
    tooltrail.canonicalJson({ filters: [0, 1, 2, new Set()] })
    assert.fail('no error')
  } catch (e) {
    assert.equal(typeof e.detail, 'string')
    assert.match(e.detail, /Set/)
    assert.equal(e.message, `unsupported_type at $.filters[3]: ${e.detail}`)
    assert.ok(e.stack.startsWith('TooltrailError: unsupported_type'))
  }
})

test('wrong argument types are TypeErrors', () => {
  const typeErr = (fn, re) => assert.throws(fn, (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE' && re.test(e.message))
  typeErr(() => tooltrail.stableHash({}, 42), /key/)
  typeErr(() => tooltrail.stableHash({}, new Uint16Array(2)), /key/)
  typeErr(() => tooltrail.stableHash({}, {}), /key/)
  typeErr(() => tooltrail.stableHashJson(42), /text/)
  typeErr(() => tooltrail.stableHashJson(new DataView(new ArrayBuffer(1))), /text/)
  typeErr(() => tooltrail._canonicalJsonText(null), /text/)
})

test('JSON text as bytes', () => {
  const want = tooltrail.stableHash({ a: 2, b: 'é' })
  assert.equal(tooltrail.stableHashJson(Buffer.from('{"b":"é","a":2}')), want)
  assert.equal(tooltrail.stableHashJson(new TextEncoder().encode('{"b":"é","a":2}')), want)
  // A Buffer view with an offset into a larger allocation.
  const big = Buffer.from('xx{"b":"é","a":2}yy')
  assert.equal(tooltrail.stableHashJson(big.subarray(2, big.length - 2)), want)
  assert.deepEqual(outcome(() => tooltrail.stableHashJson(Buffer.from([0x22, 0xff, 0x22]))), ['error', 'invalid_json', '$'])
  assert.deepEqual(outcome(() => tooltrail.stableHashJson(new Uint8Array(0))), ['error', 'invalid_json', '$'])
})

test('in a worker thread, errors are that thread\'s TooltrailError', async () => {
  const { Worker } = require('node:worker_threads')
  const code = `
    const { parentPort } = require('node:worker_threads')
    const t = require(${JSON.stringify(require.resolve('tooltrail'))})
    try { t.stableHash({ a: [new Map()] }) } catch (e) {
      parentPort.postMessage([e instanceof t.TooltrailError, e.code, e.path, t.stableHash({ b: 1n })])
    }`
  const worker = new Worker(code, { eval: true })
  const [msg] = await Promise.all([new Promise((resolve) => worker.once('message', resolve)), new Promise((r) => worker.once('exit', r))])
  assert.deepEqual(msg, [true, 'unsupported_type', '$.a[0]', tooltrail.stableHash({ b: 1 })])
})

test('strings of every length around the inline buffer read whole', () => {
  for (let n = 0; n < 300; n++) {
    for (const s of ['a'.repeat(n), 'a'.repeat(n) + '\u{1F600}', '\u{1F600}'.repeat(n >> 1) + 'é'.repeat(n & 1)]) {
      assert.equal(tooltrail.canonicalJson({ [s]: s }), JSON.stringify({ [s]: s }), `length ${s.length}`)
    }
    assert.deepEqual(err(['a'.repeat(n) + '\ud800']), ['error', 'lone_surrogate', '$[0]'], `length ${n + 1}`)
    assert.deepEqual(err({ ['a'.repeat(n) + '\udc00']: 1 }), ['error', 'lone_surrogate', '$'], `key length ${n + 1}`)
  }
})
