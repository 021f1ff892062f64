import { describe, expect, it } from 'vitest'
import { Autosave, checkAutosaveOptions } from '../../src/state/autosave.ts'
import { SessionStateError, StateConflictError } from '../../src/errors.ts'
import type { Session } from '../../src/session.ts'
import type { SessionClassLike } from '../../src/state/schema.ts'
import {
  knownRevision,
  loadSession,
  MemoryStore,
  saveSession,
  WebStorageStore,
  type StateStore,
} from '../../src/state/store.ts'
import { mockSession } from '../helpers/test-session.ts'

const cls = (s: Session): SessionClassLike<Session> =>
  s.constructor as unknown as SessionClassLike<Session>

/** A session whose transport sets the cookie named in the path: /set/NAME=VALUE. */
function cookieSession(): Session {
  return mockSession((request) => {
    const match = /\/set\/(.+)$/.exec(new URL(request.url).pathname)
    const headers = new Headers()
    if (match) headers.append('set-cookie', `${decodeURIComponent(match[1]!)}; Path=/`)
    return new Response('ok', { headers })
  }).session
}

/** A store without compareAndSet, to exercise the read-compare-write path. */
function plainStore(): StateStore & { writes: number } {
  const map = new Map<string, string>()
  return {
    writes: 0,
    get: (key) => Promise.resolve(map.get(key) ?? null),
    set(key, value) {
      this.writes++
      map.set(key, value)
      return Promise.resolve()
    },
  }
}

