// Every program in examples/ runs as a reader would run it, from a copy of its folder in a
// scratch project (fetch-session resolved through the package's exports to dist/), against a
// real httpbin on loopback: Node, Deno, Bun, a Worker under workerd with a KV namespace, a
// page in Chromium, and python-requests handing its session over and taking it back.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../browser/chromium.ts'
import {
  bunBin,
  childEnv,
  denoBin,
  ensureBuilt,
  repoRoot,
  runOrThrow,
  workerdBin,
} from '../runtimes/harness.ts'
import { freePort } from '../runtimes/smoke-server.ts'
import { bundleWorker } from '../runtimes/workerd.ts'
import { python, startHttpbin, type Httpbin } from './httpbin.ts'
import { scratchProject, type Scratch } from './scratch.ts'

let httpbin: Httpbin
const scratches: Scratch[] = []

beforeAll(async () => {
  await ensureBuilt()
  httpbin = await startHttpbin()
})

afterAll(async () => {
  await httpbin?.close()
  await Promise.all(scratches.map((s) => s.dispose()))
})

async function project(example: string): Promise<string> {
  const scratch = await scratchProject(example)
  scratches.push(scratch)
  return scratch.dir
}

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv =>
  childEnv({ HTTPBIN: httpbin.origin, NODE_NO_WARNINGS: '1', ...extra })

describe('examples/', () => {
  it('every example folder has a test here', () => {
    const tested = ['node', 'deno', 'bun', 'worker', 'browser', 'python-handoff']
    const folders = readdirSync(join(repoRoot, 'examples'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
    expect(folders.sort()).toEqual([...tested].sort())
  })

  it('node: login-and-save.mjs logs in and saves; restore.mjs, another process, is still logged in', async () => {
    const dir = await project('node')
    const options = { cwd: dir, env: env({ SESSIONS_DIR: join(dir, 'saved') }) }
    const login = await runOrThrow(process.execPath, ['login-and-save.mjs'], options)
    expect(login.stdout).toContain('logged in: logged-in-as-ada')
    expect(login.stdout).toContain('saved revision 1')
    expect(existsSync(join(dir, 'saved/demo.json'))).toBe(true)
    const restore = await runOrThrow(process.execPath, ['restore.mjs'], options)
    expect(restore.stdout.trim()).toBe('still logged in: logged-in-as-ada as node-example')
  })

  it('deno: main.ts with npm:fetch-session', async () => {
    const dir = await project('deno')
    const result = await runOrThrow(
      denoBin,
      ['run', '--allow-net', '--allow-env=HTTPBIN', 'main.ts'],
      { cwd: dir, env: env({ DENO_DIR: join(dir, '.deno') }), timeout: 120_000 },
    )
    expect(result.stdout.trim().split('\n')).toEqual(['200 true', 'deno-1 deno'])
  })

  it('bun: main.ts posts, saves to a FileStore and loads it back', async () => {
    const dir = await project('bun')
    const result = await runOrThrow(bunBin, ['main.ts'], { cwd: dir, env: env() })
    expect(result.stdout.trim().split('\n')).toEqual([
      '{"hello":"bun"} bun bun',
      '{"cookies":{"session":"bun-1"}}',
    ])
  })

  it('python-handoff: requests logs in, fetch-session continues, requests takes it back', async () => {
    const dir = await project('python-handoff')
    const options = { cwd: dir, env: env() }
    const login = await runOrThrow(python(), ['login.py'], options)
    expect(login.stdout.trim()).toBe("python logged in, cookies: ['session']")
    const js = await runOrThrow(process.execPath, ['continue.mjs'], options)
    expect(js.stdout.trim()).toBe("javascript sends: { session: 'from-python' }")
    const back = await runOrThrow(python(), ['back.py'], options)
    expect(back.stdout.trim()).toBe(
      "python sends: {'seen_by': 'javascript', 'session': 'from-python'}",
    )
  })

  it('worker: the session survives between invocations in a KV namespace (workerd)', async () => {
    const dir = await project('worker')
    // Bundled as wrangler does: the `workerd` condition picks the package's workerd build.
    await bundleWorker(dir)
    // workerd turns KV calls into HTTP requests to the service behind the binding
    // (GET/PUT/DELETE https://fake-host/<key>); this one keeps the values in memory.
    await writeFile(
      join(dir, 'kv.mjs'),
      `const values = new Map()
export default {
  async fetch(request) {
    const key = decodeURIComponent(new URL(request.url).pathname.slice(1))
    if (request.method === 'PUT') { values.set(key, await request.text()); return new Response('') }
    if (request.method === 'DELETE') { values.delete(key); return new Response('') }
    return values.has(key) ? new Response(values.get(key)) : new Response('', { status: 404 })
  },
}
`,
    )
    const port = await freePort()
    await writeFile(
      join(dir, 'example.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .example),
    (name = "kv", worker = .kv),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const example :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed "worker.bundle.mjs")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
  bindings = [
    (name = "SESSIONS", kvNamespace = "kv"),
    (name = "HTTPBIN", text = ${JSON.stringify(httpbin.origin)}),
  ],
);
const kv :Workerd.Worker = (
  modules = [(name = "kv", esModule = embed "kv.mjs")],
  compatibilityDate = "2025-09-01",
);
`,
    )
    const child = spawn(workerdBin, ['serve', 'example.capnp'], {
      cwd: dir,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c))
    try {
      const invoke = async (): Promise<unknown> => {
        for (let attempt = 0; ; attempt++) {
          try {
            const response = await fetch(`http://127.0.0.1:${port}/`)
            const text = await response.text()
            if (!response.ok)
              throw new Error(`worker answered ${response.status}: ${text}\n${output}`)
            return JSON.parse(text)
          } catch (error) {
            const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'
            if (!refused || attempt >= 150 || child.exitCode !== null) throw error
            await new Promise((r) => setTimeout(r, 100))
          }
        }
      }
      expect(await invoke()).toEqual({ visits: '1', platform: 'workerd' })
      expect(await invoke()).toEqual({ visits: '2', platform: 'workerd' })
    } finally {
      child.kill()
    }
  }, 120_000)

  it('browser: the page logs in and the browser sends the cookie back (Chromium)', async () => {
    const dir = await project('browser')
    const server = spawn(process.execPath, ['server.mjs'], {
      cwd: dir,
      env: env({ PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    server.stderr.setEncoding('utf8').on('data', (c: string) => (output += c))
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout.setEncoding('utf8').on('data', (c: string) => {
        output += c
        const m = /listening on (\S+)/.exec(output)
        if (m) resolve(m[1]!)
      })
      server.on('exit', (code) =>
        reject(new Error(`server.mjs exited ${String(code)}:\n${output}`)),
      )
    })
    const browser = await launchChromium()
    try {
      const page = await browser.context.newPage()
      await page.goto(url)
      await page.waitForFunction(() => document.querySelector('#out')?.textContent !== '…')
      expect(await page.textContent('#out')).toBe('logged in as ada (browser)')
    } finally {
      await browser.close()
      server.kill()
    }
  }, 120_000)
})
