// Replays tests/vectors/gateway/basic.json through the Node ToolGateway (real
// thrown errors, real validators, the native EventWriter) and requires the
// exact bytes of basic.expected.jsonl, which Python and Rust produce too.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT, tempDir } = require('./helpers')

const DIR = path.join(ROOT, 'tests', 'vectors', 'gateway')

function failure(outcome) {
  const { raise: kind, message } = outcome
  if (kind === 'timeout') return new DOMException(message, 'TimeoutError')
  if (kind === 'http') return Object.assign(new Error(message), { status: outcome.status })
  if (kind === 'network') return Object.assign(new Error(message), { code: 'ECONNREFUSED' })
  const Named = { [outcome.class]: class extends Error {} }[outcome.class]
  return new Named(message)
}

async function replay(dir, asyncTools) {
  const scenario = JSON.parse(fs.readFileSync(path.join(DIR, 'basic.json'), 'utf8'))
  const writer = new tooltrail.EventWriter({ path: dir })
  const queue = [...scenario.calls]
  let gw
  const impls = {}
  for (const name of scenario.tools) {
    impls[name] = () => {
      const call = queue.shift()
      assert.equal(call.tool, name)
      gw._advanceClock(call.latency_us)
      const run = () => {
        if ('return' in call.outcome) return call.outcome.return
        throw failure(call.outcome)
      }
      return asyncTools ? Promise.resolve().then(run) : run()
    }
  }
  gw = new tooltrail.ToolGateway({
    impls,
    logger: writer,
    config: scenario.config,
    validators: { lookup: (r) => { if ('error' in r) throw new Error('payload reports an error') } },
    _deterministic: scenario.start_us,
  })
  for (const call of scenario.calls) {
    const args = { ...call.args }
    if (call.args_unhashable) args.ids = new Set([1, 2])
    try {
      await gw.call(call.ctx, call.tool, args)
    } catch (err) {
      if (err.code === 'unknown_tool') queue.shift()
      else if (err.code === 'validation_failed') assert.ok(call.validator_rejects)
      else assert.ok('raise' in call.outcome, String(err))
    }
  }
  assert.equal(writer.closeSync(10000), true)
  return fs.readFileSync(path.join(dir, 'tooltrail.jsonl'))
}

for (const asyncTools of [false, true]) {
  test(`scenario bytes match the golden file (${asyncTools ? 'async' : 'sync'} tools)`, async () => {
    const got = await replay(tempDir('tt-gw-'), asyncTools)
    const expected = fs.readFileSync(path.join(DIR, 'basic.expected.jsonl'))
    assert.deepEqual(got.toString().split('\n'), expected.toString().split('\n'))
    assert.ok(got.equals(expected))
  })
}
