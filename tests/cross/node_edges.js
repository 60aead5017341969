// The API's edges in Node, for tests/cross/test_edges.py: each case's outcome
// as { ok } or { type, code, key } on one line of JSON.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { pathToFileURL } = require('node:url')
const tooltrail = require('tooltrail')

const RUNS = path.resolve('tests/vectors/gateway/runs.expected.jsonl')
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'tooltrail-edges-'))
process.on('exit', () => fs.rmSync(TMP, { recursive: true, force: true }))
const YAML = path.join(TMP, 'config.yaml')
fs.writeFileSync(YAML, 'budgets:\n  max_tool_calls: 3\n')

// Writes one event with an EventWriter made with `where` (a directory named
// `name`); how many log files it made there.
function written(where, name) {
  const w = new tooltrail.EventWriter(where)
  w.event('x', {})
  w.closeSync()
  return fs.readdirSync(path.join(TMP, name)).filter((f) => f.endsWith('.jsonl')).length
}

function outcome(fn) {
  try {
    const value = fn()
    return { ok: value === undefined ? null : value }
  } catch (e) {
    return { type: e instanceof TypeError ? 'TypeError' : e.name, code: e.code ?? null, key: e.key ?? null }
  }
}

const IDS = { run_id: 'r', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', request_id: 'q' }
const quiet = { event() {} }
const gateway = (options) => new tooltrail.ToolGateway({ impls: { t: () => 1 }, logger: quiet, ...options })
const spend = (usd) => {
  const run = gateway().startRun({ request_id: 'q' })
  try {
    return run.addSpend(usd)
  } finally {
    run.end()
  }
}
const cases = {
  impl_not_callable: () => void new tooltrail.ToolGateway({ impls: { t: 5 }, logger: quiet }),
  validator_not_callable: () => void gateway({ validators: { t: 5 } }),
  on_alert_not_callable: () => void gateway({ onAlert: 5 }),
  add_spend_string: () => spend('1.5'),
  add_spend_negative: () => spend(-1),
  add_spend_nan: () => spend(NaN),
  add_spend_ok: () => spend(0.25),
  config_count_huge: () => void gateway({ config: { budgets: { max_tool_calls: 1e20 } } }),
  config_count_zero: () => void gateway({ config: { budgets: { max_tool_calls: 0 } } }),
  config_count_unsafe: () => void gateway({ config: { budgets: { max_tool_calls: 2 ** 70 } } }),
  config_nested_unsafe: () => void gateway({ config: { logging: { pii: { redact_fields: ['a', 2 ** 70] } } } }),
  load_config_object: () => void tooltrail.loadConfig({ budgets: { max_tool_calls: 3 } }),
  load_config_bad_object: () => void tooltrail.loadConfig({ budgets: { max_steps: 'x' } }),
  logs_null: () => void new tooltrail.Logs(null),
  ctx_wrong_type: () => gateway().call(5, 't', {}),
  ctx_ok: () => gateway().call(IDS, 't', {}),
  traceparent_null_flag: () => tooltrail.parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-'),
  hash_key_wrong_type: () => tooltrail.stableHash({}, 5),
  hash_key_empty: () => tooltrail.stableHash({}, ''),
  writer_path_bytes: () => written(Buffer.from(path.join(TMP, 'wb')), 'wb'),
  writer_path_object: () => written(pathToFileURL(path.join(TMP, 'wo')), 'wo'),
  writer_path_number: () => void new tooltrail.EventWriter(5),
  writer_path_list: () => void new tooltrail.EventWriter(['logs']),
  logs_path_bytes: () => new tooltrail.Logs(Buffer.from(RUNS)).runs().length,
  logs_path_object: () => new tooltrail.Logs(pathToFileURL(RUNS)).runs().length,
  logs_path_number: () => void new tooltrail.Logs(5),
  load_config_path_object: () => void tooltrail.loadConfig(pathToFileURL(YAML)),
  load_config_path_bytes: () => void tooltrail.loadConfig(Buffer.from(YAML)),
  load_config_null: () => void tooltrail.loadConfig(null),
  gateway_config_path_object: () => void gateway({ config: pathToFileURL(YAML) }),
  alerts_config_path_object: () => new tooltrail.Logs(RUNS).alerts({ config: pathToFileURL(YAML) }).length,
  logs_window_swapped: () => new tooltrail.Logs(RUNS).runs({ since: '1h', until: '2h' }),
}
const out = {}
for (const [name, fn] of Object.entries(cases)) out[name] = outcome(fn)
process.stdout.write(JSON.stringify(out) + '\n')
