// A wrong argument type: a TypeError with Node's own code
// (`ERR_INVALID_ARG_TYPE`), as Node's APIs throw. Python raises a plain
// TypeError for the same mistakes (docs/gateway.md, "Errors").
'use strict'

function invalidArgType(message) {
  const err = new TypeError(message)
  err.code = 'ERR_INVALID_ARG_TYPE'
  return err
}

/** What `v` is, for those messages (`null`, `an array`, `Map`, `string`). */
function describeType(v) {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v
}

module.exports = { invalidArgType, describeType }
