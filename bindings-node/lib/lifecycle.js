// Process-lifecycle hooks for EventWriter.
'use strict'
const { isMainThread } = require('node:worker_threads')

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

/** Registers a new writer for the exit hooks (installed on first use). */
function track(writer) {
  writers.add(new WeakRef(writer))
  installHooks()
}

module.exports = { track, closeAll }
