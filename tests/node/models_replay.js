// Replays tests/vectors/gateway/models.json through the Node API
// (`run.modelCall`, `run.modelStep`, `gw.call`) into `dir`; used by
// models.test.js and by the cross-language suite (`node models_replay.js DIR`).
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')

const ROOT = path.resolve(__dirname, '..', '..')
const VECTOR = path.join(ROOT, 'tests', 'vectors', 'gateway', 'models.json')

const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
const camelKeys = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [camel(k), v]))

async function replay(dir) {
  const scenario = JSON.parse(fs.readFileSync(VECTOR, 'utf8'))
  const writer = new tooltrail.EventWriter({ path: dir })
  let latency = 0
  let gw = null
  gw = new tooltrail.ToolGateway({
    impls: { search: () => { gw._advanceClock(latency); return null } },
    logger: writer,
    config: scenario.config,
    _deterministic: scenario.start_us,
  })
  let refusals = 0
  for (const r of scenario.runs) {
    const run = gw.startRun(r.ids)
    for (const a of r.actions) {
      if (a.model_call) {
        try { run.modelCall(camelKeys(a.model_call)) } catch (err) { if (err.code !== 'budget_exceeded') throw err }
      } else if (a.timed_model_call) {
        try {
          await run.modelStep(camelKeys(a.timed_model_call), async (step) => {
            gw._advanceClock(a.latency_us)
            if (a.raise_status) throw Object.assign(new Error('rate limited'), { status: a.raise_status })
            step.set(camelKeys(a.usage))
          })
        } catch (err) {
          if (err.code === 'budget_exceeded') refusals++
          else if (!a.raise_status) throw err
        }
      } else if (a.call) {
        try {
          latency = a.latency_us
          await run.call(a.call, a.args)
        } catch (err) {
          if (err.code !== 'budget_exceeded') throw err
          refusals++
        }
      } else if (a.advance_us) {
        gw._advanceClock(a.advance_us)
      }
    }
    run.end()
  }
  if (!writer.closeSync(10000)) throw new Error('writer did not close')
  return { bytes: fs.readFileSync(path.join(dir, 'tooltrail.jsonl')), refusals, scenario }
}

module.exports = { replay }

if (require.main === module) {
  replay(process.argv[2]).then(
    ({ refusals }) => process.stdout.write(JSON.stringify({ refusals }) + '\n'),
    (err) => { console.error(err); process.exit(1) },
  )
}
