#!/usr/bin/env node
// Writes package.json's version into src/version.ts (the `version` lifecycle script, so
// `npm version <x>` keeps them together). `--check` only compares and exits 1 on a mismatch.
import { readFileSync, writeFileSync } from 'node:fs'

const { version } = JSON.parse(readFileSync('package.json', 'utf8'))
const file = 'src/version.ts'
const text = readFileSync(file, 'utf8')
const updated = text.replace(
  /export const VERSION = '[^']*'/,
  `export const VERSION = '${version}'`,
)
if (process.argv.includes('--check')) {
  if (updated !== text) {
    console.error(
      `${file} does not hold package.json's version ${version}: run node scripts/version.mjs`,
    )
    process.exit(1)
  }
} else {
  writeFileSync(file, updated)
}
