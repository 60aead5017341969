// Line-oriented worker for the cross-language tests: each stdin line is a JSON
// request {"text": "<json text>", "key"?: "<utf-8>"}; each stdout line the
// Node binding's answer for both input paths (native value and JSON text).
'use strict'
const readline = require('node:readline')
const tooltrail = require('tooltrail')

function attempt(fn) {
  try {
    return { ok: fn() }
  } catch (err) {
    return { kind: err.kind ?? null, path: err.path ?? null, code: err.code ?? null, key: err.key ?? null, message: String(err.message) }
  }
}

const rl = readline.createInterface({ input: process.stdin })
rl.on('line', (line) => {
  const req = JSON.parse(line)
  const value = JSON.parse(req.text)
  const key = req.key === undefined ? undefined : Buffer.from(req.key, 'utf8')
  const out = {
    canonical: attempt(() => tooltrail.canonicalJson(value)),
    hash: attempt(() => tooltrail.stableHash(value, key)),
    hash_text: attempt(() => tooltrail.stableHashJson(req.text)),
  }
  process.stdout.write(JSON.stringify(out) + '\n')
})
