// The native addon, built from source by `npm install` (scripts/build-node.js).
'use strict'
const path = require('node:path')

module.exports = require(process.env.TOOLTRAIL_NATIVE_PATH || path.join(__dirname, '..', 'tooltrail.node'))
