// The same smoke suite (scripts/runtimes/smoke.mjs) in every runtime, each importing the
// packed tarball from a scratch project the way a user would (STYLE B.8 test/runtimes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bunBin,
  childEnv,
  denoBin,
  ensureNode24,
  parseSmoke,
  prepareScratch,
  run,
  type Scratch,
  type SmokeCheck,
} from './harness.ts'
import { closedURL, startSmokeServer, type SmokeServer } from './smoke-server.ts'
import { runWorkerdSmoke } from './workerd.ts'

let scratch: Scratch
let server: SmokeServer
let closed: string
let node24: string

beforeAll(async () => {
  ;[scratch, server, closed, node24] = await Promise.all([
    prepareScratch(),
    startSmokeServer(),
    closedURL(),
    ensureNode24(),
  ])
})

afterAll(async () => {
  await server?.close()
  await scratch?.dispose()
})

/** Every check the runtime ran, failed ones with their detail, so one assertion shows all. */
function failures(checks: SmokeCheck[]): string[] {
  return checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail ?? ''}`)
}

const smokeChecks = [
  'the expected platform entry is loaded',
  'default headers and params merge with the request, which wins per key',
  'basic auth sends an Authorization header the server accepts',
  'a cookie set on a redirect hop is stored and sent back',
  'toJSON/fromJSON round trip keeps headers and cookies',
  'a standalone CookieJar follows RFC 6265 and the public suffix list',
  'responses are genuine Response objects with the session extras',
  'a refused connection rejects with ConnectionError',
]

function expectAllPassed(checks: SmokeCheck[]): void {
  expect(failures(checks)).toEqual([])
  expect(checks.map((c) => c.name)).toEqual(smokeChecks)
}

// [title, platform name the export conditions must select, command line in the scratch dir]
const processRuntimes: [string, string, () => [string, ...string[]]][] = [
  ['Node 20 imports the ESM build', 'node', () => [process.execPath, 'run-esm.mjs']],
  ['Node 20 requires the CommonJS build', 'node', () => [process.execPath, 'run-cjs.cjs']],
  ['Node 24 imports the ESM build', 'node', () => [node24, 'run-esm.mjs']],
  ['Bun selects the bun entry', 'bun', () => [bunBin, 'run-esm.mjs']],
  // No --allow-env: the entry must load and run without environment access.
  [
    'Deno selects the deno entry, without --allow-env',
    'deno',
    () => [denoBin, 'run', '--allow-net=127.0.0.1', '--allow-read=.', 'run-esm.mjs'],
  ],
]

describe('runtime smoke suite on the packed tarball', () => {
  it.each(processRuntimes)('%s', async (_title, platform, command) => {
    const [cmd, ...args] = command()
    const result = await run(cmd, [...args, server.base, platform, closed], {
      cwd: scratch.dir,
      env: childEnv({ DENO_DIR: `${scratch.dir}/.deno` }),
    })
    expectAllPassed(parseSmoke(result))
  })

  it('workerd selects the workerd entry (bundled with the workerd condition)', async () => {
    const checks = await runWorkerdSmoke(scratch.dir, {
      base: server.base,
      expected: 'workerd',
      closed,
    })
    expectAllPassed(checks)
  })
})
