// Hash one tool call's arguments the way tooltrail logs them (`args_hash`).
// Run: node examples/hash_args.js  (after scripts/setup.sh)
// The Python twin, examples/hash_args.py, prints the same lines.
'use strict'
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')

const args = JSON.parse(fs.readFileSync(path.join(__dirname, 'args.json'), 'utf8'))
console.log('canonical:', tooltrail.canonicalJson(args))
console.log('args_hash:', tooltrail.stableHash(args))
console.log('keyed:    ', tooltrail.stableHash(args, Buffer.from('demo-key')))

try {
  // A Set has no JSON meaning; a Python set is rejected the same way.
  tooltrail.stableHash({ when: new Set([1, 2]) })
} catch (err) {
  console.log('rejected: ', err.kind, 'at', err.path)
}
