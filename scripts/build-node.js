#!/usr/bin/env node
// Builds the Node addon from source with cargo alone (no napi CLI needed at
// install time) and copies it to bindings-node/tooltrail.node.
// Run by `npm install` (package.json "install"). TOOLTRAIL_NODE_PROFILE=debug
// builds faster for development.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.resolve(__dirname, '..')
const profile = process.env.TOOLTRAIL_NODE_PROFILE === 'debug' ? 'debug' : 'release'
const args = ['build', '-p', 'tooltrail-node', '--manifest-path', path.join(root, 'Cargo.toml')]
if (profile === 'release') args.push('--release')

execFileSync('cargo', args, { stdio: 'inherit', cwd: root })
const meta = JSON.parse(
  execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', path.join(root, 'Cargo.toml')], { cwd: root }),
)
const ext = { darwin: 'dylib', win32: 'dll' }[process.platform] || 'so'
const prefix = process.platform === 'win32' ? '' : 'lib'
const built = path.join(meta.target_directory, profile, `${prefix}tooltrail_node.${ext}`)
const dest = path.join(root, 'bindings-node', 'tooltrail.node')
// Copy to a temp name and rename, so a running process never sees half a file.
fs.copyFileSync(built, dest + '.tmp')
fs.renameSync(dest + '.tmp', dest)
console.log(`tooltrail: built ${path.relative(root, dest)} (${profile})`)
