// Saving and restoring real Node sessions against a loopback server: the public methods
// (toJSON, fromJSON, save, load) and the autosave option.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FileStore } from '../../platform/file-store.ts'
import {
  MemoryStore,
  Session,
  SessionStateError,
  StateConflictError,
  type StateStore,
} from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
let dir: string

beforeAll(async () => {
  server = await startServer()
  dir = await mkdtemp(join(tmpdir(), 'fetch-session-state-'))
})

afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

/** A store that records every write. */
function recordingStore(): StateStore & { writes: string[] } {
  const inner = new MemoryStore()
  const writes: string[] = []
  return {
    writes,
    get: (key) => inner.get(key),
    set: async (key, value) => {
      writes.push(value)
      await inner.set(key, value)
    },
  }
}

describe('toJSON / fromJSON on a Node session', () => {
  it('JSON.stringify(session) is the state, and fromJSON takes the text back', async () => {
    const s = new Session({ baseURL: server.origin, trustEnv: false, headers: { 'x-app': 'seed' } })
    await s.get('/cookies/set?sid=42')
    const text = JSON.stringify(s)
    expect(JSON.parse(text)).toEqual(s.toJSON())
    const restored = Session.fromJSON(text)
    expect(restored).toBeInstanceOf(Session)
    expect(await restored.get('/cookies').json()).toEqual({ sid: '42' })
    const echoed = await restored.get('/echo').json<{ headers: Record<string, string> }>()
    expect(echoed.headers['x-app']).toBe('seed')
    await Promise.all([s.close(), restored.close()])
  })

  it('a session inside a larger document serialises as its state', () => {
    const s = new Session({ trustEnv: false })
    const doc = JSON.parse(JSON.stringify({ user: 'sharat', session: s })) as { session: unknown }
    expect(doc.session).toEqual(s.toJSON())
  })

  it('Session.fromJSON throws SessionStateError with the path, and builds nothing', () => {
    const state = new Session({ trustEnv: false }).toJSON() as unknown as Record<string, unknown>
    expect(() => Session.fromJSON({ ...state, maxRedirects: '5' } as never)).toThrow(
      new SessionStateError('maxRedirects', 'expected integer >= 0, got string'),
    )
  })
})

describe('save / load', () => {
  it('saves to a file store and loads with hooks given back', async () => {
    const store = new FileStore(dir)
    const s = new Session({ baseURL: server.origin, trustEnv: false })
    s.hooks.response.push(() => undefined)
    await s.get('/cookies/set?a=1')
    await expect(s.save(store, 'alice')).resolves.toBe(1)
    expect(JSON.parse((await store.get('alice'))!)).toMatchObject({
      omitted: ['hooks.response[0]'],
    })

    const seen: string[] = []
    const loaded = await Session.load(store, 'alice', {
      hooks: { response: [({ response }) => void seen.push(response.url)] },
    })
    expect(loaded).toBeInstanceOf(Session)
    expect(await loaded!.get('/cookies').json()).toEqual({ a: '1' })
    expect(seen).toEqual([`${server.origin}/cookies`])
    await expect(loaded!.save(store, 'alice')).resolves.toBe(2)
    await expect(s.save(store, 'alice')).rejects.toBeInstanceOf(StateConflictError)
    await Promise.all([s.close(), loaded!.close()])
  })

  it('load resolves null for an unknown key', async () => {
    await expect(Session.load(new FileStore(dir), 'nobody')).resolves.toBeNull()
  })
})

describe('autosave', () => {
  it('persists after a response that changed the jar, not after one that did not', async () => {
    const store = recordingStore()
    const s = new Session({
      baseURL: server.origin,
      trustEnv: false,
      autosave: { store, key: 'me', debounce: 0 },
    })
    await s.get('/echo')
    await s.get('/cookies/set?fresh=1')
    await vi.waitFor(() => expect(store.writes).toHaveLength(1))
    expect(store.writes[0]).toContain('"fresh"')
    await s.close()
    expect(store.writes).toHaveLength(2)
    const loaded = await Session.load(store, 'me')
    expect(loaded!.cookies.get('fresh')).toBe('1')
  })

  it('saves on close even when no response changed the jar, and await using closes', async () => {
    const store = recordingStore()
    {
      await using s = new Session({
        trustEnv: false,
        autosave: { store, key: 'k', debounce: 60_000 },
      })
      s.headers.set('x-set-late', 'yes')
    }
    expect(store.writes).toHaveLength(1)
    expect(store.writes[0]).toContain('x-set-late')
  })

  it('cookies from every redirect hop are autosaved', async () => {
    const store = recordingStore()
    const s = new Session({
      baseURL: server.origin,
      trustEnv: false,
      autosave: { store, key: 'k' },
    })
    await s.get('/chain/2')
    await s.close()
    const loaded = await Session.load(store, 'k')
    expect(loaded!.cookies.getCookieString(`${server.origin}/`)).toBe('hop2=1; hop1=1')
  })

  it('rejects a bad autosave option when the session is built', () => {
    expect(() => new Session({ autosave: { store: {} as StateStore, key: 'k' } })).toThrow(
      Object.assign(
        new TypeError(
          'autosave.store: expected an object with get() and set() methods, got object',
        ),
        { field: 'autosave.store' },
      ),
    )
  })

  it('close() rejects with the error of the final save, and the session is closed anyway', async () => {
    const failing: StateStore = {
      get: () => Promise.resolve(null),
      set: () => Promise.reject(new Error('read-only store')),
    }
    const s = new Session({ trustEnv: false, autosave: { store: failing, key: 'k' } })
    await expect(s.close()).rejects.toThrow('read-only store')
    await expect(s.get('http://127.0.0.1:1/')).rejects.toMatchObject({ name: 'ClosedSessionError' })
  })
})
