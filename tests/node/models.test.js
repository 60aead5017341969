// Model steps through the Node API: the golden vector's exact bytes
// (Rust and Python write them too), and the argument rules' errors.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT, tempDir } = require('./helpers')
const { replay } = require('./models_replay')

const GOLDEN = path.join(ROOT, 'tests', 'vectors', 'gateway', 'models.expected.jsonl')

test('the models scenario writes the golden bytes', async () => {
  const { bytes, refusals } = await replay(tempDir('tooltrail-models-'))
  assert.equal(refusals, 3)
  assert.deepEqual(bytes.toString().split('\n'), fs.readFileSync(GOLDEN, 'utf8').split('\n'))
  assert.ok(bytes.equals(fs.readFileSync(GOLDEN)))
})

test('modelCall prices, counts and refuses bad arguments by name', async () => {
  const { Recorder } = require('tooltrail/testing')
  const rec = new Recorder()
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  await gw.run({ run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }, async (run) => {
    run.modelCall({ model: 'gpt-4o-mini', inputTokens: 1_000_000, outputTokens: 0, toolCalls: [{ id: 'c1', function: { name: 'search', arguments: '{"secret":1}' } }] })
    assert.throws(() => run.modelCall({ model: 'm', inputTokens: -1 }), (e) => e.code === 'invalid_argument' && /inputTokens/.test(e.message))
    assert.throws(() => run.modelCall({ model: 'm', input_tokens: 1 }), (e) => e.code === 'invalid_argument' && /input_tokens/.test(e.message))
    const answer = await run.modelStep({ model: 'nobody-prices-this' }, async (step) => { step.set({ inputTokens: 5, outputTokens: 6 }); return 42 })
    assert.equal(answer, 42)
  })
  const models = rec.events({ event: 'model_call' })
  assert.equal(models.length, 2)
  assert.equal(models[0].cost_usd, 0.15)
  assert.deepEqual(models[0].tool_calls, [{ name: 'search', call_id: 'c1' }])
  assert.ok(!JSON.stringify(models[0]).includes('secret'))
  assert.equal(models[1].cost_usd, null)
  assert.equal(models[1].step, 2)
  const [end] = rec.events({ event: 'run_end' })
  assert.equal(end.unpriced_model_calls, 1)
  assert.equal(end.priced_share, 0.5)
})

test("a provider's usage object is read by the core (the same rule as Python's)", async (t) => {
  const rec = require('tooltrail/testing').recorder(t)
  const gw = new tooltrail.ToolGateway({ impls: {}, logger: rec })
  const usage = { input_tokens: 1200, output_tokens: 80, input_tokens_details: { cached_tokens: 1000 }, output_tokens_details: { reasoning_tokens: 16 } }
  const run = gw.startRun({ request_id: 'r' })
  run.modelCall({ model: 'gpt-4o-mini', usage })
  run.modelCall({ model: 'gpt-4o-mini', usage, inputTokens: 5 }) // a count given by name wins
  run.end()
  await rec.flush()
  const got = rec.events({ event: 'model_call' }).map((m) => [m.input_tokens, m.output_tokens, m.cached_input_tokens, m.reasoning_tokens])
  assert.deepEqual(got, [[1200, 80, 1000, 16], [5, 80, 1000, 16]])
})
