// Node's built-in fetch (undici) against loopback: the error_class docs/gateway.md's table
// promises (issue 15 item 5). A closed port, a name under the reserved `.invalid` TLD, a server
// that never answers (AbortSignal.timeout, and undici's own headers timeout), and 429 / 503
// answers thrown by the tool with the status on the error, as tools usually do.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const dns = require('node:dns/promises')
const http = require('node:http')
const net = require('node:net')
const tooltrail = require('tooltrail')

const CTX = { run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }
const DNS_NAME = 'nosuchhost.invalid'

/** Runs `tool` through a gateway: what it threw and the logged error_class. */
async function logged(tool) {
  const results = []
  const logger = { event: (name, fields) => { if (name === 'tool_result') results.push(fields) } }
  const gw = new tooltrail.ToolGateway({ impls: { get: tool }, logger })
  const thrown = await gw.call(CTX, 'get', {}).then(
    () => assert.fail('the tool did not fail'),
    (e) => e,
  )
  const [r] = results
  assert.equal(r.ok, false)
  return { thrown, errorClass: r.error_class }
}

async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return server.address().port
}

async function closedPort() {
  const server = net.createServer()
  const port = await listen(server)
  await new Promise((r) => server.close(r))
  return port
}

/** Accepts connections and never answers; `close()` drops them. */
async function silentServer() {
  const sockets = new Set()
  const server = net.createServer((s) => { sockets.add(s); s.on('error', () => {}) })
  const port = await listen(server)
  const close = () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r) })
  return { url: `http://127.0.0.1:${port}/`, close }
}

/** Whether the `.invalid` name fails to resolve here, and quickly; else the reason to skip. */
async function dnsSkipReason() {
  const slow = new Promise((r) => setTimeout(() => r('timeout'), 10000).unref())
  const outcome = await Promise.race([dns.lookup(DNS_NAME).then(() => 'resolved', (e) => e.code), slow])
  if (outcome === 'timeout') return `resolving ${DNS_NAME} does not fail fast here`
  if (outcome === 'resolved') return `the resolver here answers for ${DNS_NAME}`
  return false
}

test('fetch to a closed port: TypeError with cause.code ECONNREFUSED, network', async () => {
  const port = await closedPort()
  const { thrown, errorClass } = await logged(() => fetch(`http://127.0.0.1:${port}/`))
  assert.equal(thrown.name, 'TypeError')
  assert.equal(thrown.cause.code, 'ECONNREFUSED')
  assert.equal(errorClass, 'network')
})

test('fetch to a name that does not resolve: cause.code ENOTFOUND, network', async (t) => {
  const skip = await dnsSkipReason()
  if (skip) return t.skip(skip)
  const { thrown, errorClass } = await logged(() => fetch(`http://${DNS_NAME}/`))
  assert.equal(thrown.name, 'TypeError')
  assert.ok(['ENOTFOUND', 'EAI_AGAIN'].includes(thrown.cause.code), String(thrown.cause.code))
  assert.equal(errorClass, 'network')
})

test('fetch with AbortSignal.timeout to a server that never answers: TimeoutError, timeout', async () => {
  const server = await silentServer()
  try {
    const { thrown, errorClass } = await logged(() => fetch(server.url, { signal: AbortSignal.timeout(100) }))
    assert.equal(thrown.name, 'TimeoutError')
    assert.equal(errorClass, 'timeout')
  } finally {
    await server.close()
  }
})

test('undici headers timeout (UND_ERR_HEADERS_TIMEOUT in cause.code): timeout', async (t) => {
  // Node bundles undici without exporting it; its global Agent's class takes a headersTimeout.
  await fetch('data:,').then((r) => r.text())
  const global = globalThis[Symbol.for('undici.globalDispatcher.1')]
  if (typeof global?.constructor !== 'function') return t.skip('no undici global dispatcher here')
  const Agent = global.constructor
  const dispatcher = new Agent({ headersTimeout: 100 })
  const server = await silentServer()
  try {
    const { thrown, errorClass } = await logged(() => fetch(server.url, { dispatcher }))
    assert.equal(thrown.name, 'TypeError')
    assert.equal(thrown.cause.code, 'UND_ERR_HEADERS_TIMEOUT')
    assert.equal(errorClass, 'timeout')
  } finally {
    await dispatcher.close()
    await server.close()
  }
})

test('an error status thrown with .status by the tool: 429 rate_limited, 503 http_5xx', async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(Number(req.url.slice(1)), { Connection: 'close' }).end()
  })
  const port = await listen(server)
  try {
    for (const [status, expected] of [[429, 'rate_limited'], [503, 'http_5xx']]) {
      const { thrown, errorClass } = await logged(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/${status}`)
        if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status })
        return res.text()
      })
      assert.equal(thrown.status, status)
      assert.equal(errorClass, expected, String(status))
    }
  } finally {
    await new Promise((r) => server.close(r))
  }
})
