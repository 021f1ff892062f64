// A session's saves are serialised per destination, not per store object: the saving docs'
// own autosave example builds its FileStore inline, and a later `s.save(new FileStore(dir), key)`
// to the same directory must queue behind the autosave, not conflict with it.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore } from '../../platform/file-store.ts'
import { Session } from '../../platform/node.ts'
import { knownRevision } from '../../src/state/store.ts'
import { startServer, type TestServer } from '../helpers/server.ts'

let server: TestServer
let root: string
let n = 0
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fetch-session-identity-'))
  server = await startServer({
    '/cookie': (_req, res) => {
      res.setHeader('set-cookie', `c${n++}=1; Path=/`)
      res.end('ok')
    },
  })
})
afterAll(async () => {
  await server.close()
  await rm(root, { recursive: true, force: true })
})

describe('two FileStore objects over one directory are one destination', () => {
  it('have the same identity, and a different directory has another', () => {
    const dir = join(root, 'same')
    expect(new FileStore(dir).identity).toBe(new FileStore(`${dir}/./`).identity)
    expect(new FileStore(dir).identity).not.toBe(new FileStore(join(root, 'other')).identity)
  })

  it('explicit saves through a new FileStore never conflict with autosave through another', async () => {
    const dir = join(root, 'autosave')
    const background: unknown[] = []
    const s = new Session({
      baseURL: server.origin,
      autosave: {
        store: new FileStore(dir),
        key: 'me',
        debounce: 0,
        onError: (e) => background.push(e),
      },
    })
    const start = n
    const failures: unknown[] = []
    for (let i = 0; i < 20; i++) {
      await s.get('/cookie')
      await new Promise((resolve) => setTimeout(resolve, i % 3))
      await s.save(new FileStore(dir), 'me').catch((e: unknown) => failures.push(e))
    }
    await s.close()
    expect(failures).toEqual([])
    expect(background).toEqual([])
    const again = await Session.load(new FileStore(dir), 'me')
    expect(again?.cookies.size).toBe(n - start)
    // The revision is known for the directory, whichever object asks.
    expect(knownRevision(s, new FileStore(dir), 'me')).toBeGreaterThan(0)
  })
})