describe('saveSession / loadSession', () => {
  it('saves under a key and loads an equal session of the same class', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    s.headers.set('x-a', '1')
    await s.get('https://a.test/set/sid=1')
    await expect(saveSession(s, store, 'me')).resolves.toBe(1)
    const again = await loadSession(cls(s), store, 'me')
    expect(again).toBeInstanceOf(s.constructor)
    expect(again!.headers.get('x-a')).toBe('1')
    expect(again!.cookies.getCookieString('https://a.test/')).toBe('sid=1')
  })

  it('resolves null for a key that was never saved', async () => {
    const s = cookieSession()
    await expect(loadSession(cls(s), new MemoryStore(), 'nobody')).resolves.toBeNull()
  })

  it('writes a valid state document with its revision next to the version', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    await saveSession(s, store, 'me')
    await saveSession(s, store, 'me')
    const text = (await store.get('me'))!
    expect(text.startsWith('{"version":1,"revision":2,')).toBe(true)
  })

  it('numbers revisions on from whatever the store holds, even for a new session', async () => {
    const store = new MemoryStore()
    await saveSession(cookieSession(), store, 'k')
    await saveSession(cookieSession(), store, 'k')
    await expect(saveSession(cookieSession(), store, 'k')).resolves.toBe(3)
  })

  it('remembers the revision a session loaded or saved', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    expect(knownRevision(s, store, 'k')).toBeUndefined()
    await saveSession(s, store, 'k')
    expect(knownRevision(s, store, 'k')).toBe(1)
    const loaded = (await loadSession(cls(s), store, 'k'))!
    expect(knownRevision(loaded, store, 'k')).toBe(1)
    expect(knownRevision(loaded, new MemoryStore(), 'k')).toBeUndefined()
  })

  it.each([
    ['with compareAndSet', () => new MemoryStore()],
    ['with get/set only', () => plainStore()],
  ])('refuses a save that would overwrite another writer (%s)', async (_, makeStore) => {
    // issue 5 item 6: two workers load revision 1; both log in to different things.
    const store = makeStore()
    await saveSession(cookieSession(), store, 'shared')
    const a = (await loadSession(cls(cookieSession()), store, 'shared'))!
    const b = (await loadSession(cls(cookieSession()), store, 'shared'))!
    a.mount('https://', {
      fetch: () => Promise.resolve(new Response('', { headers: { 'set-cookie': 'a=1' } })),
    })
    b.mount('https://', {
      fetch: () => Promise.resolve(new Response('', { headers: { 'set-cookie': 'b=1' } })),
    })
    await a.get('https://x.test/')
    await b.get('https://x.test/')
    await expect(saveSession(a, store, 'shared')).resolves.toBe(2)
    const conflict = await saveSession(b, store, 'shared').catch((e: unknown) => e)
    expect(conflict).toBeInstanceOf(StateConflictError)
    expect(conflict).toBeInstanceOf(SessionStateError)
    expect(conflict).toMatchObject({ key: 'shared', expected: 1, actual: 2 })
    expect((conflict as Error).message).toBe(
      'State "shared" changed since it was read: expected revision 1, found 2',
    )
    // b's cookie was not written over a's: a's survives in the store.
    const stored = (await loadSession(cls(a), store, 'shared'))!
    expect(stored.cookies.getCookieString('https://x.test/')).toBe('a=1')
    // The loser recovers by loading again, redoing its change and saving.
    const retry = (await loadSession(cls(b), store, 'shared'))!
    retry.cookies.setCookie('b=1', 'https://x.test/')
    await expect(saveSession(retry, store, 'shared')).resolves.toBe(3)
    const both = (await loadSession(cls(a), store, 'shared'))!
    expect(both.cookies.getCookieString('https://x.test/')).toBe('a=1; b=1')
  })

  it('detects a writer that slipped in between the read and the write (compareAndSet)', async () => {
    const inner = new MemoryStore()
    let interfere = false
    const store: StateStore = {
      get: (k) => inner.get(k),
      set: (k, v) => inner.set(k, v),
      async compareAndSet(k, expected, v) {
        if (interfere)
          await inner.set(k, JSON.stringify({ ...JSON.parse((await inner.get(k))!), revision: 9 }))
        return inner.compareAndSet(k, expected, v)
      },
    }
    const s = cookieSession()
    await saveSession(s, store, 'k')
    interfere = true
    await expect(saveSession(s, store, 'k')).rejects.toMatchObject({ expected: 1, actual: 9 })
  })

  it('ifVersion: null requires the key to be absent', async () => {
    const store = new MemoryStore()
    await expect(saveSession(cookieSession(), store, 'new', { ifVersion: null })).resolves.toBe(1)
    await expect(
      saveSession(cookieSession(), store, 'new', { ifVersion: null }),
    ).rejects.toMatchObject({
      expected: null,
      actual: 1,
    })
  })

  it('an explicit ifVersion wins over the remembered one, and force skips the check', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    await saveSession(s, store, 'k') // 1
    await saveSession(cookieSession(), store, 'k') // 2, by someone else
    await expect(saveSession(s, store, 'k')).rejects.toBeInstanceOf(StateConflictError)
    await expect(saveSession(s, store, 'k', { ifVersion: 2 })).resolves.toBe(3)
    await saveSession(cookieSession(), store, 'k') // 4
    await expect(saveSession(s, store, 'k', { force: true })).resolves.toBe(5)
  })

  it('saves without credentials when asked', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    s.auth = ['u', 'secret']
    await saveSession(s, store, 'k', { secrets: false })
    expect(await store.get('k')).not.toContain('secret')
  })

  it('reports unreadable stored text with its path when a revision check needs it', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    await saveSession(s, store, 'k')
    await store.set('k', '{"version":1}')
    await expect(saveSession(s, store, 'k')).rejects.toThrow(
      new SessionStateError('baseURL', 'missing'),
    )
    await expect(loadSession(cls(s), store, 'k')).rejects.toThrow('baseURL: missing')
    // Without a check, a save replaces the garbage.
    await expect(saveSession(cookieSession(), store, 'k')).resolves.toBe(1)
  })

  it.each<[string, () => Promise<unknown>, string]>([
    [
      'a store without set',
      () => saveSession(cookieSession(), { get: () => Promise.resolve(null) } as never, 'k'),
      'store: expected an object with get() and set() methods, got object',
    ],
    [
      'a null store',
      () => loadSession(cls(cookieSession()), null as never, 'k'),
      'store: expected an object with get() and set() methods, got null',
    ],
    [
      'an empty key',
      () => saveSession(cookieSession(), new MemoryStore(), ''),
      'key: expected a non-empty string, got string ""',
    ],
    [
      'a numeric key',
      () => loadSession(cls(cookieSession()), new MemoryStore(), 1 as never),
      'key: expected a non-empty string, got number',
    ],
    [
      'options as a string',
      () => saveSession(cookieSession(), new MemoryStore(), 'k', 'x' as never),
      'save(options): expected an object, got string "x"',
    ],
    [
      'a negative ifVersion',
      () => saveSession(cookieSession(), new MemoryStore(), 'k', { ifVersion: -1 }),
      'save(options).ifVersion: expected an integer >= 0 or null, got -1',
    ],
  ])('rejects %s with a TypeError', async (_, act, message) => {
    const error: unknown = await act().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TypeError)
    expect((error as TypeError).message).toBe(message)
  })
})

