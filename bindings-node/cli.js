#!/usr/bin/env node
// npm bin `tooltrail`: the Rust CLI (see `tooltrail help`).
'use strict'
const path = require('node:path')
const native = require(process.env.TOOLTRAIL_NATIVE_PATH || path.join(__dirname, 'tooltrail.node'))
process.exitCode = native._cliMain(process.argv.slice(2))
