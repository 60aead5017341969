// Runs the JavaScript examples of docs/integrations.md, each in a fresh process.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const { ROOT, tempDir } = require('./helpers')

const doc = fs.readFileSync(path.join(ROOT, 'docs', 'integrations.md'), 'utf8')
const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

test('the doc has examples', () => {
  assert.ok(blocks.length >= 4) // the ambient run, the AI SDK, the OpenAI Agents SDK, MCP
})

blocks.forEach((code, i) => {
  test(`example ${i} runs`, () => {
    const cwd = tempDir('tt-doc-')
    // Run outside the repository: `require('tooltrail')` is this checkout,
    // and so are its subpaths (`tooltrail/integrations/mcp`) and the
    // frameworks, through node_modules links (also for the scripts an
    // example writes and starts, such as an MCP server).
    const source = code.replaceAll("require('tooltrail')", `require(${JSON.stringify(ROOT)})`)
    const modules = path.join(cwd, 'node_modules')
    fs.mkdirSync(modules)
    fs.symlinkSync(ROOT, path.join(modules, 'tooltrail'), 'dir')
    for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
      if (!name.startsWith('.')) fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir')
    }
    const r = spawnSync(process.execPath, ['-e', source], { cwd, encoding: 'utf8', timeout: 60000 })
    assert.equal(r.status, 0, r.stderr)
  })
})
