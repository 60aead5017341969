// A small support agent in Node: every tool call goes through tooltrail.
// Run (with examples/fake_api.py serving): FAKE_API=http://127.0.0.1:PORT node examples/agent.js LOG_DIR
// Tested with tooltrail/testing in examples/agent.test.js (docs/testing.md); the
// port of examples/agent.py, held to the same snapshot.
'use strict'
const { ToolGateway, EventWriter } = require('tooltrail')

async function http(method, path, body, signal) {
  const res = await fetch(process.env.FAKE_API + path, {
    method,
    body: body ? JSON.stringify(body) : undefined,
    headers: { 'content-type': 'application/json' },
    signal: signal ?? AbortSignal.timeout(1000),
  })
  const data = await res.json()
  if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}: ${JSON.stringify(data)}`), { status: res.status })
  return data
}

const impls = {
  search_orders: ({ user }) => http('GET', `/orders?user=${user}`),
  get_invoice: ({ order_id }) => http('GET', `/invoice?id=${order_id}`),
  send_email: ({ to, subject, body }) => http('POST', '/email', { to, subject, body }),
}

/** The agent's gateway: its budgets, what it stores, its validators. */
function makeGateway(tools, logger, { agentId = 'support-js', ...options } = {}) {
  return new ToolGateway({
    impls: tools,
    logger,
    config: {
      logging: { agent_id: agentId, tool_calls: { store_args: true, store_error_messages: true } },
      budgets: { max_tool_calls: 6, loop_guard: { warn_after: 2, block_after: 3 } },
    },
    validators: { get_invoice: (r) => !('error' in r) }, // a 200 whose body says "error" is a failure
    ...options,
  })
}

/** One support request, one run: find the order, fetch its invoice, e-mail it. */
async function handle(gw, i, prefix = 'js') {
  await gw.run({ run_id: `${prefix}-run-${i}`, user_id: `user-${i % 3}`, request_id: `${prefix}-req-${i}` }, async (run) => {
    let orders
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        orders = await run.call('search_orders', { user: `user-${i % 3}` })
        break
      } catch (err) {
        if (err.status !== 429) throw err
      }
    }
    run.addSpend(0.0031) // what the planner's model call cost (simulated)
    const invoice = await run.call('get_invoice', { order_id: orders.orders[0].id })
    await run.call('send_email', { to: invoice.email, subject: 'Your invoice', body: `Total ${invoice.amount}` })
  })
}

async function main(logDir) {
  const writer = new EventWriter({ path: logDir })
  const gw = makeGateway(impls, writer)
  let ok = 0
  let failed = 0
  for (let i = 0; i < 6; i++) {
    try {
      await handle(gw, i)
      ok++
    } catch (err) {
      failed++
      console.log(`  run js-run-${i}: ${err.name}: ${err.message}`)
    }
  }
  await writer.close()
  const st = writer.stats()
  const dropped = Object.values(st.dropped).reduce((a, b) => a + b, 0)
  console.log(`node agent: ${ok} requests completed, ${failed} failed`)
  console.log(`  events written: ${st.written} of ${st.accepted}, dropped: ${dropped}`)
}

module.exports = { makeGateway, handle }

if (require.main === module) main(process.argv[2])
