// Process-lifecycle hooks for EventWriter.
'use strict'
const { isMainThread } = require('node:worker_threads')
const { constants } = require('node:os')
const native = require('./native')

// The Rust writer thread never keeps Node alive and napi cleanup hooks do not
// run on process.exit(), so writers are closed from process 'exit' (normal
// end, process.exit, uncaught exceptions) and, when the app has no handler of
// its own, from SIGTERM/SIGINT, after which the default action is re-raised so
// the exit status stays what it would have been.
const writers = new Set()
let hooked = false
// Our own signal listeners, by signal name, while they have not run.
const listening = new Map()

function closeAll() {
  for (const ref of writers) {
    const w = ref.deref()
    if (w === undefined) writers.delete(ref)
    else if (!w.closed) w.closeSync()
  }
}

// A signal that arrived while the event loop was busy (a long synchronous
// loop) and was never delivered to JS before the process ended: libuv only
// queued it, and the process would exit 0. The native handler recorded it;
// if our listener is still the only one (nobody else took the signal over),
// the process ends by it after every 'exit' listener ran (src/signals.rs).
function onExit() {
  for (const [sig, listener] of listening) {
    const listeners = process.listeners(sig)
    const ours = listeners.length === 1 && listeners[0] === listener
    native._honorSignalAtExit(constants.signals[sig], ours)
  }
  closeAll()
}

function installHooks() {
  if (hooked) return
  hooked = true
  process.on('exit', onExit)
  if (!isMainThread) return // signals are delivered to the main thread only
  for (const sig of ['SIGTERM', 'SIGINT']) {
    if (process.listenerCount(sig) > 0) continue
    const listener = () => {
      listening.delete(sig)
      native._honorSignalAtExit(constants.signals[sig], false)
      closeAll()
      if (process.listenerCount(sig) > 0) return // the app took over meanwhile
      process.kill(process.pid, sig)
    }
    process.once(sig, listener)
    // libuv's handler is installed now (by the listener just added): chain
    // the recording one in front of it.
    if (native._watchSignal(constants.signals[sig])) listening.set(sig, listener)
  }
}

/** Registers a new writer for the exit hooks (installed on first use). */
function track(writer) {
  writers.add(new WeakRef(writer))
  installHooks()
}

module.exports = { track, closeAll }
