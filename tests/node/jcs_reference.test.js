// The public RFC 8785 reference data: 6 input/output pairs, 10,000 numbers.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { jcsDir } = require('./helpers')

test('every reference pair is byte-exact', () => {
  const dir = jcsDir()
  const names = fs.readdirSync(path.join(dir, 'input')).sort()
  assert.equal(names.length, 6)
  for (const name of names) {
    const text = fs.readFileSync(path.join(dir, 'input', name), 'utf8')
    const expected = fs.readFileSync(path.join(dir, 'output', name))
    assert.deepEqual(Buffer.from(tooltrail._canonicalJsonText(text)), expected, name)
    assert.deepEqual(Buffer.from(tooltrail.canonicalJson(JSON.parse(text))), expected, name)
  }
})

test('every ES6 number line', () => {
  const lines = fs.readFileSync(path.join(jcsDir(), 'numbers', 'es6testfile_10k.txt'), 'utf8').trimEnd().split('\n')
  assert.equal(lines.length, 10000)
  const view = new DataView(new ArrayBuffer(8))
  for (const line of lines) {
    const [bits, expected] = line.split(',')
    view.setBigUint64(0, BigInt('0x' + bits))
    assert.equal(tooltrail.canonicalJson(view.getFloat64(0)), expected, line)
  }
})
