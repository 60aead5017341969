// Events written through the Node binding fit the event schema
// (schema/event.schema.json, generated from the core's table), checked with
// a small validator for the subset of JSON Schema the generator emits; and
// bindings-node/events.d.ts declares the same events and members.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT, tempDir } = require('./helpers')

const SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema', 'event.schema.json'), 'utf8'))
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const KEYWORDS = new Set(['$schema', '$id', 'title', 'description', '$defs', '$ref', 'const', 'enum', 'type',
  'pattern', 'minimum', 'minLength', 'properties', 'required', 'additionalProperties', 'anyOf', 'oneOf',
  'allOf', 'if', 'then', 'else', 'not', 'items'])

function typeOf(v) {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

/** Errors of `value` against `schema` (draft 2020-12, the emitted subset). */
function errors(schema, value, at = '$') {
  const out = []
  for (const k of Object.keys(schema)) if (!KEYWORDS.has(k)) throw new Error(`unsupported keyword ${k} at ${at}`)
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, '')
    assert.ok(SCHEMA.$defs[name], `no $defs/${name}`)
    out.push(...errors(SCHEMA.$defs[name], value, at))
  }
  if ('const' in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) out.push(`${at}: not ${JSON.stringify(schema.const)}`)
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} not in enum`)
  if (schema.type) {
    const types = [].concat(schema.type)
    const t = typeOf(value)
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) out.push(`${at}: ${t} is not ${types}`)
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) out.push(`${at}: does not match ${schema.pattern}`)
    if (schema.minLength !== undefined && [...value].length < schema.minLength) out.push(`${at}: too short`)
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) out.push(`${at}: below minimum`)
  if (typeOf(value) === 'object') {
    const props = schema.properties || {}
    for (const [k, v] of Object.entries(value)) {
      if (k in props) out.push(...errors(props[k], v, `${at}.${k}`))
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: unknown field`)
    }
    for (const k of schema.required || []) if (!(k in value)) out.push(`${at}: missing ${k}`)
  }
  if (schema.items && Array.isArray(value)) value.forEach((v, i) => out.push(...errors(schema.items, v, `${at}[${i}]`)))
  const ok = (s) => errors(s, value, at).length === 0
  if (schema.anyOf && !schema.anyOf.some(ok)) out.push(`${at}: matches none of anyOf`)
  if (schema.oneOf && schema.oneOf.filter(ok).length !== 1) out.push(`${at}: matches ${schema.oneOf.filter(ok).length} of oneOf`)
  for (const s of schema.allOf || []) out.push(...errors(s, value, at))
  if (schema.if) {
    const branch = ok(schema.if) ? schema.then : schema.else
    if (branch) out.push(...errors(branch, value, at))
  }
  if (schema.not && ok(schema.not)) out.push(`${at}: matches a forbidden schema`)
  return out
}

const validate = (line) => errors(SCHEMA, line)

