// The native addon, found as napi-rs packages find theirs: an explicit
// TOOLTRAIL_NATIVE_PATH, then an addon built from source in this package
// (`npm install` in a clone → scripts/build-node.js), then the prebuilt
// platform package (`tooltrail-linux-x64-gnu`, an optionalDependency of the
// published package). If none loads, the error names each place tried.
'use strict'
const path = require('node:path')
const fs = require('node:fs')

const { triple, platformPackage } = require('./platform')

function candidates() {
  const list = []
  if (process.env.TOOLTRAIL_NATIVE_PATH) list.push(['TOOLTRAIL_NATIVE_PATH', process.env.TOOLTRAIL_NATIVE_PATH])
  list.push(['built from source', path.join(__dirname, '..', 'tooltrail.node')])
  list.push(['prebuilt package', platformPackage])
  return list
}

function load() {
  const tried = []
  for (const [what, where] of candidates()) {
    const isFile = what !== 'prebuilt package'
    if (isFile && what !== 'TOOLTRAIL_NATIVE_PATH' && !fs.existsSync(where)) {
      tried.push(`${what}: ${where} (not there)`)
      continue
    }
    try {
      return require(where)
    } catch (err) {
      // The env path is an explicit choice: its failure is the answer.
      if (what === 'TOOLTRAIL_NATIVE_PATH') throw err
      const missing = err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${where}'`)
      tried.push(`${what}: ${where} (${missing ? 'not installed' : err.message})`)
    }
  }
  const err = new Error(
    `tooltrail: no native addon for ${triple} could be loaded. Tried:\n  ${tried.join('\n  ')}\n` +
      `Reinstall tooltrail with optional dependencies (npm install tooltrail, without --omit=optional), ` +
      `or build it from source with a Rust toolchain (cargo on PATH) by running \`npm rebuild tooltrail\`.`,
  )
  err.code = 'TOOLTRAIL_NO_ADDON'
  throw err
}

module.exports = load()
