// FileStore across processes: the lock file makes compareAndSet atomic between processes (and
// runtimes), so two writers of one key never both succeed; a writer killed with SIGKILL
// leaves neither a lock that blocks the next one nor a temporary file with its secrets.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore } from '../../platform/file-store.ts'
import { Session } from '../../platform/node.ts'
import { bundleForNode, racerScript, stopAllWorkers, worker } from '../fixtures/state/processes.ts'

let root: string
let libURL: string
let storeURL: string
let dirs = 0
const freshDir = (): string => join(root, `store-${dirs++}`)
const children = new Set<ChildProcess>()

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fetch-session-file-lock-'))
  // The children run the real Session and FileStore, compiled from the TypeScript sources;
  // Deno and Bun get FileStore alone.
  libURL = await bundleForNode(
    root,
    'lib',
    `export { Session, StateConflictError } from './platform/node.ts'
export { FileStore } from './platform/file-store.ts'`,
  )
  storeURL = await bundleForNode(root, 'file-store', `export * from './platform/file-store.ts'`)
})

afterAll(async () => {
  stopAllWorkers()
  for (const child of children) child.kill('SIGKILL')
  await rm(root, { recursive: true, force: true })
})

const lib = (): string => libURL

/** The process id of a child that has exited (so `kill(pid, 0)` answers ESRCH). */
function exitedPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''])
    child.once('error', reject)
    child.once('exit', () => resolve(child.pid!))
  })
}

describe('FileStore: two processes, one key', () => {
  it('exactly one of four simultaneous savers wins; the others get StateConflictError', async () => {
    const dir = freshDir()
    const store = new FileStore(dir)
    await new Session().save(store, 'shared')
    const storeExpr = `new lib.FileStore(${JSON.stringify(dir)})`
    const workers = Array.from({ length: 4 }, (_, id) => worker(racerScript(lib(), storeExpr, id)))
    const deadPid = await exitedPid()
    try {
      for (let trial = 0; trial < 12; trial++) {
        await Promise.all(workers.map((w) => w.ask(`load ${trial}`)))
        if (trial % 3 === 2) {
          // A dead process's lock: all four find it and break it at once; still one winner.
          const lock = { pid: deadPid, host: hostname(), time: Date.now(), nonce: 'dead' }
          await writeFile(`${store.path('shared')}.lock`, JSON.stringify(lock))
        }
        // All four hold the same revision; now they save at once.
        const results = await Promise.all(workers.map((w) => w.ask('save')))
        expect(results.sort()).toEqual(['conflict', 'conflict', 'conflict', 'won'])
        // The stored session is the winner's: its cookie is there.
        const saved = await Session.load(store, 'shared')
        const mine = (id: number): string | undefined => saved?.cookies.get(`w${id}-${trial}`)
        expect([0, 1, 2, 3].filter((id) => mine(id) === 'x')).toHaveLength(1)
      }
    } finally {
      for (const w of workers) w.stop()
    }
  }, 60_000)

  it('load → modify → save, retried on conflict, loses no committed cookie', async () => {
    const dir = freshDir()
    const store = new FileStore(dir)
    await new Session().save(store, 'shared')
    const perWorker = 25
    const script = (id: number): string => `
      import { createInterface } from 'node:readline'
      import { FileStore, Session, StateConflictError } from ${lib()}
      const store = new FileStore(${JSON.stringify(dir)})
      for await (const _ of createInterface({ input: process.stdin })) {
        let conflicts = 0
        for (let i = 0; i < ${perWorker}; i++) {
          for (;;) {
            const s = await Session.load(store, 'shared')
            s.cookies.set('w${id}-' + i, 'x', { domain: 'example.test' })
            try {
              await s.save(store, 'shared')
              break
            } catch (e) {
              if (!(e instanceof StateConflictError)) throw e
              conflicts++
            }
          }
        }
        console.log(String(conflicts))
      }`
    const workers = Array.from({ length: 3 }, (_, id) => worker(script(id)))
    try {
      const conflicts = (await Promise.all(workers.map((w) => w.ask('go')))).map(Number)
      const saved = await Session.load(store, 'shared')
      const names = new Set(saved!.cookies.toJSON().cookies.map((c) => c.name))
      const missing = workers.flatMap((_, id) =>
        Array.from({ length: perWorker }, (_, i) => `w${id}-${i}`).filter((n) => !names.has(n)),
      )
      expect(missing).toEqual([])
      expect(names.size).toBe(3 * perWorker)
      // The workers did collide (otherwise this proves nothing), and every commit counted once.
      expect(conflicts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
      const text = await store.get('shared')
      expect((JSON.parse(text!) as { revision: number }).revision).toBe(1 + 3 * perWorker)
    } finally {
      for (const w of workers) w.stop()
    }
  }, 120_000)
})

describe('FileStore: writers killed with SIGKILL', () => {
  const padLength = 2 * 1024 * 1024

  /** A child that saves complete documents in a loop until it is killed. */
  function startWriter(dir: string): Promise<() => Promise<void>> {
    const script = `
      import { FileStore } from ${lib()}
      const store = new FileStore(${JSON.stringify(dir)})
      const pad = 'secret'.repeat(${padLength / 6})
      for (let n = 1; ; n++) {
        await store.set('state', JSON.stringify({ n, pad }))
        if (n === 1) process.stdout.write('wrote\\n')
      }`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    children.add(child)
    return new Promise((resolve, reject) => {
      child.once('error', reject)
      child.stdout.once('data', () => {
        resolve(
          () =>
            new Promise((done) => {
              child.once('exit', () => done())
              child.kill('SIGKILL')
              children.delete(child)
            }),
        )
      })
    })
  }

  it('the next save removes the dead writer’s lock and temporary files; nothing else is left', async () => {
    const dir = freshDir()
    const store = new FileStore(dir)
    let leftTemp = 0
    let leftLock = 0
    // Where a kill lands is luck, so keep killing until one has left a temp file and one a lock
    // (the proof below), checking the next save's clean-up after every kill.
    for (let round = 0; leftTemp === 0 || leftLock === 0; round++) {
      expect(round, 'no kill landed inside a write in 60 rounds').toBeLessThan(60)
      const kill = await startWriter(dir)
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 30)))
      await kill()
      const after = await readdir(dir)
      if (after.some((f) => f.endsWith('.tmp'))) leftTemp++
      if (after.includes('state.json.lock')) leftLock++
      // The dead writer's pid answers ESRCH: its lock is broken at once, not after 30 s.
      const started = Date.now()
      await store.set('state', JSON.stringify({ n: 0, round }))
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(await readdir(dir)).toEqual(['state.json'])
    }
    // Proof that kills landed inside writes (temp file written, not yet renamed; lock held).
    expect(leftTemp).toBeGreaterThan(0)
    expect(leftLock).toBeGreaterThan(0)
  }, 120_000)

  it('waits for a live owner’s lock and gives up after lockTimeout', async () => {
    const dir = freshDir()
    const store = new FileStore(dir, { lockTimeout: 300 })
    await store.set('k', 'v0')
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'])
    children.add(sleeper)
    try {
      const lock = { pid: sleeper.pid, host: hostname(), time: Date.now(), nonce: 'other' }
      await writeFile(`${store.path('k')}.lock`, JSON.stringify(lock))
      await expect(store.compareAndSet('k', 'v0', 'v1')).rejects.toThrow(
        `is held by process ${String(sleeper.pid)}; gave up after 300 ms`,
      )
      await expect(store.get('k')).resolves.toBe('v0')
    } finally {
      sleeper.kill('SIGKILL')
      children.delete(sleeper)
    }
  })

  it('breaks a lock older than staleLockMs whose owner it cannot check (another host)', async () => {
    const dir = freshDir()
    const store = new FileStore(dir, { staleLockMs: 1_000, lockTimeout: 5_000 })
    await store.set('k', 'v0')
    const lockFile = `${store.path('k')}.lock`
    const lock = { pid: 1, host: 'elsewhere.invalid', time: 0, nonce: 'other' }
    await writeFile(lockFile, JSON.stringify(lock))
    const old = new Date(Date.now() - 60_000)
    await utimes(lockFile, old, old)
    await expect(store.compareAndSet('k', 'v0', 'v1')).resolves.toBe(true)
    expect(await readdir(dir)).toEqual(['k.json'])
  })
})

