// The ESM and CommonJS builds are two copies of every class; errors must still be
// `instanceof` each other's classes (brand tags, not prototype chains).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../runtimes/harness.ts'

type Entry = typeof import('../../platform/node.ts')
let esm: Entry
let cjs: Entry

beforeAll(async () => {
  await ensureBuilt()
  esm = (await import('../../dist/node.mjs' as string)) as Entry
  cjs = createRequire(import.meta.url)('../../dist/node.cjs') as Entry
}, 240_000)

describe('dual package', () => {
  it('the two builds have distinct classes', () => {
    expect(esm.Session).not.toBe(cjs.Session)
    expect(esm.TimeoutError).not.toBe(cjs.TimeoutError)
  })

  it.each([
    ['TimeoutError', (m: Entry) => new m.TimeoutError('total', 1)],
    ['ConnectionError', (m: Entry) => new m.ConnectionError('x')],
    ['SessionStateError', (m: Entry) => new m.SessionStateError('a.b', 'bad')],
    ['StateConflictError', (m: Entry) => new m.StateConflictError('k', 1, 2)],
  ] as const)('%s from one build is instanceof the other build’s classes', (name, make) => {
    for (const [from, to] of [
      [esm, cjs],
      [cjs, esm],
    ] as const) {
      const error = make(from)
      expect(error).toBeInstanceOf(to[name])
      expect(error).toBeInstanceOf(to.SessionError)
      expect(error).not.toBeInstanceOf(to.HTTPError)
      expect(error.name).toBe(name)
    }
  })

  it('a real failure from the CJS session is an ESM ConnectionError', async () => {
    const s = new cjs.Session()
    const error = await s.get('http://127.0.0.1:1/').catch((e: unknown) => e)
    await s.close()
    expect(error).toBeInstanceOf(esm.ConnectionError)
    expect(error).toBeInstanceOf(esm.SessionError)
  })

  it('both builds return a globalThis.Response', async () => {
    const { startServer } = await import('../helpers/server.ts')
    const server = await startServer()
    try {
      for (const m of [esm, cjs]) {
        await using s = new m.Session({ baseURL: server.origin })
        expect(await s.get('/echo')).toBeInstanceOf(globalThis.Response)
      }
    } finally {
      await server.close()
    }
  })
})

describe('published types', () => {
  // The core's internal types (Plan, HopState, Deadline, …) reach the bundled .d.ts only when
  // a public type refers to them; `Platform.features` is `@internal` and stripped for this.
  it.each(['index.d.mts', 'index.d.cts', 'file-store.d.mts'])(
    'dist/%s declares only names it exports',
    (file) => {
      const text = readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8')
      const declared = [
        ...text.matchAll(/^(?:declare )?(?:class|interface|type|function|const|enum) (\w+)/gm),
      ].map((m) => m[1])
      const exported = new Set(
        [...text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((m) =>
          m[1]!.split(',').map((name) => name.trim().split(' as ').pop()),
        ),
      )
      // The build's local stand-ins for fetch's enums (rollup.config.mjs `localFetchTypes`), so
      // the types need no DOM lib: module-scoped aliases of standard names, not internals.
      const standIns = new Set<string | undefined>([
        'RequestCredentials',
        'RequestRedirect',
        'BodyInit',
      ])
      expect(declared.length).toBeGreaterThan(0)
      expect(declared.filter((name) => !exported.has(name) && !standIns.has(name))).toEqual([])
    },
  )
})
