// The `fetch-session` bin from the packed tarball, run the three ways a user runs it:
// `npx fetch-session`, `bunx fetch-session` and `deno run -A npm:fetch-session`, one session
// carried from each to the next.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, parseCookieHeader, startServer, type TestServer } from '../helpers/server.ts'
import { bunBin, childEnv, denoBin, prepareScratch, type Scratch } from './harness.ts'

const { version: packageVersion } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string }
let scratch: Scratch
let server: TestServer

beforeAll(async () => {
  ;[scratch, server] = await Promise.all([
    prepareScratch(),
    startServer({
      '/login': (_req, res) => json(res, { ok: true }, 200, { 'set-cookie': 'sid=abc; Path=/' }),
      '/whoami': (req, res) =>
        json(res, { sid: parseCookieHeader(req.headers.cookie).sid ?? null }),
    }),
  ])
})
afterAll(async () => {
  await server?.close()
  await scratch?.dispose()
})

/** Runs a command in the scratch project without blocking the server; resolves with its output. */
function run(command: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = command
    const child = spawn(file as string, args, {
      cwd: scratch.dir,
      env: childEnv({ XDG_CONFIG_HOME: join(scratch.dir, 'config') }),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('the fetch-session bin', () => {
  it('npx logs in; bunx and deno run npm: continue the saved session', async () => {
    const login = await run([
      'npx',
      '--no-install',
      'fetch-session',
      '--session',
      'u',
      server.url('/login'),
    ])
    expect([login.code, login.stdout]).toEqual([0, '{"ok":true}'])
    const runners = {
      npx: ['npx', '--no-install', 'fetch-session'],
      bunx: [bunBin, 'x', 'fetch-session'],
      deno: [denoBin, 'run', '-A', 'npm:fetch-session'],
    }
    for (const [name, runner] of Object.entries(runners)) {
      const me = await run([...runner, '--session', 'u', server.url('/whoami')])
      expect([name, me.code, me.stdout]).toEqual([name, 0, '{"sid":"abc"}'])
      const version = await run([...runner, '--version'])
      expect([name, version.stdout]).toEqual([name, `${packageVersion}\n`])
    }
  }, 120_000)
})
