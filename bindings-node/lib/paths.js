// Paths as Node's own `fs` takes them: a string, a Buffer or Uint8Array
// (UTF-8), or a `file:` URL (`new URL('./logs', import.meta.url)`). The
// core takes a string: each is made one here, and anything else is a
// TypeError naming the argument (Python takes str, bytes and os.PathLike).
'use strict'

const { fileURLToPath } = require('node:url')
const { invalidArgType, describeType } = require('./arg_types')

const UTF8 = new TextDecoder('utf-8', { fatal: true })

// A URL object, from this realm or another (a `vm` context): as Node's
// `fs` recognizes one.
function isURL(v) {
  return v instanceof URL || (v !== null && typeof v === 'object' && typeof v.href === 'string'
    && typeof v.protocol === 'string' && v.auth === undefined && v.path === undefined)
}

/** Whether `v` is a path (not an object of settings). */
function isPath(v) {
  return typeof v === 'string' || v instanceof Uint8Array || isURL(v)
}

/** `v` as a path string; `what` names the argument in the error. */
function asPath(v, what) {
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) {
    try {
      return UTF8.decode(v)
    } catch {
      const err = new TypeError(`${what} must be UTF-8 bytes`)
      err.code = 'ERR_INVALID_ARG_VALUE'
      throw err
    }
  }
  if (isURL(v)) {
    if (v.protocol !== 'file:') throw invalidArgType(`${what} must be a file: URL, not ${v.protocol} URL`)
    return fileURLToPath(v.href)
  }
  throw invalidArgType(`${what} must be a string, Buffer or file: URL, not ${describeType(v)}`)
}

/** A configuration argument: a path becomes a string; settings stay as they are. */
function asConfig(v, what) {
  return isPath(v) ? asPath(v, what) : v
}

module.exports = { isPath, asPath, asConfig }
