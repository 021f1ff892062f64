// The Workers KV recipe inside workerd with a real KV namespace: Miniflare (which needs
// Node >= 22, so it runs under the Node 24 binary the runtimes harness installs) serves the
// Worker in test/fixtures/state/kv/worker.ts with `SESSIONS` bound to a local KV namespace.
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureNode24, repoRoot, run, runOrThrow } from './harness.ts'

const miniflarePrefix = join(repoRoot, '.cache/miniflare')
const miniflareEntry = join(miniflarePrefix, 'node_modules/miniflare/dist/src/index.js')
let dir: string
let results: Record<string, unknown>

/** Miniflare is installed at test time (like Node 24), never into node_modules. */
async function ensureMiniflare(): Promise<void> {
  if (existsSync(miniflareEntry)) return
  await runOrThrow(
    'npm',
    ['install', '--prefix', miniflarePrefix, '--no-save', '--no-audit', '--no-fund', 'miniflare@4'],
    { timeout: 300_000 },
  )
}

beforeAll(async () => {
  const [node24] = await Promise.all([ensureNode24(), ensureMiniflare()])
  dir = await mkdtemp(join(tmpdir(), 'fetch-session-kv-'))
  const worker = join(dir, 'worker.mjs')
  await build({
    entryPoints: [fileURLToPath(new URL('../fixtures/state/kv/worker.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    conditions: ['workerd', 'worker'],
    format: 'esm',
    outfile: worker,
    logLevel: 'silent',
  })
  // One Miniflare run: every request in order, the answers as one JSON line.
  const runner = join(dir, 'run.mjs')
  await writeFile(
    runner,
    `import { Miniflare } from ${JSON.stringify(pathToFileURL(miniflareEntry).href)}
const mf = new Miniflare({
  modules: true,
  scriptPath: ${JSON.stringify(worker)},
  compatibilityDate: '2025-09-01',
  kvNamespaces: ['SESSIONS'],
})
const out = {}
const ask = async (path) => {
  const res = await mf.dispatchFetch('http://worker.test' + path)
  return res.status === 200 ? res.json() : { status: res.status, text: await res.text() }
}
try {
  out.contract = await ask('/contract')
  out.saves = []
  for (const cookie of ['a', 'b', 'c']) out.saves.push(await ask('/save?cookie=' + cookie))
  out.load = await ask('/load')
  out.stale = await ask('/stale')
  out.after = await ask('/load')
} finally {
  await mf.dispose()
}
console.log('KV-RESULT ' + JSON.stringify(out))`,
  )
  // Run from the bundle's directory: workerd refuses module paths that leave the working directory.
  const result = await run(node24, [runner], { cwd: dir, timeout: 120_000 })
  const line = result.stdout.split('\n').find((l) => l.startsWith('KV-RESULT '))
  if (line === undefined) {
    throw new Error(
      `no KV-RESULT (exit ${String(result.code)})\n${result.stdout}\n${result.stderr}`,
    )
  }
  results = JSON.parse(line.slice('KV-RESULT '.length)) as Record<string, unknown>
}, 600_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('KV recipe inside workerd (Miniflare KV binding)', () => {
  it('meets the StateStore contract on a real namespace (and KV’s own TTL rule)', () => {
    expect(results.contract).toMatchObject({
      absent: null,
      roundTrip: true,
      odd: 'x',
      replaced: 'two',
      prefixed: 'y',
    })
    expect((results.contract as { shortTtl: string }).shortTtl).toMatch(/^rejected: /)
  })

  it('saves and loads a session across Worker invocations, revision by revision', () => {
    expect(results.saves).toEqual([{ revision: 1 }, { revision: 2 }, { revision: 3 }])
    expect(results.load).toEqual({ revision: 3, cookies: ['a', 'b', 'c'] })
  })

  it('a save after another writer’s visible save gets StateConflictError; the first stays', () => {
    expect(results.stale).toEqual({ second: 'StateConflictError' })
    expect(results.after).toEqual({ revision: 4, cookies: ['a', 'b', 'c', 'from-a'] })
  })
})
