/**
 * `fetch-session/file-store`: a `StateStore` that keeps one JSON file per key in a directory.
 * Uses only `node:fs/promises`, so it runs on Node, Deno and Bun.
 *
 * Writes are atomic: the text goes to a temporary file in the same directory, is fsync'ed,
 * renamed over the target (POSIX rename(2) replaces atomically), and the directory is fsync'ed
 * so the rename itself survives a power loss. A process killed at any point leaves either the
 * previous file or the new one, never a torn mix; the temporary file it may leave behind is
 * removed by the next write of that key. Files are created with mode 0600 and the directory
 * with 0700: saved sessions are credentials.
 *
 * Writers of one key exclude each other across processes with a lock file, `<key>.json.lock`,
 * created with `O_CREAT | O_EXCL` (`'wx'`), which the file system grants to exactly one
 * creator. The lock is held across read-compare-write, so `compareAndSet` is atomic between
 * every process (and every runtime) that uses `FileStore` on that directory. A lock whose
 * owner has died (same host, its process id gone) or that is older than `staleLockMs` is
 * broken, under a second exclusive file so that two processes never break it both.
 * @module
 */
import { randomBytes } from 'node:crypto'
import {
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import type { StateStore } from '../src/state/store.ts'
import { invalid } from '../src/util/validate.ts'
// Re-exported so the bundled types of this entry declare nothing they do not export.
export type { StateStore }

/** Options of `new FileStore(directory, options)`. */
export interface FileStoreOptions {
  /** Permission bits of new files. Default `0o600` (owner read/write only). */
  mode?: number | undefined
  /**
   * How long a writer waits for another process's lock on the same key before it fails, in
   * milliseconds. Default 10,000.
   */
  lockTimeout?: number | undefined
  /**
   * Age in milliseconds after which a lock is taken to be abandoned even when its owner cannot
   * be seen to have died (another host, a sandbox that cannot signal). Default 30,000. A save
   * holds the lock only for one read and one write, normally milliseconds.
   */
  staleLockMs?: number | undefined
}

// One queue per file across every FileStore of this process: the lock file excludes other
// processes, this queue the other writers of this process (which share its pid).
const queues = new Map<string, Promise<unknown>>()

function serialise<T>(file: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve()
  const run = previous.then(task, task)
  const tail = run.catch(() => undefined)
  queues.set(file, tail)
  void tail.then(() => {
    if (queues.get(file) === tail) queues.delete(file)
  })
  return run
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '')
}

function checkMillis(value: unknown, field: string): number {
  if (typeof value !== 'number') throw invalid(`options.${field}`, 'milliseconds', value)
  if (!Number.isFinite(value) || value < 0) {
    throw invalid(`options.${field}`, 'a finite number >= 0', value, { range: true })
  }
  return value
}

/** Saved sessions are credentials: a stale lock names only a process, never a key's content. */
interface LockOwner {
  pid: number
  host: string
  time: number
  nonce: string
}

/** A lock file as read: its owner (undefined while the owner is still writing it), text, age. */
interface HeldLock {
  owner: LockOwner | undefined
  text: string
  age: number
}

let thisHost: string | undefined
function ownHost(): string {
  // Deno needs --allow-sys for the host name; without it, stale locks are judged by age only.
  try {
    thisHost ??= hostname()
  } catch {
    thisHost = ''
  }
  return thisHost
}

