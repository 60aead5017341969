'use strict'
const path = require('node:path')
const fs = require('node:fs')

const ROOT = path.resolve(__dirname, '..', '..')

function jcsDir() {
  const dir = path.join(ROOT, 'tests', 'vectors', 'jcs')
  if (!fs.existsSync(dir)) throw new Error(`RFC 8785 vectors not found at ${dir}`)
  return dir
}

/** Runs fn and returns ['ok', value] or ['error', kind, path]. */
function outcome(fn) {
  try {
    return ['ok', fn()]
  } catch (err) {
    if (!err.kind) throw err
    return ['error', err.kind, err.path]
  }
}

/** What `promise` rejects with; fails the test if it resolves. */
async function rejects(promise) {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

module.exports = { ROOT, jcsDir, outcome, rejects }
