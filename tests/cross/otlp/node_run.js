// A scripted run from Node for tests/cross/test_otlp.py: the gateway's
// default writer (./tooltrail-logs in the cwd) with sinks.otlp from argv[2].
// Prints { run_id, trace_id, closed, stats } as one JSON line.
'use strict'
const { ToolGateway } = require('tooltrail')

async function main() {
  const endpoint = process.argv[2]
  const traceparent = process.argv[3]
  const config = { sinks: { otlp: { endpoint, flush_interval_s: 0.05, timeout_s: 5 } } }
  const gw = new ToolGateway({
    impls: {
      search: async ({ q }) => ({ hits: [q] }),
      fail: () => {
        throw new RangeError('boom')
      },
    },
    config,
  })
  let ids
  await gw.run({ user_id: 'u-node', request_id: 'req-node', traceparent }, async (run) => {
    ids = { run_id: run.ctx.run_id, trace_id: run.ctx.trace_id }
    await run.call('search', { q: 'refund' })
    try {
      run.call('fail', { x: 1 })
    } catch (err) {
      if (!(err instanceof RangeError)) throw err
    }
  })
  const closed = gw._logger.closeSync(10000)
  process.stdout.write(JSON.stringify({ ...ids, closed, stats: gw._logger.stats() }) + '\n')
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