describe('FileStore lock on Deno and Bun', () => {
  it('Node, Deno and Bun processes incrementing one counter lose no increment', async () => {
    const dir = freshDir()
    const store = new FileStore(dir)
    await store.set('counter', '0')
    const rounds = 15
    const script = join(root, 'counter.mjs')
    await writeFile(
      script,
      `import { FileStore } from ${storeURL}
      const store = new FileStore(${JSON.stringify(dir)})
      let retries = 0
      for (let i = 0; i < ${rounds}; i++) {
        for (;;) {
          const text = await store.get('counter')
          if (await store.compareAndSet('counter', text, String(Number(text) + 1))) break
          retries++
        }
      }
      console.log(retries)`,
    )
    const bin = (name: string): string =>
      fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url))
    const runs: [string, string[]][] = [
      [process.execPath, [script]],
      [bin('deno'), ['run', '-A', script]],
      [bin('bun'), [script]],
      [bin('deno'), ['run', '-A', script]],
      [bin('bun'), [script]],
    ]
    const outputs = await Promise.all(
      runs.map(
        ([cmd, args]) =>
          new Promise<string>((resolve, reject) => {
            const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] })
            children.add(child)
            let out = ''
            child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
            child.once('error', reject)
            child.once('exit', (code) => {
              children.delete(child)
              if (code === 0) resolve(out.trim())
              else reject(new Error(`${cmd} exited with ${String(code)}`))
            })
          }),
      ),
    )
    expect(await store.get('counter')).toBe(String(runs.length * rounds))
    // They did contend (retries happened somewhere), or the count proves nothing.
    expect(outputs.map(Number).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
  }, 120_000)
})