function readLines(dir) {
  return fs.readFileSync(path.join(dir, 'tooltrail.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
}

let cached
/** Real events: a run with a failing tool, a validation failure, a loop
 * warning and a budget stop; a run that rejects; calls outside runs (a
 * timeout, an unknown tool); and a writer_dropped report. */
async function produced() {
  if (cached) return cached
  const dir = tempDir('tt-schema-')
  const writer = new tooltrail.EventWriter({ path: dir })
  const timeout = () => { throw Object.assign(new Error('upstream timed out'), { name: 'TimeoutError' }) }
  const gw = new tooltrail.ToolGateway({
    impls: {
      search: async ({ query }) => ({ hits: 1, query }),
      broken: () => { throw new RangeError('broken for alice@example.com') },
      slow: timeout,
      lookup: ({ sku }) => ({ error: 'internal', sku }),
    },
    validators: { lookup: (r) => !('error' in r) },
    logger: writer,
    config: {
      logging: {
        agent_id: 'schema-bot',
        tool_calls: { store_args: true, store_results: 'full', store_error_messages: true },
        alerts: { min_calls: 1 },
      },
      budgets: { max_tool_calls: 4, loop_guard: { warn_after: 2, block_after: 3 } },
    },
  })
  gw.incidentWindow({ minutes: 15 })
  await gw.run({ user_id: 'u-1', request_id: 'req-1', agent_id: 'run-bot' }, async (r) => {
    await r.call('search', { query: 'a' })
    await r.call('search', { query: 'a' }) // the loop guard's warning
    assert.throws(() => r.call('broken', { x: 1 }), RangeError)
    assert.throws(() => r.call('lookup', { sku: 'A-1' }), (e) => e.code === 'validation_failed')
    assert.throws(() => r.call('search', { query: 'b' }), (e) => e.code === 'budget_exceeded')
  })
  await assert.rejects(gw.run({ request_id: 'req-2' }, async (r) => {
    await r.call('search', { query: 'c' })
    r.modelCall({ model: 'gpt-4o-mini', inputTokens: 10, outputTokens: 2, cachedInputTokens: 4, toolCalls: [{ name: 'search', call_id: 'c1' }] })
    r.modelCall({ model: 'in-house', ok: false, reasoningTokens: 1 })
    throw new Error('the agent failed')
  }), /the agent failed/)
  const ctx = { run_id: 'run-x', trace_id: TRACE, request_id: 'req-3' }
  assert.throws(() => gw.call(ctx, 'slow', {}), /timed out/)
  assert.throws(() => gw.call(ctx, 'missing', {}), (e) => e.code === 'unknown_tool')
  gw.incidentWindow({ minutes: 0 })
  assert.equal(writer.closeSync(10000), true)
  const lines = readLines(dir)

  // writer_dropped: the sink fails (a /dev/full device node: the writer
  // refuses symlinks; Node has no mknod, so the command makes it), then recovers.
  const dir2 = tempDir('tt-schema-dropped-')
  const made = spawnSync('mknod', [path.join(dir2, 'tooltrail.jsonl'), 'c', '1', '7'], { encoding: 'utf8' })
  assert.equal(made.status, 0, `mknod: ${made.stderr}`)
  const w2 = new tooltrail.EventWriter({ path: dir2 })
  w2.event('lost', {})
  assert.equal(await w2.flush(10000), false)
  fs.unlinkSync(path.join(dir2, 'tooltrail.jsonl'))
  w2.event('kept', {})
  assert.equal(w2.closeSync(10000), true)
  cached = lines.concat(readLines(dir2).filter((e) => e.event === 'writer_dropped'))
  return cached
}

const eventNames = () => SCHEMA.oneOf.map((r) => r.$ref.split('/').pop())

test('every produced line fits the JSON Schema, members in schema order', async () => {
  const lines = await produced()
  for (const line of lines) {
    assert.deepEqual(validate(line), [], JSON.stringify(line))
    const order = Object.keys(SCHEMA.$defs[line.event].properties)
    const at = Object.keys(line).map((k) => order.indexOf(k))
    assert.deepEqual(at, [...at].sort((a, b) => a - b), JSON.stringify(line))
  }
  assert.deepEqual(new Set(lines.map((l) => l.event)), new Set(eventNames()))
  const stops = new Set(lines.filter((l) => l.event === 'run_end').map((l) => l.stop_reason))
  assert.deepEqual(stops, new Set(['max_tool_calls', 'error']))
  const classes = new Set(lines.map((l) => l.error_class).filter(Boolean))
  for (const c of ['RangeError', 'validation_failed', 'budget_exceeded', 'timeout', 'unknown_tool']) assert.ok(classes.has(c), c)
})

test('events.d.ts declares every event with the schema members', () => {
  const dts = fs.readFileSync(path.join(ROOT, 'bindings-node', 'events.d.ts'), 'utf8')
  const union = dts.match(/export type ToolTrailEvent =([^]*?)\n(\n|$)/)[1]
  const types = [...union.matchAll(/\| (\w+)/g)].map((m) => m[1])
  assert.equal(types.length, eventNames().length)
  for (const type of types) {
    const body = dts.match(new RegExp(`export interface ${type} \\{\\n([^]*?)\\n\\}`))[1]
    const members = [...body.matchAll(/^ {2}(\w+)(\??): (.*)$/gm)]
    const event = members.find((m) => m[1] === 'event')[3].replace(/'/g, '')
    const def = SCHEMA.$defs[event]
    assert.deepEqual(members.map((m) => m[1]), Object.keys(def.properties), type)
    assert.deepEqual(members.filter((m) => !m[2]).map((m) => m[1]), def.required, type)
  }
  const reasons = dts.match(/export type StopReason =([^]*?)\n\n/)[1]
  assert.deepEqual([...reasons.matchAll(/'(\w+)'/g)].map((m) => m[1]), [...tooltrail.STOP_REASONS])
  assert.deepEqual(SCHEMA.$defs.StopReason.enum, [...tooltrail.STOP_REASONS])
  assert.deepEqual(SCHEMA.$defs.ErrorClass.enum, [...tooltrail.ERROR_CLASSES])
  const index = fs.readFileSync(path.join(ROOT, 'bindings-node', 'index.d.ts'), 'utf8')
  assert.match(index, /export \* from '\.\/events'/)
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  assert.ok(pkg.files.includes('bindings-node/events.d.ts'))
})

test('lines that do not fit are rejected', async () => {
  const lines = await produced()
  const first = (event, match = {}) => lines.find((l) => l.event === event && Object.entries(match).every(([k, v]) => l[k] === v))
  const without = (o, key) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key))
  const end = first('run_end')
  const failed = first('tool_result', { ok: false })
  const blocked = first('tool_call', { decision: 'block' })
  const dropped = first('writer_dropped')
  const nested = structuredClone(end)
  nested.budgets.max_tool_calls.spare = 1
  const cases = {
    'unknown field': { ...end, surprise: 1 },
    'bad stop_reason': { ...end, stop_reason: 'done' },
    'missing required': without(end, 'steps'),
    'error_class without failure': { ...failed, ok: true },
    'failure without error_class': without(failed, 'error_class'),
    'block without ok': without(blocked, 'ok'),
    'float seq': { ...failed, seq: 1.5 },
    'bad drop reason': { ...dropped, reason: 'full' },
    'bad span id': { ...failed, span_id: 'XYZ' },
    'bad ts': { ...failed, ts: '2026-11-24 19:57:40' },
    'unknown event': { ...failed, event: 'tool_done' },
    'unknown nested field': nested,
  }
  for (const [what, line] of Object.entries(cases)) assert.notDeepEqual(validate(line), [], what)
})