describe('Autosave', () => {
  it('saves after a response that changed the jar, once per debounce window', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    const autosave = new Autosave(s, { store, key: 'me', debounce: 0 })
    await s.get('https://a.test/set/a=1')
    autosave.notify()
    await s.get('https://a.test/set/b=1')
    autosave.notify()
    await autosave.flush()
    const saved = (await loadSession(cls(s), store, 'me'))!
    expect(saved.cookies.getCookieString('https://a.test/')).toBe('a=1; b=1')
    expect(knownRevision(s, store, 'me')).toBe(1)
  })

  it('does not save when a response left the jar unchanged', async () => {
    const store = plainStore()
    const s = cookieSession()
    const autosave = new Autosave(s, { store, key: 'me', debounce: 0 })
    await s.get('https://a.test/plain')
    autosave.notify()
    expect(autosave.dirty).toBe(false)
    await autosave.flush()
    expect(store.writes).toBe(0)
  })

  it('notices a replaced jar', () => {
    const s = cookieSession()
    const autosave = new Autosave(s, { store: new MemoryStore(), key: 'me' })
    s.cookies = new (cls(s).platform.CookieJar)()
    expect(autosave.dirty).toBe(true)
  })

  it('saves the whole session on close, even without jar changes, and stops afterwards', async () => {
    const store = plainStore()
    const s = cookieSession()
    const autosave = new Autosave(s, { store, key: 'me', debounce: 60_000 })
    s.headers.set('x-late', '1')
    await autosave.close()
    expect(store.writes).toBe(1)
    expect(await store.get('me')).toContain('x-late')
    await s.get('https://a.test/set/c=1')
    autosave.notify()
    await autosave.close()
    await autosave.flush()
    expect(store.writes).toBe(1)
  })

  it('close() flushes a pending debounced save into one final write', async () => {
    const store = plainStore()
    const s = cookieSession()
    const autosave = new Autosave(s, { store, key: 'me', debounce: 60_000 })
    await s.get('https://a.test/set/a=1')
    autosave.notify()
    await autosave.close()
    expect(store.writes).toBe(1)
    expect(await store.get('me')).toContain('"a"')
  })

  it('gives background errors to onError', async () => {
    const store = new MemoryStore()
    const s = cookieSession()
    await saveSession(s, store, 'me')
    await saveSession(cookieSession(), store, 'me') // another writer
    const errors: unknown[] = []
    const autosave = new Autosave(s, {
      store,
      key: 'me',
      debounce: 0,
      onError: (e) => errors.push(e),
    })
    await s.get('https://a.test/set/a=1')
    autosave.notify()
    await autosave.flush()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(StateConflictError)
  })

  it('without onError, throws the first background error from flush() or close()', async () => {
    const failing: StateStore = {
      get: () => Promise.resolve(null),
      set: () => Promise.reject(new Error('disk full')),
    }
    const s = cookieSession()
    const autosave = new Autosave(s, { store: failing, key: 'me', debounce: 0 })
    await s.get('https://a.test/set/a=1')
    autosave.notify()
    await expect(autosave.flush()).rejects.toThrow('disk full')
    await expect(autosave.flush()).resolves.toBeUndefined()
    await expect(autosave.close()).rejects.toThrow('disk full')
  })

  it('keeps an error thrown by onError itself for flush()', async () => {
    const failing: StateStore = {
      get: () => Promise.resolve(null),
      set: () => Promise.reject(new Error('disk full')),
    }
    const s = cookieSession()
    const autosave = new Autosave(s, {
      store: failing,
      key: 'me',
      debounce: 0,
      onError: () => {
        throw new Error('handler broke')
      },
    })
    await s.get('https://a.test/set/a=1')
    autosave.notify()
    await expect(autosave.flush()).rejects.toThrow('handler broke')
  })

  it.each<[string, unknown, Error]>([
    ['not an object', 'x', new TypeError('autosave: expected an object, got string "x"')],
    [
      'without a store',
      { key: 'k' },
      new TypeError(
        'autosave.store: expected an object with get() and set() methods, got undefined',
      ),
    ],
    [
      'with an empty key',
      { store: new MemoryStore(), key: '' },
      new TypeError('autosave.key: expected a non-empty string, got string ""'),
    ],
    [
      'with a negative debounce',
      { store: new MemoryStore(), key: 'k', debounce: -1 },
      new RangeError('autosave.debounce: expected a finite number >= 0, got -1'),
    ],
    [
      'with a NaN debounce',
      { store: new MemoryStore(), key: 'k', debounce: Number.NaN },
      new RangeError('autosave.debounce: expected a finite number >= 0, got NaN'),
    ],
    [
      'with a debounce longer than a timer can wait',
      { store: new MemoryStore(), key: 'k', debounce: 2 ** 31 },
      new RangeError(
        'autosave.debounce: expected at most 2147483647 ms (about 24.8 days), got 2147483648',
      ),
    ],
    [
      'with secrets as a string',
      { store: new MemoryStore(), key: 'k', secrets: 'no' },
      new TypeError('autosave.secrets: expected a boolean, got string "no"'),
    ],
    [
      'with onError not a function',
      { store: new MemoryStore(), key: 'k', onError: 1 },
      new TypeError('autosave.onError: expected a function, got number'),
    ],
  ])('rejects options %s', (_, options, error) => {
    expect(() => checkAutosaveOptions(options)).toThrow(error.constructor as typeof Error)
    expect(() => checkAutosaveOptions(options)).toThrow(error.message)
  })
})

