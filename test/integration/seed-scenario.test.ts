// issue 5 item 8, the seeds' story: log in once, save the session to a file, and a NEW Node
// process that loads it is still recognised, while a fresh session is a guest.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore } from '../../platform/file-store.ts'
import { Session } from '../../platform/node.ts'
import { bundleForChild } from '../fixtures/state/bundle.ts'
import { parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'

const run = promisify(execFile)
const users: Record<string, string> = { sharat: 'correct horse' }
const sessions = new Map<string, string>() // token -> user name

let server: TestServer
let dir: string
let child: { dir: string; node: string; fileStore: string }

beforeAll(async () => {
  server = await startServer({
    '/login': (req, res) => {
      const [scheme, encoded] = (req.headers.authorization ?? '').split(' ')
      const [name, password] = Buffer.from(encoded ?? '', 'base64')
        .toString('utf8')
        .split(':')
      if (scheme !== 'Basic' || !name || users[name] !== password) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="seed"' }).end('Who are you?')
        return
      }
      const token = randomUUID()
      sessions.set(token, name)
      res.writeHead(200, { 'set-cookie': `session=${token}; Path=/; HttpOnly` }).end('Welcome')
    },
    '/whoami': (req, res) => {
      const name = sessions.get(parseCookieHeader(req.headers.cookie).session ?? '')
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(name ? `You are ${name}` : 'You are a guest')
    },
  })
  dir = await mkdtemp(join(tmpdir(), 'fetch-session-seed-'))
  child = await bundleForChild()
})

afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
  await rm(child.dir, { recursive: true, force: true })
})

/** Runs `node` on a script in a fresh process; resolves its stdout lines. */
async function inNewProcess(script: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '' },
  })
  return stdout.trim().split('\n')
}

describe('the seed scenario', () => {
  it('a new Node process restores the login from a file, while a fresh session is a guest', async () => {
    const s = new Session({ baseURL: server.origin, trustEnv: false })
    expect(await s.get('/whoami').text()).toBe('You are a guest')
    const denied = await s.get('/login', { auth: ['sharat', 'wrong'] })
    expect(denied.status).toBe(401)
    const login = await s.get('/login', { auth: ['sharat', 'correct horse'] })
    expect(login.status).toBe(200)
    expect(await s.get('/whoami').text()).toBe('You are sharat')
    await expect(s.save(new FileStore(dir), 'sharat')).resolves.toBe(1)
    await s.close()
    // Plain versioned JSON, readable only by its owner.
    const file = new FileStore(dir).path('sharat')
    const state = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
    expect(state).toMatchObject({ version: 1, revision: 1, baseURL: server.origin, auth: null })
    expect((await stat(file)).mode & 0o777).toBe(0o600)

    const lines = await inNewProcess(`
      import { Session } from ${JSON.stringify(pathToFileURL(child.node).href)}
      import { FileStore } from ${JSON.stringify(pathToFileURL(child.fileStore).href)}
      const restored = await Session.load(new FileStore(${JSON.stringify(dir)}), 'sharat')
      console.log(await restored.get('/whoami').text())
      const fresh = new Session({ baseURL: ${JSON.stringify(server.origin)}, trustEnv: false })
      console.log(await fresh.get('/whoami').text())
      console.log(process.pid)
      await restored.close(); await fresh.close()`)
    expect(lines.slice(0, 2)).toEqual(['You are sharat', 'You are a guest'])
    expect(Number(lines[2])).not.toBe(process.pid)
  })

  it('the login survives a round trip through JSON.stringify in the same process too', async () => {
    const s = new Session({ baseURL: server.origin, trustEnv: false })
    await s.get('/login', { auth: ['sharat', 'correct horse'] })
    const restored = Session.fromJSON(JSON.stringify(s))
    expect(await restored.get('/whoami').text()).toBe('You are sharat')
    await Promise.all([s.close(), restored.close()])
  })
})
