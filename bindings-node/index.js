// tooltrail for Node.js: re-exports the native addon (built from source by
// `npm install` → scripts/build-node.js) and installs the writer's exit hooks.
// All logic is in the Rust core; this file only wires the process lifecycle.
'use strict'
const path = require('node:path')
const { isMainThread } = require('node:worker_threads')

const native = require(process.env.TOOLTRAIL_NATIVE_PATH || path.join(__dirname, 'tooltrail.node'))

/** Base class of every error tooltrail throws; `code` says which. */
class TooltrailError extends Error {
  constructor(message) {
    super(message)
    this.name = 'TooltrailError'
  }
}
native._setErrorClass(TooltrailError)

const ERROR_KINDS = Object.freeze(native._errorKinds())

// The Rust writer thread never keeps Node alive and napi cleanup hooks do not
// run on process.exit(), so writers are closed from process 'exit' (normal
// end, process.exit, uncaught exceptions) and, when the app has no handler of
// its own, from SIGTERM/SIGINT, after which the default action is re-raised so
// the exit status stays what it would have been.
const writers = new Set()
let hooked = false

function closeAll() {
  for (const ref of writers) {
    const w = ref.deref()
    if (w === undefined) writers.delete(ref)
    else if (!w.closed) w.closeSync()
  }
}

function installHooks() {
  if (hooked) return
  hooked = true
  process.on('exit', closeAll)
  if (!isMainThread) return // signals are delivered to the main thread only
  for (const sig of ['SIGTERM', 'SIGINT']) {
    if (process.listenerCount(sig) > 0) continue
    process.once(sig, () => {
      closeAll()
      if (process.listenerCount(sig) > 0) return // the app took over meanwhile
      process.kill(process.pid, sig)
    })
  }
}

/** Non-blocking, batched JSONL event writer (`logger` protocol: `.event(name, fields)`). */
class EventWriter extends native.EventWriter {
  constructor(options) {
    super(options)
    writers.add(new WeakRef(this))
    installHooks()
  }
}

module.exports = {
  stableHash: native.stableHash,
  stableHashJson: native.stableHashJson,
  canonicalJson: native.canonicalJson,
  EventWriter,
  TooltrailError,
  ERROR_KINDS,
  version: native._version(),
  _canonicalJsonText: native._canonicalJsonText,
}
