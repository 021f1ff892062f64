/**
 * `fetch-session/file-store`: a `StateStore` that keeps one JSON file per key in a directory.
 * Uses only `node:fs/promises`, so it runs on Node, Deno and Bun.
 *
 * Writes are atomic: the text goes to a temporary file in the same directory, is fsync'ed,
 * renamed over the target (POSIX rename(2) replaces atomically), and the directory is fsync'ed
 * so the rename itself survives a power loss. A process killed at any point leaves either the
 * previous file or the new one, never a torn mix. Files are created with mode 0600 and the
 * directory with 0700: saved sessions are credentials.
 * @module
 */
import { randomUUID } from 'node:crypto'
import { mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StateStore } from '../src/state/store.ts'
import { invalid } from '../src/util/validate.ts'
// Re-exported so the bundled types of this entry declare nothing they do not export.
export type { StateStore }

/** Options of `new FileStore(directory, options)`. */
export interface FileStoreOptions {
  /** Permission bits of new files. Default `0o600` (owner read/write only). */
  mode?: number | undefined
}

// One queue per file across every FileStore of this process, so compareAndSet is atomic
// within the process. Across processes it is read-compare-rename (see README, concurrency).
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

/**
 * Saves sessions as `<directory>/<key>.json`, atomically.
 * @example
 * import { FileStore } from 'fetch-session/file-store'
 * const store = new FileStore('.sessions')
 * await s.save(store, 'sharat')
 * const again = await Session.load(store, 'sharat')
 */
export class FileStore implements StateStore {
  /** The directory holding the files. */
  readonly directory: string
  readonly #mode: number

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
    this.#mode = mode
  }

  /**
   * The file that holds `key`: the key percent-encoded (so `/`, `..` and the like cannot leave
   * the directory) plus `.json`.
   * @throws {TypeError} for an empty key; {RangeError} when the file name would exceed 255 bytes.
   */
  path(key: string): string {
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
    return join(this.directory, `${name}.json`)
  }

  /** Reads the file for `key`, or `null` when there is none. */
  async get(key: string): Promise<string | null> {
    try {
      return await readFile(this.path(key), 'utf8')
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null
      throw error
    }
  }

  /** Replaces the file for `key` atomically. */
  set(key: string, value: string): Promise<void> {
    const file = this.path(key)
    return serialise(file, () => this.#write(file, value))
  }

  /** Writes only when the file still holds `expected` (`null`: absent); atomic within this process. */
  compareAndSet(key: string, expected: string | null, value: string): Promise<boolean> {
    const file = this.path(key)
    return serialise(file, async () => {
      if ((await this.get(key)) !== expected) return false
      await this.#write(file, value)
      return true
    })
  }

  /** Removes the file for `key`, if any. */
  delete(key: string): Promise<void> {
    const file = this.path(key)
    return serialise(file, async () => {
      try {
        await unlink(file)
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error
      }
    })
  }

  async #write(file: string, value: string): Promise<void> {
    if (typeof value !== 'string') throw invalid('value', 'a string', value)
    await mkdir(this.directory, { recursive: true, mode: 0o700 })
    // Same directory as the target: rename(2) is only atomic within one file system.
    const temp = join(this.directory, `.${randomUUID()}.tmp`)
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
