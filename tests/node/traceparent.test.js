// W3C traceparent helpers: a tool passes the trace on to the services it calls.
'use strict'
const { tempDir } = require('./helpers')
const test = require('node:test')
const assert = require('node:assert')
const { traceparent, parseTraceparent, ToolGateway, EventWriter } = require('tooltrail')

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'

test('build and parse', () => {
  const header = traceparent(TRACE, '00f067aa0ba902b7')
  assert.strictEqual(header, `00-${TRACE}-00f067aa0ba902b7-01`)
  assert.ok(traceparent(TRACE, '00f067aa0ba902b7', false).endsWith('-00'))
  assert.deepStrictEqual(parseTraceparent(header), { traceId: TRACE, parentSpanId: '00f067aa0ba902b7', sampled: true })
})

test('bad ids throw, bad headers parse to null', () => {
  for (const [t, s] of [['4bf9', '00f067aa0ba902b7'], [TRACE.toUpperCase(), '00f067aa0ba902b7'], [TRACE, '0'.repeat(16)]]) {
    assert.throws(() => traceparent(t, s), /not W3C ids/)
  }
  for (const h of ['', `01-${TRACE}-00f067aa0ba902b7-01`, `00-${TRACE}-xyz-01`]) {
    assert.strictEqual(parseTraceparent(h), null)
  }
})

test('a run passes its trace on', () => {
  const dir = tempDir('tt-tp-')
  const logger = new EventWriter({ path: dir })
  const gw = new ToolGateway({ impls: {}, logger })
  const run = gw.startRun({ request_id: 'req-tp', traceparent: traceparent(TRACE, '00f067aa0ba902b7') })
  const out = parseTraceparent(run.traceparent())
  assert.strictEqual(out.traceId, TRACE)
  assert.strictEqual(out.parentSpanId, run.ctx.parent_span_id)
  assert.notStrictEqual(out.parentSpanId, '00f067aa0ba902b7')
  run.end()
  logger.closeSync(2000)
})
