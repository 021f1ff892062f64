// `npm run demo` (issue 7): the seed article's story end to end, run as a user runs it, and
// the embedded server's own rules (Basic auth, a name, the session cookie).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without type declarations
import { startDemoServer } from '../../scripts/demo/server.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

/** Runs the demo with `PATH`; resolves with its stdout (rejects on a non-zero exit). */
async function demo(path: string): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'scripts/demo.mjs')], {
    cwd: root,
    timeout: 120_000,
    // if-missing: never rebuild dist/ under the other integration files running in parallel.
    env: { ...process.env, PATH: path, DEMO_BUILD: 'if-missing', NO_COLOR: '1' },
  })
  return stdout
}

describe('npm run demo', () => {
  it('logs in, persists the cookie, restores it in a second process and hands it to curl', async () => {
    const out = await demo(process.env.PATH ?? '')
    const lines = out.split('\n').map((l) => l.trim())
    expect(lines).toContain('→ 200 Logged in as sharat (without auth: 401 Unauthorized)')
    expect(out).toMatch(/→ the jar now holds session=[0-9a-f]{8}…/)
    // Step 2: the cookie persists; step 3: a fresh session is a guest.
    const step2 = out.slice(
      out.indexOf('2. The cookie persists'),
      out.indexOf('3. A fresh session'),
    )
    expect(step2).toContain('→ You are sharat')
    const step3 = out.slice(out.indexOf('3. A fresh session'), out.indexOf('4. Save the session'))
    expect(step3).toContain('→ You are a guest')
    expect(out).toMatch(/→ \S+sharat\.json \(state version 1, 1 cookie\)/)
    // Step 5: a different process id, still logged in.
    const restored = /→ process (\d+) restored http:\/\/127\.0\.0\.1:\d+: You are sharat/.exec(out)
    expect(restored).not.toBeNull()
    expect(Number(restored?.[1])).not.toBe(process.pid)
    // Step 6: curl with the Netscape file is sharat; without it, a guest.
    const step6 = out.slice(out.indexOf('6. curl reads'), out.indexOf('7. The command line'))
    expect(step6.match(/→ .*/g)).toEqual(['→ You are sharat', '→ You are a guest'])
    // Step 7: the command line continues the session the library saved.
    const step7 = out.slice(out.indexOf('7. The command line'))
    expect(step7).toMatch(
      /npx fetch-session --session \S+sharat\.json http:\/\/127\.0\.0\.1:\d+\/whoami/,
    )
    expect(step7.match(/→ .*/g)).toEqual(['→ You are sharat'])
    expect(out.trimEnd().endsWith('Done.')).toBe(true)
  }, 120_000)

  describe('without curl on PATH', () => {
    let bin: string
    beforeAll(async () => {
      // A PATH holding only node and npm: the demo must skip the curl step, not fail.
      bin = await mkdtemp(join(tmpdir(), 'demo-path-'))
      await symlink(process.execPath, join(bin, 'node'))
      await symlink(join(dirname(process.execPath), 'npm'), join(bin, 'npm'))
    })
    afterAll(() => rm(bin, { recursive: true, force: true }))

    it('skips the curl step and still completes', async () => {
      const out = await demo(bin)
      expect(out).toContain('→ skipped: curl is not installed')
      expect(out).not.toContain('curl -s -b')
      expect(out).toMatch(/→ process \d+ restored .*: You are sharat/)
      expect(out.slice(out.indexOf('7. The command line'))).toContain('→ You are sharat')
      expect(out.trimEnd().endsWith('Done.')).toBe(true)
    }, 120_000)
  })
})

describe('the demo server', () => {
  let server: { url: string; close(): Promise<void> }
  const basic = `Basic ${Buffer.from('user:pass').toString('base64')}`
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  beforeAll(async () => {
    server = (await startDemoServer()) as typeof server
  })
  afterAll(() => server.close())

  it.each([
    ['no Authorization header', undefined],
    ['a wrong password', `Basic ${Buffer.from('user:nope').toString('base64')}`],
    ['a non-Basic scheme', 'Bearer user:pass'],
  ])('refuses a login with %s (401 and a Basic challenge)', async (_label, authorization) => {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { ...form, ...(authorization ? { authorization } : {}) },
      body: 'name=sharat',
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="demo"')
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('refuses a login without a name (400)', async () => {
    const res = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { ...form, authorization: basic },
      body: '',
    })
    expect(res.status).toBe(400)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('a login sets an opaque HttpOnly session cookie that /whoami recognises', async () => {
    const login = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: { ...form, authorization: basic },
      body: 'name=sharat',
    })
    const [cookie] = login.headers.getSetCookie()
    expect(cookie).toMatch(/^session=[0-9a-f]{24}; Path=\/; HttpOnly; SameSite=Lax$/)
    const pair = cookie!.split(';')[0]!
    expect(await (await fetch(`${server.url}/whoami`, { headers: { cookie: pair } })).text()).toBe(
      'You are sharat',
    )
    expect(
      await (await fetch(`${server.url}/whoami`, { headers: { cookie: 'session=forged' } })).text(),
    ).toBe('You are a guest')
  })

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404)
  })
})
