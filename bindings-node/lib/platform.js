// Which prebuilt addon fits this process, named as napi-rs names its
// platform packages: `tooltrail-linux-x64-gnu`, `tooltrail-linux-x64-musl`,
// `tooltrail-darwin-arm64`, … Used by the loader (native.js) and by the
// install step (scripts/build-node.js), which builds from source only when
// this package is not installed.
'use strict'
const fs = require('node:fs')

function isMusl() {
  // As napi-rs does: ldd names musl, else the process report has glibc's version.
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    // no ldd: ask the process report
  }
  try {
    return !process.report.getReport().header.glibcVersionRuntime
  } catch {
    return false
  }
}

const { platform, arch } = process
const triple = platform === 'linux' ? `${platform}-${arch}-${isMusl() ? 'musl' : 'gnu'}` : `${platform}-${arch}`

module.exports = { triple, platformPackage: `tooltrail-${triple}` }
