// A fast route for the common case: JSON text made by V8's JSON.stringify
// for values it renders exactly as the native converter reads them. The core
// canonicalizes that text by its strict parser's rules and applies every rule
// itself; this file only decides which route a value takes, never what it
// hashes to.
//
// Taken only for plain data: strings, finite numbers, booleans, null, arrays
// and objects whose prototype is Array.prototype / Object.prototype / null,
// no Proxy, at most the core's nesting depth. Anything else (NaN, undefined in
// an array, BigInt, Map, class instances, functions, symbols, cycles, Proxies,
// a polluted toJSON) returns undefined and is read by the native converter,
// which names the offending path. Text the strict parser refuses (a lone
// surrogate, an integer beyond 2^53) also falls back to the converter there.
'use strict'

const { isProxy } = require('node:util').types

const ObjectProto = Object.prototype
const ArrayProto = Array.prototype
const getPrototypeOf = Object.getPrototypeOf
const isArray = Array.isArray
const stringify = JSON.stringify

let maxDepth = 64

/** Sets the nesting limit (the core's MAX_DEPTH, read once by index.js). */
function setMaxDepth(depth) {
  maxDepth = depth
}

function plain(v, depth) {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return v - v === 0 // finite: NaN and ±Infinity would print as null
    case 'object': {
      if (v === null) return true
      if (depth >= maxDepth || isProxy(v)) return false
      if (isArray(v)) {
        if (getPrototypeOf(v) !== ArrayProto) return false
        for (let i = 0; i < v.length; i++) {
          const x = v[i]
          // A hole or undefined element would print as null.
          if (x === undefined || !plain(x, depth + 1)) return false
        }
        return true
      }
      const proto = getPrototypeOf(v)
      if (proto !== ObjectProto && proto !== null) return false
      for (const k in v) {
        const x = v[k]
        // Members holding undefined are omitted by both routes.
        if (x !== undefined && !plain(x, depth + 1)) return false
      }
      return true
    }
    default:
      // undefined, bigint, symbol, function.
      return false
  }
}

/**
 * JSON text of `v` when the fast route is exact for it, else undefined.
 * Never throws: a throwing getter sends the value to the converter, which
 * records why it has no JSON form.
 */
function plainJson(v) {
  // A toJSON on the shared prototypes would change what JSON.stringify prints.
  if (ObjectProto.toJSON !== undefined || ArrayProto.toJSON !== undefined) return undefined
  try {
    return plain(v, 0) ? stringify(v) : undefined
  } catch {
    return undefined
  }
}

module.exports = { plainJson, setMaxDepth }
