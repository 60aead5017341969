#!/usr/bin/env node
// npm's install step of the `tooltrail` package. When the prebuilt platform
// package (`tooltrail-linux-x64-gnu`, an optionalDependency of the published
// package) is installed and loads, there is nothing to do. Otherwise (a clone
// of the repository, a platform with no prebuilt addon, --omit=optional) it
// builds the addon from source with cargo alone (no napi CLI needed) and
// copies it to bindings-node/tooltrail.node. TOOLTRAIL_BUILD_FROM_SOURCE=1
// builds from source even when a prebuilt fits. TOOLTRAIL_NODE_PROFILE=debug
// builds faster for development. CARGO_TARGET_DIR and CARGO_BUILD_TARGET are
// honoured: the output is found where cargo says it put it. The npm tarball
// carries every workspace member's manifest and sources (package.json
// "files"), because cargo loads the whole workspace even for -p tooltrail-node.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const { triple, platformPackage } = require('../bindings-node/lib/platform')

// Why no prebuilt is used, for the messages below; null when one fits.
function prebuiltProblem() {
  if (process.env.TOOLTRAIL_BUILD_FROM_SOURCE) return 'TOOLTRAIL_BUILD_FROM_SOURCE is set'
  let resolved
  try {
    resolved = require.resolve(platformPackage, { paths: [root] })
  } catch {
    return `no prebuilt addon for ${triple}: the package ${platformPackage} is not installed`
  }
  try {
    require(resolved)
    return null
  } catch (err) {
    return `the prebuilt addon ${platformPackage} does not load here (${err.message.split('\n')[0]})`
  }
}

const problem = prebuiltProblem()
if (problem === null) {
  // The loader (bindings-node/lib/native.js) prefers an addon built from
  // source: a stale one left by an earlier from-source install would win.
  fs.rmSync(path.join(root, 'bindings-node', 'tooltrail.node'), { force: true })
  process.exit(0)
}
const manifest = path.join(root, 'Cargo.toml')
const profile = process.env.TOOLTRAIL_NODE_PROFILE === 'debug' ? 'debug' : 'release'

function cargo(args, options) {
  try {
    return execFileSync(process.env.CARGO || 'cargo', args, { cwd: root, ...options })
  } catch (err) {
    // Say what to do instead of printing a stack trace from npm's install step.
    console.error(
      err.code === 'ENOENT'
        ? `tooltrail: ${problem}, so the addon must be built from source, and cargo was not found on PATH. ` +
            `Install a Rust toolchain (https://rustup.rs) and run \`npm rebuild tooltrail\`, or install tooltrail ` +
            `with its optional dependencies on a platform that has a prebuilt addon (linux-x64-gnu).`
        : `tooltrail: \`cargo ${args[0]}\` failed (exit ${err.status}); see its output above.`,
    )
    process.exit(1)
  }
}

console.log(`tooltrail: ${problem}; building the addon from source with cargo`)
const args = ['build', '-p', 'tooltrail-node', '--manifest-path', manifest]
if (profile === 'release') args.push('--release')
cargo(args, { stdio: 'inherit' })

// cargo metadata applies CARGO_TARGET_DIR and .cargo/config.toml's build.target-dir.
const meta = JSON.parse(cargo(['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest]))
const buildTarget = process.env.CARGO_BUILD_TARGET
const outDir = path.join(meta.target_directory, ...(buildTarget ? [buildTarget] : []), profile)
const file = { darwin: 'libtooltrail_node.dylib', win32: 'tooltrail_node.dll' }[process.platform] || 'libtooltrail_node.so'
const built = path.join(outDir, file)
const dest = path.join(root, 'bindings-node', 'tooltrail.node')
// Copy to a temp name and rename, so a running process never sees half a file.
fs.copyFileSync(built, dest + '.tmp')
fs.renameSync(dest + '.tmp', dest)
console.log(`tooltrail: built ${path.relative(root, dest)} (${profile})`)
