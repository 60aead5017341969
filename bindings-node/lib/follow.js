// Runs that follow their streams: a run handed back a stream (a fetch
// `Response` with a body, a `ReadableStream`, an async iterable) stays open
// until the stream has been consumed, fails or is cancelled, so `run_end`
// comes after the calls made while it is read and budgets apply to them.
'use strict'

const ambient = require('./ambient')

/**
 * Whether `value` is a stream `follow` can wait for and hand back as the
 * same kind of thing: a fetch Response with a body, a web ReadableStream,
 * an async generator object. (Other async iterables, such as a Node
 * `Readable`, are returned as they are: pass them to `run.follow` to get
 * an async iterator that holds the run.)
 */
function isStream(value) {
  if (value === null || typeof value !== 'object') return false
  if (typeof Response === 'function' && value instanceof Response) return value.body !== null
  if (typeof ReadableStream === 'function' && value instanceof ReadableStream) return true
  return Object.prototype.toString.call(value) === '[object AsyncGenerator]'
}

/** Whether `run.follow` can hold the run for `value` (any async iterable too). */
function isFollowable(value) {
  return isStream(value) || (value !== null && typeof value === 'object' && typeof value[Symbol.asyncIterator] === 'function')
}

/**
 * `stream` with `run` held open until it ends (`run._hold()` now,
 * `run._release()` once, when it is done, fails or is cancelled). Each
 * read runs with the run current.
 */
function follow(run, stream) {
  if (!isFollowable(stream)) return stream
  let released = false
  const release = () => {
    if (!released) {
      released = true
      run._release()
    }
  }
  run._hold()
  if (typeof Response === 'function' && stream instanceof Response) {
    const { status, statusText, headers } = stream
    return new Response(readable(run, stream.body, release), { status, statusText, headers })
  }
  if (typeof ReadableStream === 'function' && stream instanceof ReadableStream) return readable(run, stream, release)
  return iterate(run, stream, release)
}

function readable(run, source, release) {
  const reader = source.getReader()
  return new ReadableStream({
    async pull(controller) {
      let next
      try {
        next = await ambient.runs.run(run, () => reader.read())
      } catch (err) {
        release()
        controller.error(err)
        return
      }
      if (next.done) {
        release()
        controller.close()
      } else {
        controller.enqueue(next.value)
      }
    },
    async cancel(reason) {
      release()
      await reader.cancel(reason)
    },
  })
}

async function* iterate(run, source, release) {
  const it = source[Symbol.asyncIterator]()
  try {
    for (;;) {
      const next = await ambient.runs.run(run, () => it.next())
      if (next.done) return next.value
      yield next.value
    }
  } finally {
    release()
    // Stopped early (`break`, `return()`): the source is closed too.
    if (typeof it.return === 'function') await it.return().catch(() => {})
  }
}

module.exports = { follow, isStream }
