// Drift tests: the value lists vs events.d.ts (generated from the core's
// schema table, re-exported by index.d.ts), and one version everywhere.
'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const tooltrail = require('tooltrail')
const { ROOT } = require('./helpers')

test('ERROR_KINDS equals the ErrorKind union in events.d.ts', () => {
  const dts = fs.readFileSync(path.join(ROOT, 'bindings-node', 'events.d.ts'), 'utf8')
  const union = dts.match(/export type ErrorKind =([^]*?)\n\n/)
  assert.ok(union, 'ErrorKind union missing')
  const declared = [...union[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1])
  const actual = [...tooltrail.ERROR_KINDS]
  if (JSON.stringify(declared) !== JSON.stringify(actual)) {
    assert.fail(`events.d.ts is stale; use:\nexport type ErrorKind =\n${actual.map((k) => `  | '${k}'`).join('\n')}`)
  }
  assert.ok(Object.isFrozen(tooltrail.ERROR_KINDS))
})

test('ERROR_CLASSES equals the ErrorClass union in events.d.ts', () => {
  const dts = fs.readFileSync(path.join(ROOT, 'bindings-node', 'events.d.ts'), 'utf8')
  const union = dts.match(/export type ErrorClass =([^]*?)\n\n/)
  assert.ok(union, 'ErrorClass union missing')
  const declared = [...union[1].matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1])
  const actual = [...tooltrail.ERROR_CLASSES]
  if (JSON.stringify(declared) !== JSON.stringify(actual)) {
    assert.fail(`events.d.ts is stale; use:\nexport type ErrorClass =\n${actual.map((k) => `  | '${k}'`).join('\n')}`)
  }
})

test('STOP_REASONS equals the StopReason union in events.d.ts', () => {
  const dts = fs.readFileSync(path.join(ROOT, 'bindings-node', 'events.d.ts'), 'utf8')
  const union = dts.match(/export type StopReason =([^]*?)\n\n/)
  assert.ok(union, 'StopReason union missing')
  const declared = [...union[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1])
  assert.deepEqual(declared, [...tooltrail.STOP_REASONS], 'events.d.ts StopReason is stale')
})

test('one version everywhere', () => {
  const cargo = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8')
  const version = cargo.match(/\[workspace\.package\][^[]*?version = "([^"]+)"/)[1]
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  assert.equal(tooltrail.version, version)
  assert.equal(pkg.version, version)
})

test('ERROR_CODES equals the ErrorCode union in index.d.ts', () => {
  const dts = fs.readFileSync(path.join(ROOT, 'bindings-node', 'index.d.ts'), 'utf8')
  const union = dts.match(/export type ErrorCode =([^]*?)\n\n/)
  assert.ok(union, 'ErrorCode union missing')
  assert.match(union[1], /\|\s*ErrorKind\b/)
  const declared = [...tooltrail.ERROR_KINDS, ...[...union[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1])]
  assert.deepEqual(declared, [...tooltrail.ERROR_CODES], 'index.d.ts ErrorCode is stale')
  assert.ok(Object.isFrozen(tooltrail.ERROR_CODES))
})
