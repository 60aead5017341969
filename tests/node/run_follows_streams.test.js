// Runs follow their streams: `gateway.run(ids, fn)` that hands back a
// stream (a Response with a body: the route-handler pattern; a
// ReadableStream; an async generator) keeps the run open until the stream
// has been read, failed or been cancelled: run_end comes after the calls
// made while it is read, and budgets apply to them. Python: Run.follow.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { Readable } = require('node:stream')
const { ToolGateway, currentRun } = require('tooltrail')
const { recorder } = require('tooltrail/testing')

function gateway(t, config = {}) {
  const rec = recorder(t)
  const gw = new ToolGateway({ impls: {}, logger: rec, config })
  const quote = gw.wrap('quote', ({ symbol }) => `${symbol}: 10`)
  return { rec, gw, quote }
}

const names = (rec) => rec.events().map((e) => e.event)

test('a Response handed back keeps the run open until its body is read, and budgets apply', async (t) => {
  const { rec, gw, quote } = gateway(t, { budgets: { max_tool_calls: 2 } })
  const response = await gw.run({ request_id: 'req-1' }, () => {
    let i = 0
    const body = new ReadableStream({
      pull(controller) {
        if (i === 3) return controller.close()
        i++
        try {
          controller.enqueue(new TextEncoder().encode(`${quote({ symbol: `S${i}` })}\n`))
        } catch (err) {
          controller.enqueue(new TextEncoder().encode(`refused: ${err.code}\n`))
        }
      },
    })
    return new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } })
  })
  assert.ok(response instanceof Response)
  assert.equal(response.headers.get('content-type'), 'text/plain')
  await rec.flush()
  assert.equal(names(rec).includes('run_end'), false) // not ended: nobody read the body yet
  const text = await response.text()
  assert.equal(text, 'S1: 10\nS2: 10\nrefused: budget_exceeded\n')
  await rec.flush()
  const events = names(rec)
  assert.equal(events.at(-1), 'run_end')
  const end = rec.events({ event: 'run_end' })[0]
  assert.deepEqual([end.tool_calls, end.refused, end.stop_reason], [2, 1, 'max_tool_calls'])
})

test('an async generator handed back: the run is current while it computes, ends when it stops early', async (t) => {
  const { rec, gw, quote } = gateway(t)
  const stream = await gw.run({ request_id: 'req-1' }, async function* () {
    for (let i = 0; i < 10; i++) {
      assert.ok(currentRun() !== null)
      yield quote({ symbol: `S${i}` })
    }
  }.bind(null))
  const seen = []
  for await (const item of stream) {
    seen.push(item)
    if (seen.length === 2) break
  }
  await rec.flush()
  assert.deepEqual(names(rec), ['run_start', 'tool_call', 'tool_result', 'tool_call', 'tool_result', 'run_end'])
})

test('a ReadableStream that fails ends the run; other values are returned as they are', async (t) => {
  const { rec, gw } = gateway(t)
  const stream = await gw.run({ request_id: 'req-1' }, () => new ReadableStream({
    pull(controller) {
      controller.error(new Error('upstream closed'))
    },
  }))
  await assert.rejects(new Response(stream).text(), /upstream closed/)
  await rec.flush()
  assert.equal(names(rec).at(-1), 'run_end')
  const plain = await gw.run({ request_id: 'req-2' }, () => ({ ok: true }))
  assert.deepEqual(plain, { ok: true })
})

test('run.follow holds the run for any async iterable (a Node Readable)', async (t) => {
  const { rec, gw } = gateway(t)
  const run = gw.startRun({ request_id: 'req-1' })
  const lines = run.follow(Readable.from(['a', 'b']))
  run.end()
  await rec.flush()
  assert.deepEqual(names(rec), ['run_start'])
  for await (const line of lines) run.call('quote', { symbol: line })
  await rec.flush()
  assert.equal(names(rec).at(-1), 'run_end')
  assert.equal(rec.events({ event: 'run_end' })[0].tool_calls, 2)
})

// The route-handler pattern with the AI SDK (Next.js, Hono, …): the
// handler returns the Response of a streamText made inside the run; the
// framework reads it later. Tools wrapped with wrapTools, budgets on.
test('AI SDK route handler: streamText(...).toTextStreamResponse() returned from gateway.run', async (t) => {
  const { streamText, stepCountIs, tool } = require('ai')
  const { MockLanguageModelV4, convertArrayToReadableStream } = require('ai/test')
  const { z } = require('zod')
  const { wrapTools, telemetry } = require('tooltrail/integrations/ai')
  for (const withTelemetry of [false, true]) {
    const { rec, gw } = gateway(t, { budgets: { max_tool_calls: 1 } })
    const finish = (unified) => ({ type: 'finish', finishReason: { unified, raw: undefined }, usage: { inputTokens: { total: 5 }, outputTokens: { total: 1 } } })
    const call = (id, user) => ({ type: 'tool-call', toolCallId: id, toolName: 'getOrders', input: JSON.stringify({ user }) })
    const model = new MockLanguageModelV4({
      doStream: [
        { stream: convertArrayToReadableStream([call('s1', 'ann'), finish('tool-calls')]) },
        { stream: convertArrayToReadableStream([call('s2', 'bo'), finish('tool-calls')]) },
        { stream: convertArrayToReadableStream([{ type: 'text-start', id: 't' }, { type: 'text-delta', id: 't', delta: 'done' }, { type: 'text-end', id: 't' }, finish('stop')]) },
      ],
    })
    const tools = wrapTools({
      getOrders: tool({ description: 'orders', inputSchema: z.object({ user: z.string() }), execute: async ({ user }) => `orders of ${user}` }),
    }, gw)
    const extra = withTelemetry ? { experimental_telemetry: { integrations: [telemetry(gw)] } } : {}
    const response = await gw.run({ request_id: 'req-1' }, () =>
      streamText({ model, tools, stopWhen: stepCountIs(5), prompt: 'hi', ...extra }).toTextStreamResponse())
    await new Promise((resolve) => setTimeout(resolve, 50)) // the framework reads it later
    assert.equal(await response.text(), 'done')
    await rec.flush()
    const events = names(rec)
    assert.equal(events.at(-1), 'run_end', `${withTelemetry}: ${events}`)
    assert.equal(events.filter((e) => e === 'run_start').length, 1)
    const end = rec.events({ event: 'run_end' })[0]
    // The second call came after the block returned: still counted, and refused.
    assert.deepEqual([end.tool_calls, end.refused, end.stop_reason], [1, 1, 'max_tool_calls'])
    assert.equal(rec.events({ event: 'model_call' }).length, withTelemetry ? 3 : 0)
  }
})
