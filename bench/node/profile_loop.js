#!/usr/bin/env node
// A bare loop of one variant's calls, for profilers (see bench/README.md):
//   node profile_loop.js [--variant tooltrail] [--calls 200000]
// No timing and no child processes; yields to the event loop every 1,000 calls.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { setImmediate: yieldLoop } = require('node:timers/promises')
const { VARIANTS, TOOL } = require('./variants')

async function main() {
  const argv = process.argv.slice(2)
  const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt)
  const name = opt('--variant', 'tooltrail')
  const calls = Number(opt('--calls', '200000'))
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-profile-'))
  try {
    const v = await VARIANTS[name](outdir)
    for (let done = 0; done < calls; done += 1000) {
      for (let i = done; i < done + 1000; i++) {
        v.call(v.ctx, TOOL, { query: `refund policy for order ${i}`, limit: 10, filters: { lang: 'en', since: '2026-01-01' } })
      }
      await yieldLoop()
    }
    await v.finish()
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true })
  }
}

main()