/** `false` only when the owner is known to be gone: same host, and its pid answers ESRCH. */
function ownerAlive(owner: LockOwner): boolean {
  if (owner.host === '' || owner.host !== ownHost()) return true
  if (owner.pid === process.pid) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    // EPERM: alive under another user. Anything else (Deno without --allow-run): unknown.
    return !isErrno(error, 'ESRCH')
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Saves sessions as `<directory>/<key>.json`, atomically, with writers of one key serialised
 * across processes.
 * @example
 * import { FileStore } from 'fetch-session/file-store'
 * const store = new FileStore('.sessions')
 * await s.save(store, 'sharat')
 * const again = await Session.load(store, 'sharat')
 */
export class FileStore implements StateStore {
  /** The directory holding the files. */
  readonly directory: string
  /**
   * `file:` and the resolved directory: two `FileStore`s over one directory are one
   * destination, so a session's saves through either run one at a time (see `StateStore`).
   */
  readonly identity: string
  readonly #mode: number
  readonly #lockTimeout: number
  readonly #staleLockMs: number

  constructor(directory: string | URL, options: FileStoreOptions = {}) {
    if (typeof directory !== 'string' && !(directory instanceof URL)) {
      throw invalid('directory', 'a string or a file: URL', directory)
    }
    if (directory === '') throw invalid('directory', 'a non-empty path', directory)
    const mode = options.mode ?? 0o600
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
      throw invalid('options.mode', 'permission bits 0..0o777', mode, { range: true })
    }
    this.directory = resolve(directory instanceof URL ? fileURLToPath(directory) : directory)
    this.identity = `file:${this.directory}`
    this.#mode = mode
    this.#lockTimeout = checkMillis(options.lockTimeout ?? 10_000, 'lockTimeout')
    this.#staleLockMs = checkMillis(options.staleLockMs ?? 30_000, 'staleLockMs')
  }

  /**
   * The file that holds `key`: the key percent-encoded (so `/`, `..` and the like cannot leave
   * the directory, and no name contains a dot) plus `.json`.
   * @throws {TypeError} for an empty key; {RangeError} when the file name would exceed 255 bytes.
   */
  path(key: string): string {
    return join(this.directory, `${this.#name(key)}.json`)
  }

  #name(key: string): string {
    if (typeof key !== 'string' || key === '') {
      throw invalid('key', 'a non-empty string', key)
    }
    const name = encodeURIComponent(key).replace(
      /[!'()*~.]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )
    // Leave room for the temporary file's prefix and suffix (255 bytes is the common limit).
    if (name.length > 200)
      throw invalid('key', 'at most 200 bytes once percent-encoded (a file name)', name.length, {
        range: true,
      })
    return name
  }

  /** Reads the file for `key`, or `null` when there is none. Takes no lock: renames are atomic. */
  async get(key: string): Promise<string | null> {
    try {
      return await readFile(this.path(key), 'utf8')
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null
      throw error
    }
  }

  /** Replaces the file for `key` atomically, under the key's lock. */
  set(key: string, value: string): Promise<void> {
    if (typeof value !== 'string') return Promise.reject(badValue(value))
    return this.#locked(key, (file) => this.#write(key, file, value))
  }

  /**
   * Writes only when the file still holds `expected` (`null`: absent). Atomic across
   * processes: the key's lock is held from the read to the rename.
   * @throws {Error} when another process holds the lock longer than `lockTimeout`.
   */
  compareAndSet(key: string, expected: string | null, value: string): Promise<boolean> {
    if (typeof value !== 'string') return Promise.reject(badValue(value))
    return this.#locked(key, async (file) => {
      if ((await this.get(key)) !== expected) return false
      await this.#write(key, file, value)
      return true
    })
  }

  /** Removes the file for `key`, if any, under the key's lock. */
  delete(key: string): Promise<void> {
    return this.#locked(key, async (file) => {
      try {
        await unlink(file)
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error
      }
    })
  }

  #locked<T>(key: string, task: (file: string) => Promise<T>): Promise<T> {
    const file = this.path(key)
    return serialise(file, async () => {
      await mkdir(this.directory, { recursive: true, mode: 0o700 })
      const lock = `${file}.lock`
      const nonce = await this.#acquire(lock)
      try {
        return await task(file)
      } finally {
        await this.#release(lock, nonce)
      }
    })
  }

  /** Creates `lock` exclusively, waiting for a live owner and breaking a dead one's. */
  async #acquire(lock: string): Promise<string> {
    const nonce = randomBytes(12).toString('hex')
    const owner: LockOwner = { pid: process.pid, host: ownHost(), time: Date.now(), nonce }
    const deadline = Date.now() + this.#lockTimeout
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      if (await this.#create(lock, JSON.stringify(owner))) return nonce
      const held = await this.#readLock(lock)
      if (held && this.#stale(held) && (await this.#break(lock, held))) continue
      if (Date.now() >= deadline) {
        const who = held?.owner ? `process ${held.owner.pid}` : 'another writer'
        throw new Error(
          `FileStore: ${lock} is held by ${who}; gave up after ${this.#lockTimeout} ms`,
        )
      }
      await sleep(wait + Math.random() * wait)
    }
  }

  /**
   * `true` when this call created `path` holding `content`; `false` when it exists. The text is
   * written aside and hard-linked into place (link(2) fails with EEXIST like `O_EXCL`), so the
   * file never exists half-written: a process killed here leaves no unreadable lock. Without
   * hard links (some network and FAT file systems), an `O_EXCL` create and a write.
   */
  async #create(path: string, content: string): Promise<boolean> {
    const aside = `${path}.${randomBytes(6).toString('hex')}`
    await writeFile(aside, content, { flag: 'wx', mode: 0o600 })
    try {
      await link(aside, path)
      return true
    } catch (error) {
      // ENOENT: a lock holder cleaned our aside file up as abandoned; try again.
      if (isErrno(error, 'EEXIST', 'ENOENT')) return false
      if (!isErrno(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV')) throw error
    } finally {
      await unlink(aside).catch(() => undefined)
    }
    let handle: FileHandle
    try {
      handle = await open(path, 'wx', 0o600)
    } catch (error) {
      if (isErrno(error, 'EEXIST')) return false
      throw error
    }
    try {
      await handle.writeFile(content, 'utf8')
    } finally {
      await handle.close()
    }
    return true
  }

  /** The lock's owner (undefined while it is being written) and age, or null when gone. */
  async #readLock(lock: string): Promise<HeldLock | null> {
    try {
      const [text, info] = await Promise.all([readFile(lock, 'utf8'), stat(lock)])
      let owner: LockOwner | undefined
      try {
        const parsed: unknown = JSON.parse(text)
        const ok = typeof parsed === 'object' && parsed !== null && 'nonce' in parsed
        owner = ok ? (parsed as LockOwner) : undefined
      } catch {
        owner = undefined
      }
      return { owner, text, age: Date.now() - info.mtimeMs }
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null
      throw error
    }
  }

  #stale(held: HeldLock): boolean {
    if (held.age > this.#staleLockMs) return true
    return held.owner !== undefined && !ownerAlive(held.owner)
  }

  /**
   * Removes a stale lock. Two processes may judge it stale at once; the one that creates
   * `<lock>.break` first re-reads the lock and removes it only if it is still the one judged
   * stale, so a fresh lock taken in between is never removed. A `.break` file left by a
   * process killed in these few lines is removed once it is older than `staleLockMs`.
   */
  async #break(lock: string, judged: { text: string }): Promise<boolean> {
    const breaker = `${lock}.break`
    if (!(await this.#create(breaker, JSON.stringify({ pid: process.pid })))) {
      const info = await stat(breaker).catch(() => undefined)
      if (info && Date.now() - info.mtimeMs > this.#staleLockMs) {
        await unlink(breaker).catch(() => undefined)
      }
      return false
    }
    try {
      const now = await this.#readLock(lock)
      if (now?.text !== judged.text) return false
      await unlink(lock).catch(() => undefined)
      return true
    } finally {
      await unlink(breaker).catch(() => undefined)
    }
  }

  async #release(lock: string, nonce: string): Promise<void> {
    // Only our own lock: if it was broken as stale and retaken, it is someone else's now.
    const held = await this.#readLock(lock)
    if (held?.owner?.nonce === nonce) await unlink(lock).catch(() => undefined)
  }

  /** Runs under the key's lock, so every temporary file of this key is a dead writer's. */
  async #write(key: string, file: string, value: string): Promise<void> {
    const name = this.#name(key)
    await this.#removeTemporaries(name)
    // Same directory as the target: rename(2) is only atomic within one file system.
    const temp = join(this.directory, `.${name}.json.${randomBytes(8).toString('hex')}.tmp`)
    let handle: FileHandle | undefined
    try {
      handle = await open(temp, 'wx', this.#mode)
      await handle.writeFile(value, 'utf8')
      await handle.sync()
      await handle.close()
      handle = undefined
      await rename(temp, file)
    } catch (error) {
      await handle?.close().catch(() => undefined)
      await unlink(temp).catch(() => undefined)
      throw error
    }
    await syncDirectory(this.directory)
  }

  /**
   * Removes `.<name>.json.<random>.tmp` files, left by a writer killed before its rename, and
   * lock files written aside (`<name>.json.lock.<random>`). We hold the lock, so an aside file
   * can only belong to a process killed while it asked for the lock, or to one that is asking
   * now and would get EEXIST anyway: without its aside file its link(2) fails with ENOENT and
   * it simply asks again (`#create`). Either way the file can go, even half-written.
   */
  async #removeTemporaries(name: string): Promise<void> {
    const temporary = `.${name}.json.`
    const aside = `${name}.json.lock.`
    for (const entry of await readdir(this.directory)) {
      const path = join(this.directory, entry)
      if (entry.startsWith(temporary) && entry.endsWith('.tmp')) {
        await unlink(path).catch(() => undefined)
      } else if (entry.startsWith(aside)) {
        await unlink(path).catch(() => undefined)
      }
    }
  }
}

function badValue(value: unknown): TypeError {
  return invalid('value', 'a string', value)
}

// fsync(2) on the directory makes the rename durable (ext4, xfs). Windows cannot open a
// directory, and some file systems refuse to sync one; the rename is still atomic there.
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(directory, 'r')
    await handle.sync()
  } catch (error) {
    if (!isErrno(error, 'EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES', 'ENOTSUP')) throw error
  } finally {
    await handle?.close().catch(() => undefined)
  }
}
