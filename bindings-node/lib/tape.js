// A fast route for the common case: plain data recorded as a "tape" that the
// core turns into JSON text (core/json/src/tape/mod.rs), instead of JSON.stringify,
// whose per-character escaping in C++ was the largest single cost of a call
// (bench/README.md). The tape is structure codes in an Int32Array plus one
// string: every key, string and number concatenated, unescaped (the core
// escapes, decodes UTF-16 and applies its strict rules). This file only
// decides which route a value takes, never what it hashes to.
//
// Taken only for plain data: strings, finite numbers, booleans, null, arrays
// and objects whose prototype is Array.prototype / Object.prototype / null,
// no Proxy, at most the core's nesting depth. Anything else (NaN, undefined in
// an array, BigInt, Map, class instances, functions, symbols, cycles, Proxies,
// an enumerable property on Object.prototype) returns undefined and is read by
// the native converter, which names the offending path. Text the core refuses
// (a lone surrogate, an integer beyond 2^53) also falls back to the converter.
'use strict'

const { isProxy } = require('node:util').types

const ObjectProto = Object.prototype
const ArrayProto = Array.prototype
const getPrototypeOf = Object.getPrototypeOf
const isArray = Array.isArray

let maxDepth = 64
let OBJECT, END_OBJECT, ARRAY, END_ARRAY, TRUE, FALSE, NULL, NUMBER, END

/** Reads the nesting limit and the tape's codes from the core (index.js, once). */
function configure(depth, codes) {
  maxDepth = depth
  ;({ object: OBJECT, endObject: END_OBJECT, array: ARRAY, endArray: END_ARRAY } = codes)
  ;({ true: TRUE, false: FALSE, null: NULL, number: NUMBER, end: END } = codes)
}

/** The codes of the last tape, then END (`tape.ops`: read after `plainText`, which may replace it). */
const tape = { ops: new Int32Array(1024) }
let ops = tape.ops
let n = 0 // codes written (by the last tape, until the next starts)
const KEEP_CODES = 1 << 16
// A getter that calls into tooltrail while a tape is being recorded gets
// undefined (its value takes the converter's route) and leaves this one whole.
let busy = false

function op(code) {
  if (n === ops.length) {
    const bigger = new Int32Array(ops.length * 2)
    bigger.set(ops)
    tape.ops = ops = bigger
  }
  ops[n++] = code
}

// Records `v`'s codes and returns its text, or undefined when it is not
// plain data. The text is built in locals and returned, not appended to a
// module variable: a young string stored there costs a write barrier.
function put(v, depth) {
  switch (typeof v) {
    case 'string':
      op(v.length)
      return v
    case 'number': {
      if (v - v !== 0) return undefined // NaN and ±Infinity have no JSON form
      const s = '' + v // what JSON.stringify prints for a finite number
      op(NUMBER - s.length)
      return s
    }
    case 'boolean':
      op(v ? TRUE : FALSE)
      return ''
    case 'object': {
      if (v === null) {
        op(NULL)
        return ''
      }
      if (depth >= maxDepth || isProxy(v)) return undefined
      let out = ''
      if (isArray(v)) {
        if (getPrototypeOf(v) !== ArrayProto) return undefined
        op(ARRAY)
        for (let i = 0; i < v.length; i++) {
          const x = v[i]
          // A hole or undefined element has no JSON form of its own.
          if (x === undefined) return undefined
          const t = put(x, depth + 1)
          if (t === undefined) return undefined
          out += t
        }
        op(END_ARRAY)
        return out
      }
      const proto = getPrototypeOf(v)
      if (proto !== ObjectProto && proto !== null) return undefined
      op(OBJECT)
      // Own keys only: plainText refuses an Object.prototype with enumerable ones.
      for (const k in v) {
        const x = v[k]
        // Members holding undefined are omitted by both routes.
        if (x === undefined) continue
        op(k.length)
        const t = put(x, depth + 1)
        if (t === undefined) return undefined
        out += k
        out += t
      }
      op(END_OBJECT)
      return out
    }
    default:
      // undefined, bigint, symbol, function.
      return undefined
  }
}

function polluted() {
  for (const k in ObjectProto) return k !== undefined
  return false
}

/**
 * The tape's text for `v` when the fast route is exact for it (its codes are
 * then in `tape.ops`), else undefined. Never throws: a throwing getter sends
 * the value to the converter, which records why it has no JSON form.
 */
function plainText(v) {
  if (busy || polluted()) return undefined
  busy = true
  // One huge value must not pin the codes' size for the process's life.
  if (ops.length > KEEP_CODES && n < ops.length / 4) tape.ops = ops = new Int32Array(1024)
  n = 0
  try {
    const text = put(v, 0)
    op(END) // where the value's codes stop (the array is reused)
    return text
  } catch {
    return undefined
  } finally {
    busy = false
  }
}

module.exports = { plainText, tape, configure }
