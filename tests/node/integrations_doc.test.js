// Runs the JavaScript examples of docs/integrations.md, each in a fresh process.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { ROOT } = require('./helpers')

const doc = fs.readFileSync(path.join(ROOT, 'docs', 'integrations.md'), 'utf8')
const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

test('the doc has examples', () => {
  assert.ok(blocks.length >= 3) // the ambient run, the AI SDK, the OpenAI Agents SDK
})

// Run outside the repository, as a user's project would: `tooltrail` (and its
// subpaths, `tooltrail/integrations/ai`, ...) is this checkout, found with the
// frameworks it is tested with (devDependencies) through NODE_PATH.
const modules = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-doc-modules-'))
fs.symlinkSync(ROOT, path.join(modules, 'tooltrail'), 'dir')
const env = { ...process.env, NODE_PATH: [modules, path.join(ROOT, 'node_modules')].join(path.delimiter) }

blocks.forEach((code, i) => {
  test(`example ${i} runs`, () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-doc-'))
    const r = spawnSync(process.execPath, ['-e', code], { cwd, env, encoding: 'utf8', timeout: 60000 })
    assert.equal(r.status, 0, r.stderr)
  })
})
