import { readFileSync } from 'node:fs'
import RedisMock from 'ioredis-mock'
import { Window } from 'happy-dom'
import { describe, expect, it } from 'vitest'
import { MemoryStore, WebStorageStore, type StorageLike } from '../../src/state/store.ts'
import { kvStore, type KVNamespaceLike } from '../fixtures/state/recipes/cloudflare-kv-store.ts'
import { redisStore, type RedisLike } from '../fixtures/state/recipes/redis-store.ts'
import { describeStoreContract } from '../fixtures/state/store-contract.ts'

/** An in-memory Workers KV namespace: get(key, 'text') and put(key, value, { expirationTtl }). */
class FakeKV implements KVNamespaceLike {
  readonly values = new Map<string, string>()
  readonly ttls = new Map<string, number | undefined>()
  get(key: string, type: 'text'): Promise<string | null> {
    if (type !== 'text') throw new TypeError('only text is used')
    return Promise.resolve(this.values.get(key) ?? null)
  }
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void> {
    if (typeof value !== 'string') throw new TypeError('KV values here are strings')
    if (options?.expirationTtl !== undefined && options.expirationTtl < 60) {
      throw new RangeError('KV rejects expirationTtl below 60 seconds')
    }
    this.values.set(key, value)
    this.ttls.set(key, options?.expirationTtl)
    return Promise.resolve()
  }
}

const localStorageOf = (): Storage => new Window().localStorage
// ioredis-mock shares data between instances of one host:port, so each test gets its own port.
let redisPort = 7000
const freshRedis = (): InstanceType<typeof RedisMock> => new RedisMock({ port: redisPort++ })

describeStoreContract('MemoryStore', () => new MemoryStore())
describeStoreContract(
  'WebStorageStore (happy-dom localStorage)',
  () => new WebStorageStore(localStorageOf()),
)
describeStoreContract('Cloudflare KV recipe', () => kvStore(new FakeKV()))
describeStoreContract('Redis recipe (ioredis-mock, Lua run by fengari)', () =>
  redisStore(freshRedis() as unknown as RedisLike),
)

describe('MemoryStore', () => {
  it('deletes a key', async () => {
    const store = new MemoryStore()
    await store.set('k', 'v')
    await store.delete('k')
    await expect(store.get('k')).resolves.toBeNull()
  })
})

describe('WebStorageStore', () => {
  it('prefixes keys so it shares localStorage with other code', async () => {
    const storage = localStorageOf()
    storage.setItem('k', 'someone else')
    const store = new WebStorageStore(storage)
    await store.set('k', 'mine')
    expect(storage.getItem('fetch-session:k')).toBe('mine')
    expect(storage.getItem('k')).toBe('someone else')
    await store.delete('k')
    expect(storage.getItem('fetch-session:k')).toBeNull()
  })

  it('takes a custom prefix', async () => {
    const storage = localStorageOf()
    await new WebStorageStore(storage, { prefix: 'app/' }).set('me', 'x')
    expect(storage.getItem('app/me')).toBe('x')
  })

  it('turns a throwing setItem (quota) into a rejection carrying the same error', async () => {
    const quota = new Error('The quota has been exceeded.')
    quota.name = 'QuotaExceededError'
    const storage: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw quota
      },
      removeItem: () => undefined,
    }
    const store = new WebStorageStore(storage)
    await expect(store.set('k', 'v')).rejects.toBe(quota)
    await expect(store.compareAndSet('k', null, 'v')).rejects.toBe(quota)
  })

  it.each<[string, unknown, string]>([
    [
      'undefined',
      undefined,
      'storage: expected a Storage (getItem/setItem/removeItem), got undefined',
    ],
    [
      'a Map',
      new Map(),
      'storage: expected a Storage (getItem/setItem/removeItem), got Map object',
    ],
    ['null', null, 'storage: expected a Storage (getItem/setItem/removeItem), got null'],
  ])('rejects %s as storage with a TypeError', (_, storage, message) => {
    expect(() => new WebStorageStore(storage as StorageLike)).toThrow(
      Object.assign(new TypeError(message), { field: 'storage' }),
    )
  })

  it('rejects a non-string prefix with a TypeError', () => {
    expect(() => new WebStorageStore(localStorageOf(), { prefix: 1 as unknown as string })).toThrow(
      Object.assign(new TypeError('options.prefix: expected a string, got number'), {
        field: 'options.prefix',
      }),
    )
  })
})

describe('recipes', () => {
  it('KV: stores under a prefix and passes expirationTtl through', async () => {
    const kv = new FakeKV()
    await kvStore(kv, { prefix: 'app:', expirationTtl: 3600 }).set('me', 'x')
    expect(kv.values.get('app:me')).toBe('x')
    expect(kv.ttls.get('app:me')).toBe(3600)
  })

  it('Redis: sets the expiry with EX on both plain and compare-and-set writes', async () => {
    const redis = freshRedis()
    const store = redisStore(redis as unknown as RedisLike, { ttlSeconds: 120 })
    await store.set('a', 'x')
    await store.compareAndSet!('b', null, 'y')
    expect(await redis.get('session:a')).toBe('x')
    expect(await redis.get('session:b')).toBe('y')
    expect(await redis.ttl('session:a')).toBeGreaterThan(0)
    expect(await redis.ttl('session:b')).toBeGreaterThan(0)
    await store.set('c', 'z')
    await redisStore(redis as unknown as RedisLike).set('d', 'w')
    expect(await redis.ttl('session:d')).toBe(-1)
  })
})

// The recipes in docs/saving.md must be the tested files (with the public import).
const docURL = new URL('../../docs/saving.md', import.meta.url)
describe('docs/saving.md recipes', () => {
  it.each(['cloudflare-kv-store.ts', 'redis-store.ts'])(
    'docs/saving.md carries %s verbatim',
    (file) => {
      const doc = readFileSync(docURL, 'utf8')
      const source = readFileSync(
        new URL(`../fixtures/state/recipes/${file}`, import.meta.url),
        'utf8',
      )
      const published = source.replace(
        "import type { StateStore } from '../../../../src/state/store.ts'",
        "import type { StateStore } from 'fetch-session'",
      )
      expect(doc).toContain('```ts\n' + published)
    },
  )
})
