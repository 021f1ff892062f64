/**
 * `--session NAME|PATH`: where a saved session lives and how it is saved back. A session
 * file is the library's saved state written by its `FileStore`, so
 * `Session.load(new FileStore(dir), name)` reads what the command saved, and two
 * invocations that save one session at once obey the store's revision check.
 * @module
 */
import { homedir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import type { Cookie, CookieJarState } from '../platform/node.ts'
import { FileStore } from '../platform/file-store.ts'

/** Where one session is saved: a store and the key in it. */
export interface SessionLocation {
  store: FileStore
  key: string
  /** The file, for messages. */
  file: string
}

/** A FileStore that keeps one key in a file the user named (`--session ./me.json`). */
class PathStore extends FileStore {
  readonly #file: string
  constructor(file: string) {
    super(dirname(file))
    this.#file = file
  }
  override path(key: string): string {
    super.path(key)
    return this.#file
  }
}

/**
 * A NAME is kept per host (HTTPie's layout):
 * `$XDG_CONFIG_HOME/fetch-session/sessions/<host>_<port>/NAME.json`; a value with a `/`
 * or ending in `.json` is a path.
 */
export function locateSession(
  nameOrPath: string,
  url: URL,
  env: Record<string, string | undefined>,
): SessionLocation {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.json')) {
    const file = resolve(nameOrPath)
    const key = basename(file).replace(/\.json$/, '') || 'session'
    // The store's own naming when it gives this file (`alice.json`), else a store for the file.
    const plain = new FileStore(dirname(file))
    const store = plain.path(key) === file ? plain : new PathStore(file)
    return { store, key, file }
  }
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  const host = url.host.replace(/:/g, '_')
  const store = new FileStore(join(config, 'fetch-session', 'sessions', host))
  return { store, key: nameOrPath, file: store.path(nameOrPath) }
}

/** A cookie's identity in a jar (RFC 6265 §5.3 step 11: name, domain, path). */
function cookieKey(c: Cookie): string {
  return `${c.domain}\t${c.path}\t${c.name}`
}

/** A cookie without its access time, which changes whenever it is sent. */
function cookieText(c: Cookie): string {
  const { lastAccessTime: _ignored, ...rest } = c
  return JSON.stringify(rest)
}

/** What one invocation did to a jar: cookies it stored or replaced, and ones it removed. */
export interface JarChange {
  set: Cookie[]
  removed: Set<string>
}

/** The cookies that differ between two states of a jar. */
export function diffJar(before: CookieJarState, after: CookieJarState): JarChange {
  const old = new Map(before.cookies.map((c) => [cookieKey(c), cookieText(c)]))
  const now = new Set(after.cookies.map(cookieKey))
  return {
    set: after.cookies.filter((c) => old.get(cookieKey(c)) !== cookieText(c)),
    removed: new Set([...old.keys()].filter((k) => !now.has(k))),
  }
}

/** `state` with `change` applied on top: another writer's cookies stay, ours win. */
export function applyJarChange(state: CookieJarState, change: JarChange): CookieJarState {
  const replaced = new Set(change.set.map(cookieKey))
  const kept = state.cookies.filter(
    (c) => !change.removed.has(cookieKey(c)) && !replaced.has(cookieKey(c)),
  )
  return { ...state, cookies: [...kept, ...change.set] }
}
