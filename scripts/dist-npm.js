#!/usr/bin/env node
// Packs the two npm packages in napi-rs's layout (called by scripts/dist.sh):
//   tooltrail-linux-x64-gnu  the prebuilt addon as `main`, with os/cpu/libc so
//                            npm installs it only where it runs;
//   tooltrail                the repository's package.json plus
//                            optionalDependencies on the platform package at
//                            the same version (added here, as `napi
//                            prepublish` does, so that `npm install` in a
//                            clone never asks the registry for it).
// Usage: node scripts/dist-npm.js VERSION ADDON.node OUTDIR
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const [version, addon, outArg] = process.argv.slice(2)
if (!version || !addon || !outArg) {
  console.error('usage: node scripts/dist-npm.js VERSION ADDON.node OUTDIR')
  process.exit(2)
}
const root = path.resolve(__dirname, '..')
const out = path.resolve(outArg)
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
if (pkg.version !== version) throw new Error(`package.json says ${pkg.version}, Cargo.toml ${version}`)

const stage = path.join(root, 'target', 'npm', 'stage')
fs.rmSync(stage, { recursive: true, force: true })

function pack(dir) {
  const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }))
  console.log(`${info.filename}: ${info.entryCount} files, ${info.size} bytes packed, ${info.unpackedSize} unpacked`)
  return info
}

// The platform package. Only linux-x64-gnu is built here.
const platform = { triple: 'linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc' }
const platformName = `${pkg.name}-${platform.triple}`
const platformDir = path.join(stage, platformName)
const nodeFile = `tooltrail.${platform.triple}.node`
fs.mkdirSync(platformDir, { recursive: true })
fs.copyFileSync(addon, path.join(platformDir, nodeFile))
fs.writeFileSync(
  path.join(platformDir, 'package.json'),
  JSON.stringify(
    {
      name: platformName,
      version,
      description: `The prebuilt native addon of tooltrail for ${platform.triple} (installed by \`npm install tooltrail\`)`,
      license: pkg.license,
      main: nodeFile,
      files: [nodeFile],
      os: [platform.os],
      cpu: [platform.cpu],
      libc: [platform.libc],
      engines: pkg.engines,
    },
    null,
    2,
  ) + '\n',
)
fs.writeFileSync(
  path.join(platformDir, 'README.md'),
  `# ${platformName}\n\nThe prebuilt native addon of [tooltrail](https://www.npmjs.com/package/tooltrail) for ` +
    `${platform.triple} (glibc 2.17 or newer). Install \`tooltrail\`, not this package: it is an optional ` +
    `dependency that npm picks on this platform.\n`,
)
pack(platformDir)

// The main package: the files `npm pack` would take from the repository,
// with the platform package as an optional dependency.
const mainDir = path.join(stage, pkg.name)
const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }))
for (const { path: file } of listing[0].files) {
  if (file === 'package.json') continue
  fs.mkdirSync(path.dirname(path.join(mainDir, file)), { recursive: true })
  fs.copyFileSync(path.join(root, file), path.join(mainDir, file))
}
const main = { ...pkg, optionalDependencies: { ...pkg.optionalDependencies, [platformName]: version } }
// Development-only fields stay in the repository.
delete main.devDependencies
fs.writeFileSync(path.join(mainDir, 'package.json'), JSON.stringify(main, null, 2) + '\n')
pack(mainDir)
