#!/usr/bin/env node
// `npm test`: every check CI runs, in order (STYLE B.9), then one plain summary line
// `N passed, N failed` (tests from vitest, plus one per failed stage).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

const stages = [
  ['lint', 'npx', ['eslint', '.']],
  ['format', 'npx', ['prettier', '--check', '.']],
  ['typecheck (core, no runtime types)', 'npx', ['tsc', '-p', 'tsconfig.core.json']],
  ['typecheck (all)', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['build', 'npx', ['rollup', '-c', '--silent']],
  ['publint', 'npx', ['publint', '--strict']],
  ['are the types wrong', 'npx', ['attw', '--pack', '.', '--format', 'table-flipped']],
  ['consumer type-check matrix', 'node', ['scripts/types-matrix.mjs']],
  ...(existsSync('scripts/size.mjs')
    ? [['bundle size', 'node', ['scripts/size.mjs', '--no-build']]]
    : []),
]

const failedStages = []
for (const [name, cmd, args] of stages) {
  console.log(`\n▶ ${name}`)
  const { status } = spawnSync(cmd, args, { stdio: 'inherit' })
  if (status !== 0) {
    console.log(`✖ ${name} failed`)
    failedStages.push(name)
  }
}

mkdirSync('.cache', { recursive: true })
const report = '.cache/vitest-report.json'
rmSync(report, { force: true })
console.log('\n▶ vitest (unit, dom, integration, docs, browser, runtimes)')
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
)
let passed = 0
let failed = 0
let skipped = 0
if (existsSync(report)) {
  const result = JSON.parse(readFileSync(report, 'utf8'))
  passed = result.numPassedTests
  failed = result.numFailedTests
  skipped = result.numPendingTests + (result.numTodoTests ?? 0)
  if (vitest.status !== 0 && failed === 0) failedStages.push('vitest (suite errors)')
} else {
  failedStages.push('vitest (no report)')
}

if (failedStages.length) console.log(`\nFailed stages: ${failedStages.join(', ')}`)
console.log(`\n${passed} passed, ${failed + failedStages.length} failed, ${skipped} skipped`)
process.exit(failed + failedStages.length === 0 ? 0 : 1)
