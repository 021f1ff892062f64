// The Redis recipe against a real redis-server (Debian's package), started by the test on a
// free loopback port without persistence: the StateStore contract, and processes racing to
// save one key through the recipe's Lua compare-and-set.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { redisStore } from '../fixtures/state/recipes/redis-store.ts'
import { bundleForNode, racerScript, stopAllWorkers, worker } from '../fixtures/state/processes.ts'
import { describeStoreContract } from '../fixtures/state/store-contract.ts'
import { redisServer } from '../helpers/tools.ts'

let server: ChildProcess
let port: number
let dir: string
let lib: string
const clients: Redis[] = []
let prefixes = 0

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

const client = (): Redis => {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: false })
  clients.push(redis)
  return redis
}

beforeAll(async () => {
  port = await freePort()
  server = spawn(
    redisServer(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  // Ready when it answers PING.
  const probe = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null })
  probe.on('error', () => undefined) // refused until the server listens
  await probe.ping()
  probe.disconnect()
  dir = await mkdtemp(join(tmpdir(), 'fetch-session-redis-'))
  lib = await bundleForNode(
    dir,
    'lib',
    `export { Session, StateConflictError } from './platform/node.ts'
export { redisStore } from './test/fixtures/state/recipes/redis-store.ts'
export { default as Redis } from 'ioredis'`,
  )
}, 60_000)

afterAll(async () => {
  stopAllWorkers()
  for (const redis of clients) redis.disconnect()
  server?.kill('SIGKILL')
  if (dir) await rm(dir, { recursive: true, force: true })
})

describeStoreContract('Redis recipe (redis-server)', () =>
  redisStore(client(), { prefix: `contract${prefixes++}:` }),
)

describe('Redis recipe: processes racing on one key', () => {
  it('exactly one of four simultaneous savers wins; the others get StateConflictError', async () => {
    const store = redisStore(client(), { prefix: 'race:' })
    await new Session().save(store, 'shared')
    const storeExpr = `lib.redisStore(new lib.Redis({ host: '127.0.0.1', port: ${port} }), { prefix: 'race:' })`
    const workers = Array.from({ length: 4 }, (_, id) => worker(racerScript(lib, storeExpr, id)))
    try {
      for (let trial = 0; trial < 10; trial++) {
        expect(await Promise.all(workers.map((w) => w.ask(`load ${trial}`)))).toEqual(
          Array(4).fill('loaded'),
        )
        const results = await Promise.all(workers.map((w) => w.ask('save')))
        expect(results.sort()).toEqual(['conflict', 'conflict', 'conflict', 'won'])
        const saved = await Session.load(store, 'shared')
        const mine = (id: number): string | undefined => saved?.cookies.get(`w${id}-${trial}`)
        expect([0, 1, 2, 3].filter((id) => mine(id) === 'x')).toHaveLength(1)
      }
      const text = (await client().get('race:shared'))!
      expect((JSON.parse(text) as { revision: number }).revision).toBe(11)
    } finally {
      for (const w of workers) w.stop()
    }
  }, 60_000)
})
