#!/usr/bin/env node
// npm bin `tooltrail`: the Rust CLI (see `tooltrail help`).
'use strict'
const native = require('./lib/native')
process.exitCode = native._cliMain(process.argv.slice(2))
