// What saved state guarantees on one machine: the writer and the reader agree on the limits
// (what save() writes, load() reads, or save() fails first and the stored copy stays), and one
// session's saves to one key never conflict with each other (explicit save() and autosave).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore } from '../../platform/file-store.ts'
import { CookieJar, Session, SessionStateError } from '../../platform/node.ts'
import { stateLimits } from '../../src/state/schema.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
let dir: string
let stores = 0
const freshStore = (): FileStore => new FileStore(join(dir, `store-${stores++}`))

beforeAll(async () => {
  server = await startServer()
  dir = await mkdtemp(join(tmpdir(), 'fetch-session-guarantees-'))
})

afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

/** `count` cookies of `size` bytes (name and value) spread over `sites` registrable domains. */
function fill(jar: CookieJar, count: number, size: number, sites: number): void {
  for (let i = 0; i < count; i++) {
    const name = `c${i}`
    jar.set(name, 'v'.repeat(size - name.length), { domain: `site${i % sites}.example` })
  }
}

describe('the writer and the reader agree', () => {
  it('a jar within its default limits saves and loads back (1,500 cookies of 4,000 bytes, 6 MiB)', async () => {
    const store = freshStore()
    const s = new Session({ trustEnv: false })
    fill(s.cookies, 1500, 4000, 10)
    expect(s.cookies.size).toBe(1500)
    await s.save(store, 'big')
    expect((await store.get('big'))!.length).toBeGreaterThan(6_000_000)
    const again = await Session.load(store, 'big')
    expect(again!.cookies.size).toBe(1500)
    expect(again!.cookies.get('c1499', { domain: 'site9.example' })).toHaveLength(3995)
    // And the loaded session saves again (the check is against the revision it loaded).
    await expect(again!.save(store, 'big')).resolves.toBe(2)
  }, 60_000)

  it('a jar over the state limit fails to save with a clear error; the stored copy stays', async () => {
    const store = freshStore()
    const s = new Session({
      trustEnv: false,
      cookies: new CookieJar({ maxCookies: Infinity, maxCookiesPerDomain: Infinity }),
    })
    fill(s.cookies, 10, 100, 1)
    await s.save(store, 'me')
    const before = await store.get('me')
    fill(s.cookies, 12_000, 40, 10)
    expect(s.cookies.size).toBeGreaterThan(stateLimits.maxCookies)
    const error = await s.save(store, 'me').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionStateError)
    expect((error as SessionStateError).path).toBe('cookies.cookies')
    expect((error as Error).message).toBe(
      `cookies.cookies: too many cookies: ${s.cookies.size}, the limit is 10000; the state cannot be saved (it could not be loaded back)`,
    )
    expect(await store.get('me')).toBe(before)
    // toJSON refuses the same state: nothing is written that fromJSON would refuse.
    expect(() => s.toJSON()).toThrow(SessionStateError)
    // The stored copy still loads, and the session saves again once it is within the limits.
    expect((await Session.load(store, 'me'))!.cookies.size).toBe(10)
    s.cookies.clear()
    await expect(s.save(store, 'me')).resolves.toBe(2)
  }, 60_000)

  it('state over the size limit fails to save before anything is written', async () => {
    const store = freshStore()
    const s = new Session({
      trustEnv: false,
      cookies: new CookieJar({ maxCookies: Infinity, maxCookiesPerDomain: Infinity }),
    })
    // 9,000 cookies of 4,000 bytes: within the cookie count, over 32 MiB of JSON.
    fill(s.cookies, 9000, 4000, 50)
    await expect(s.save(store, 'huge')).rejects.toThrow(
      /^state is too large: \d+ characters, the limit is 33554432; the state cannot be saved/,
    )
    expect(await store.get('huge')).toBeNull()
  }, 60_000)
})

describe('one session, one key: saves in order', () => {
  it('save() while autosave runs on the same key never conflicts, and close() resolves', async () => {
    const store = freshStore()
    const background: unknown[] = []
    const s = new Session({
      baseURL: server.origin,
      trustEnv: false,
      autosave: { store, key: 'me', debounce: 0, onError: (e) => background.push(e) },
    })
    const results: (number | unknown)[] = []
    for (let i = 0; i < 20; i++) {
      await s.get(`/cookies/set?c${i}=${i}`)
      // The autosave of this response starts after 0 ms; an explicit save lands around it.
      await new Promise((r) => setTimeout(r, i % 3))
      results.push(await s.save(store, 'me').catch((e: unknown) => e))
    }
    expect(results.filter((r) => typeof r !== 'number')).toEqual([])
    expect(background).toEqual([])
    await expect(s.close()).resolves.toBeUndefined()
    const again = await Session.load(store, 'me')
    expect(again!.cookies.size).toBe(20)
  }, 60_000)

  it('flush() is public: it writes a pending autosave now', async () => {
    const store = freshStore()
    const s = new Session({
      baseURL: server.origin,
      trustEnv: false,
      autosave: { store, key: 'me', debounce: 60_000 },
    })
    await s.get('/cookies/set?sid=1')
    expect(await store.get('me')).toBeNull()
    await s.flush()
    expect((await Session.load(store, 'me'))!.cookies.get('sid')).toBe('1')
    await s.close()
    await expect(new Session().flush()).resolves.toBeUndefined()
  })
})
