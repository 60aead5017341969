// The tools the framework examples share: GETs to examples/fake_api.py
// (FAKE_API), which answers 429 / 503 on a fixed schedule.
'use strict'
const tooltrail = require('tooltrail')

class HTTPError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${body}`)
    this.status = status // the core reads it: 429 is rate_limited, 503 unavailable
  }
}

async function httpGet(path) {
  const call = tooltrail.currentCall() // the tool call in progress: its span is the request's parent
  const traceparent = call && call.traceparent()
  const res = await fetch(process.env.FAKE_API + path, { headers: traceparent ? { traceparent } : {} })
  const body = await res.text()
  if (!res.ok) throw new HTTPError(res.status, body)
  return JSON.parse(body)
}

function gateway(logDir, agentId) {
  return new tooltrail.ToolGateway({
    impls: {},
    logger: new tooltrail.EventWriter({ path: logDir }),
    config: { logging: { agent_id: agentId, tool_calls: { store_args: true, store_error_messages: true } } },
  })
}

module.exports = { httpGet, gateway }
