'use strict'
const path = require('node:path')
const fs = require('node:fs')
const os = require('node:os')

// The checkout (TOOLTRAIL_ROOT: tests copied elsewhere, scripts/test-frameworks.sh).
const ROOT = process.env.TOOLTRAIL_ROOT ?? path.resolve(__dirname, '..', '..')

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

// Temp dirs made by this test file's process, removed when it exits (node
// --test runs each file in its own process), so runs leave nothing in /tmp.
const made = []
process.on('exit', () => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true })
})

/** A new temp dir named `prefix…`, removed when the process exits. */
function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

module.exports = { ROOT, jcsDir, outcome, rejects, tempDir }
