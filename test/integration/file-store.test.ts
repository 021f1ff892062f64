import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FileStore } from '../../platform/file-store.ts'
import { describeStoreContract } from '../fixtures/state/store-contract.ts'

const run = promisify(execFile)
let root: string
let bundled: string
let dirs = 0
const freshDir = (): string => join(root, `store-${dirs++}`)

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'fetch-session-file-store-'))
  // The crash test's child process runs the real FileStore, compiled from the TypeScript source.
  bundled = join(root, 'file-store.mjs')
  await build({
    entryPoints: [new URL('../../platform/file-store.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundled,
    logLevel: 'silent',
  })
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describeStoreContract('FileStore', () => new FileStore(freshDir()))

/** The error `invalid()` makes: the message and the `field` path. */
function fieldError(type: ErrorConstructor, message: string, field: string): Error {
  return Object.assign(new type(message), { field })
}

describe('FileStore files', () => {
  it('keeps one <key>.json per key, readable as plain JSON', async () => {
    const dir = freshDir()
    const store = new FileStore(dir)
    await store.set('sharat', '{"version":1}')
    expect(store.path('sharat')).toBe(join(dir, 'sharat.json'))
    await expect(readFile(join(dir, 'sharat.json'), 'utf8')).resolves.toBe('{"version":1}')
  })

  it('creates the file 0600 and a missing directory 0700 (saved state is a credential)', async () => {
    const dir = join(freshDir(), 'nested')
    const store = new FileStore(dir)
    await store.set('k', 'v')
    expect((await stat(store.path('k'))).mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
  })

  it('takes the file mode as an option', async () => {
    const store = new FileStore(freshDir(), { mode: 0o640 })
    await store.set('k', 'v')
    expect((await stat(store.path('k'))).mode & 0o777).toBe(0o640)
  })

  it.each([
    ['../escape', '%2E%2E%2Fescape.json'],
    ['..', '%2E%2E.json'],
    ['a/b', 'a%2Fb.json'],
    ['.hidden', '%2Ehidden.json'],
    ['naïve key', 'na%C3%AFve%20key.json'],
  ])('encodes key %j as a file name inside the directory', (key, file) => {
    const dir = freshDir()
    expect(new FileStore(dir).path(key)).toBe(join(dir, file))
  })

  it('accepts a file: URL as the directory', async () => {
    const dir = freshDir()
    const store = new FileStore(pathToFileURL(dir))
    await store.set('k', 'v')
    await expect(readFile(join(dir, 'k.json'), 'utf8')).resolves.toBe('v')
  })

  it('leaves no temporary files behind after writes', async () => {
    const dir = freshDir()
    const store = new FileStore(dir)
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i % 3}`, `v${i}`)))
    expect((await readdir(dir)).sort()).toEqual(['k0.json', 'k1.json', 'k2.json'])
  })

  it('applies concurrent writes to one key in call order', async () => {
    const store = new FileStore(freshDir())
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set('k', `v${i}`)))
    await expect(store.get('k')).resolves.toBe('v9')
  })

  it('deletes a key and ignores deleting an absent one', async () => {
    const store = new FileStore(freshDir())
    await store.set('k', 'v')
    await store.delete('k')
    await store.delete('k')
    await expect(store.get('k')).resolves.toBeNull()
  })

  it('reports a read error other than "absent" instead of hiding it', async () => {
    const store = new FileStore(freshDir())
    // A directory where the file should be: EISDIR, not null.
    await mkdir(store.path('k'), { recursive: true })
    await expect(store.get('k')).rejects.toMatchObject({ code: 'EISDIR' })
  })

  it.each<[string, () => unknown, Error]>([
    [
      'a number directory',
      () => new FileStore(1 as unknown as string),
      fieldError(TypeError, 'directory: expected a string or a file: URL, got number', 'directory'),
    ],
    [
      'an empty directory',
      () => new FileStore(''),
      fieldError(TypeError, 'directory: expected a non-empty path, got string ""', 'directory'),
    ],
    [
      'mode 0o1000',
      () => new FileStore('x', { mode: 0o1000 }),
      fieldError(
        RangeError,
        'options.mode: expected permission bits 0..0o777, got 512',
        'options.mode',
      ),
    ],
    [
      'an empty key',
      () => new FileStore('x').path(''),
      fieldError(TypeError, 'key: expected a non-empty string, got string ""', 'key'),
    ],
    [
      'a long key',
      () => new FileStore('x').path('k'.repeat(201)),
      fieldError(
        RangeError,
        'key: expected at most 200 bytes once percent-encoded (a file name), got 201',
        'key',
      ),
    ],
  ])('rejects %s', (_, act, error) => {
    expect(act).toThrow(error)
  })

  it('rejects bad lock options, naming the field', () => {
    expect(() => new FileStore('x', { lockTimeout: -1 })).toThrow(
      expect.objectContaining({
        name: 'RangeError',
        field: 'options.lockTimeout',
        message: 'options.lockTimeout: expected a finite number >= 0, got -1',
      }),
    )
    expect(() => new FileStore('x', { staleLockMs: '5' as unknown as number })).toThrow(
      expect.objectContaining({ name: 'TypeError', field: 'options.staleLockMs' }),
    )
  })

  it('rejects a non-string value with a TypeError', async () => {
    await expect(new FileStore(freshDir()).set('k', 1 as unknown as string)).rejects.toThrow(
      fieldError(TypeError, 'value: expected a string, got number', 'value'),
    )
  })
})

describe('FileStore on other runtimes', () => {
  // node:fs/promises only, so the same file runs on Deno and Bun (binaries from their npm packages).
  it.each(['deno', 'bun'])(
    'works on %s',
    async (runtime) => {
      const dir = freshDir()
      const script = join(root, `${runtime}-check.mjs`)
      await writeFile(
        script,
        `import { FileStore } from ${JSON.stringify(pathToFileURL(bundled).href)}
      const store = new FileStore(${JSON.stringify(dir)})
      await store.set('k', 'v1')
      const swapped = await store.compareAndSet('k', 'v1', 'v2')
      console.log(JSON.stringify([await store.get('k'), swapped, await store.get('none')]))`,
      )
      const bin = fileURLToPath(new URL(`../../node_modules/.bin/${runtime}`, import.meta.url))
      const args = runtime === 'deno' ? ['run', '-A', script] : [script]
      const { stdout } = await run(bin, args)
      expect(JSON.parse(stdout)).toEqual(['v2', true, null])
      expect((await stat(join(dir, 'k.json'))).mode & 0o777).toBe(0o600)
    },
    60_000,
  )
})

// issue 5 item 5: "a process killed mid-write leaves the previous file intact".
describe('FileStore crash safety', () => {
  const padLength = 4 * 1024 * 1024

  /** A child that writes complete documents {n, pad} in a loop, as fast as it can. */
  function startWriter(dir: string): Promise<{ kill: () => Promise<void>; written: () => number }> {
    const script = `
      import { FileStore } from ${JSON.stringify(pathToFileURL(bundled).href)}
      const store = new FileStore(${JSON.stringify(dir)})
      const previous = await store.get('state')
      let n = previous === null ? 0 : JSON.parse(previous).n
      const pad = 'x'.repeat(${padLength})
      process.stdout.write('ready\\n')
      for (;;) {
        n += 1
        await store.set('state', JSON.stringify({ n, pad }))
        process.stdout.write('wrote ' + n + '\\n')
      }`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let count = 0
    return new Promise((resolve, reject) => {
      child.once('error', reject)
      child.stdout.setEncoding('utf8')
      child.stdout.on('data', (chunk: string) => {
        count += chunk.split('\n').filter((l) => l.startsWith('wrote')).length
        if (chunk.includes('ready')) {
          resolve({
            written: () => count,
            kill: () =>
              new Promise((done) => {
                child.once('exit', () => done())
                child.kill('SIGKILL')
              }),
          })
        }
      })
    })
  }

  it('a writer killed at random moments always leaves a complete document', async () => {
    const dir = freshDir()
    const store = new FileStore(dir)
    let lastSeen = 0
    let interrupted = 0
    let rounds = 0
    // Kill at random moments until at least three kills have landed inside a write (between
    // creating the temp file and the rename). Where a kill lands is luck: on a fast disk most of
    // a cycle is spent outside the temp file, so the loop keeps going rather than counting on
    // a fixed number of rounds; every round checks the document either way.
    while (interrupted < 3) {
      expect(rounds, 'no kill landed inside a write in 60 rounds').toBeLessThan(60)
      rounds++
      const writer = await startWriter(dir)
      // Let it write at least one document, then kill it wherever it is.
      while (writer.written() < 1) await new Promise((r) => setTimeout(r, 2))
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)))
      await writer.kill()

      const files = await readdir(dir)
      if (files.some((f) => f.endsWith('.tmp'))) interrupted++
      const text = await store.get('state')
      expect(text).not.toBeNull()
      const doc = JSON.parse(text!) as { n: number; pad: string }
      expect(doc.pad).toHaveLength(padLength)
      expect(doc.n).toBeGreaterThan(lastSeen)
      lastSeen = doc.n
    }
    expect(interrupted).toBeGreaterThanOrEqual(3)
  }, 120_000)
})
