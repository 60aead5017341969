// The linked-steps scenario (tests/python/test_linked_steps.py's `scenario`)
// through the Node API: a tool calling a tool, an agent used as a tool
// (a run inside a call), a sub-run outside any call. Used by
// linked_steps.test.js and by the cross-language suite
// (`node linked_replay.js DIR` writes DIR/tooltrail.jsonl).
'use strict'
const tooltrail = require('tooltrail')

const START_US = 1_700_000_000_000_000

async function scenario(gw) {
  const lookup = gw.wrap('lookup', ({ order }) => order)
  const delegate = gw.wrap('delegate', ({ order }) => {
    lookup({ order }) // a tool calling a tool
    return gw.run({ agent_id: 'sub-agent' }, () => lookup({ order: order + 1 })) // an agent used as a tool
  })
  await gw.run({ request_id: 'req-1', user_id: 'u-1' }, async () => {
    await delegate({ order: 7 })
    await gw.run({ request_id: 'req-2' }, () => lookup({ order: 9 })) // a sub-run outside any call
  })
}

async function replay(dir) {
  const writer = new tooltrail.EventWriter({ path: dir })
  await scenario(new tooltrail.ToolGateway({ impls: {}, logger: writer, _deterministic: START_US }))
  await writer.close()
}

if (require.main === module) replay(process.argv[2])

module.exports = { scenario, START_US }
