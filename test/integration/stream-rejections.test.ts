// lines() / events() taken from a request that fails, and never iterated, must not leave an
// unhandled rejection behind (Node ends the process on one): the error waits for next().
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClosedSessionError, ConnectionError, Session } from '../../platform/node.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

async function closedURL(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/`
}

/** Lets Node run its unhandled-rejection check (it runs after the microtasks of a macrotask). */
async function macrotasks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve))
}

let unhandled: unknown[] = []
const record = (reason: unknown): void => {
  unhandled.push(reason)
}
beforeEach(() => {
  unhandled = []
  process.on('unhandledRejection', record)
})
afterEach(() => {
  process.off('unhandledRejection', record)
})

describe('lines() and events() that are never iterated', () => {
  it.each(['lines', 'events'] as const)(
    '%s() on a refused connection: no unhandled rejection; next() throws',
    async (method) => {
      const url = await closedURL()
      let failed!: () => void
      const failure = new Promise<void>((resolve) => (failed = resolve))
      const s = new Session({ hooks: { error: [() => failed()] } })
      const stream = s.get(url)[method]()
      await failure
      await macrotasks(5)
      expect(unhandled).toEqual([])
      await expect(stream[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(ConnectionError)
      await s.close()
    },
  )

  describe('a request in flight when the session closes', () => {
    let server: TestServer
    beforeEach(async () => {
      server = await startServer({
        '/hang': () => {
          // Never answers: close() ends the request.
        },
      })
    })
    afterEach(async () => {
      await server.close()
    })

    it.each(['lines', 'events'] as const)('%s()', async (method) => {
      const s = new Session()
      const stream = s.get(server.url('/hang'))[method]()
      await macrotasks(2)
      await s.close()
      await macrotasks(5)
      expect(unhandled).toEqual([])
      await expect(stream[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(ClosedSessionError)
    })
  })
})