describe('destinations: a store identity', () => {
  /** A store object over a shared map, naming it by `identity`. */
  function over(map: Map<string, string>, identity?: string): StateStore {
    const store = {
      identity,
      get: (k: string) => Promise.resolve(map.get(k) ?? null),
      set: async (k: string, v: string) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        map.set(k, v)
      },
    }
    return store
  }

  it('two store objects with one identity share the queue and the known revision', async () => {
    const s = cookieSession()
    const map = new Map<string, string>()
    const saves = Array.from({ length: 10 }, () => saveSession(s, over(map, 'shared'), 'k'))
    expect(await Promise.all(saves)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(knownRevision(s, over(map, 'shared'), 'k')).toBe(10)
    // Without an identity a store object is its own destination.
    expect(knownRevision(s, over(map), 'k')).toBeUndefined()
  })

  it('two MemoryStores stay two destinations', async () => {
    const s = cookieSession()
    await saveSession(s, new MemoryStore(), 'k')
    expect(knownRevision(s, new MemoryStore(), 'k')).toBeUndefined()
  })

  it('two WebStorageStores over one Storage and prefix are one destination', () => {
    const items = new Map<string, string>()
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    }
    expect(new WebStorageStore(storage).identity).toBe(new WebStorageStore(storage).identity)
    expect(new WebStorageStore(storage).identity).not.toBe(
      new WebStorageStore(storage, { prefix: 'x:' }).identity,
    )
    expect(new WebStorageStore(storage).identity).not.toBe(
      new WebStorageStore({ ...storage }).identity,
    )
  })

  it('an identity that is not a non-empty string is a TypeError naming it', async () => {
    const s = cookieSession()
    const store = { ...over(new Map()), identity: 5 } as unknown as StateStore
    await expect(saveSession(s, store, 'k')).rejects.toThrow(/^store\.identity: expected/)
  })
})

describe('autosave.debounce at the timer limit', () => {
  it('takes 2147483647 ms, the longest timer, and the session constructor refuses one more', () => {
    expect(
      checkAutosaveOptions({ store: new MemoryStore(), key: 'k', debounce: 2 ** 31 - 1 }),
    ).toBeTruthy()
    expect(() =>
      mockSession(undefined, {
        autosave: { store: new MemoryStore(), key: 'k', debounce: 2 ** 31 },
      }),
    ).toThrow(/^autosave\.debounce: expected at most 2147483647 ms/)
  })
})
