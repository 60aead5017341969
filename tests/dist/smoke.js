// Smoke test of an installed tooltrail (scripts/test-dist.sh): run from a
// clean project that installed the npm tarballs, outside the source tree.
// Usage: node smoke.js LOGDIR VERSION, copied into that project's folder
'use strict'
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const path = require('node:path')

const [logDir, version] = process.argv.slice(2)
const project = process.cwd()
const entry = require.resolve('tooltrail', { paths: [project] })
assert.ok(entry.startsWith(path.join(project, 'node_modules') + path.sep), `tooltrail resolved to ${entry}`)
const tooltrail = require(entry)
// The prebuilt addon from the platform package, not a from-source build.
const addon = require.resolve('tooltrail-linux-x64-gnu', { paths: [path.dirname(entry)] })

// A golden vector: canonical bytes and their SHA-256, fixed by RFC 8785.
const value = { b: [true, null], a: 1 }
assert.equal(tooltrail.canonicalJson(value), '{"a":1,"b":[true,null]}')
assert.equal(tooltrail.stableHash(value), '1cc69c7fa23616ca2ec3ee70d24390a6225c8832db8a4c814c7e0e7f942f8668')

// A gateway call writing a log.
const writer = new tooltrail.EventWriter({ path: logDir })
const gw = new tooltrail.ToolGateway({ impls: { add: ({ x, y }) => x + y }, logger: writer })
assert.equal(gw.call({ run_id: 'smoke-run-1', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'req-1' }, 'add', { x: 2, y: 3 }), 5)
assert.ok(writer.closeSync(5000))

// The bin, as npm linked it.
const cli = path.join(project, 'node_modules', '.bin', 'tooltrail')
assert.deepEqual(execFileSync(cli, ['--version'], { encoding: 'utf8' }).split(/\s+/).filter(Boolean), ['tooltrail', version])
const runs = JSON.parse(execFileSync(cli, ['runs', logDir, '--json'], { encoding: 'utf8' }))
assert.deepEqual(runs.map((r) => r.run_id), ['smoke-run-1'])
process.stdout.write(execFileSync(cli, ['runs', logDir], { encoding: 'utf8' }))
console.log(`node smoke: ok (tooltrail ${tooltrail.version}, addon ${addon}, Node ${process.version})`)
