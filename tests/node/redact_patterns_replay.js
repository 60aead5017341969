// Records the events of a gateway configured with
// tests/vectors/redact/patterns/config.yaml (one stored call, one failed call);
// used by redact_patterns.test.js and the cross-language suite.
'use strict'
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { Recorder } = require('tooltrail/testing')

const ROOT = path.resolve(__dirname, '..', '..')
const DIR = path.join(ROOT, 'tests', 'vectors', 'redact', 'patterns')
const CASE = JSON.parse(fs.readFileSync(path.join(DIR, 'args.json'), 'utf8'))
const IDS = { run_id: 'run-patterns', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }
const SECRETS = ['ORD-12345678', 'ORD-87654321', 'emp123456', 'ORD-11112222', 'EMP654321', 'Emp000001', 'ORD-99990000',
  'emp424242']

class LookupFailed extends Error {
  constructor(m) {
    super(m)
    this.name = 'LookupFailed'
  }
}

/** The events of one stored call and one failed call, as written. */
function record() {
  const rec = new Recorder()
  const gw = new tooltrail.ToolGateway({
    impls: { refund: () => CASE.result, lookup: () => { throw new LookupFailed(CASE.error) } },
    logger: rec,
    config: path.join(DIR, 'config.yaml'),
    deterministic: true,
  })
  gw.call(IDS, 'refund', CASE.args)
  assert.throws(() => gw.call(IDS, 'lookup', CASE.args), LookupFailed)
  rec.flushSync(5000)
  return Buffer.from(rec.lines().map((l) => l + '\n').join(''), 'utf8')
}

module.exports = { DIR, CASE, SECRETS, record }
