#!/usr/bin/env node
// Builds the Node addon from source with cargo alone (no napi CLI needed at
// install time) and copies it to bindings-node/tooltrail.node.
// Run by `npm install` (package.json "install"). TOOLTRAIL_NODE_PROFILE=debug
// builds faster for development. CARGO_TARGET_DIR and CARGO_BUILD_TARGET are
// honoured: the output is found where cargo says it put it. The npm tarball
// carries every workspace member's manifest and sources (package.json
// "files"), because cargo loads the whole workspace even for -p tooltrail-node.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const manifest = path.join(root, 'Cargo.toml')
const profile = process.env.TOOLTRAIL_NODE_PROFILE === 'debug' ? 'debug' : 'release'

function cargo(args, options) {
  try {
    return execFileSync(process.env.CARGO || 'cargo', args, { cwd: root, ...options })
  } catch (err) {
    // Say what to do instead of printing a stack trace from npm's install step.
    console.error(
      err.code === 'ENOENT'
        ? 'tooltrail: cargo was not found on PATH; building the Node addon needs a Rust toolchain (https://rustup.rs).'
        : `tooltrail: \`cargo ${args[0]}\` failed (exit ${err.status}); see its output above.`,
    )
    process.exit(1)
  }
}

const args = ['build', '-p', 'tooltrail-node', '--manifest-path', manifest]
if (profile === 'release') args.push('--release')
cargo(args, { stdio: 'inherit' })

// cargo metadata applies CARGO_TARGET_DIR and .cargo/config.toml's build.target-dir.
const meta = JSON.parse(cargo(['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest]))
const triple = process.env.CARGO_BUILD_TARGET
const outDir = path.join(meta.target_directory, ...(triple ? [triple] : []), profile)
const file = { darwin: 'libtooltrail_node.dylib', win32: 'tooltrail_node.dll' }[process.platform] || 'libtooltrail_node.so'
const built = path.join(outDir, file)
const dest = path.join(root, 'bindings-node', 'tooltrail.node')
// Copy to a temp name and rename, so a running process never sees half a file.
fs.copyFileSync(built, dest + '.tmp')
fs.renameSync(dest + '.tmp', dest)
console.log(`tooltrail: built ${path.relative(root, dest)} (${profile})`)
