/**
 * The jar's external forms: the versioned JSON state (with validation that names the path
 * of a bad field) and the Netscape `cookies.txt` format of curl and wget.
 * @module
 */
import { SessionStateError } from '../errors.ts'
import { describeType, invalid, tooDeep } from '../util/validate.ts'
import { canonicalDomain } from './domain.ts'
import { toCookie, type StoredCookie } from './record.ts'
import type { CookieJarState, CookieState } from './types.ts'
import { isHostName, storageProblem } from './validate.ts'

/** The current version of {@link CookieJarState}. */
export const stateVersion = 1

/** Builds the JSON state; `Infinity` limits become `null` (JSON has no Infinity). */
export function toJarState(
  options: {
    rejectPublicSuffixes: boolean
    maxCookies: number
    maxCookiesPerDomain: number
    allowNameless: boolean
  },
  records: StoredCookie[],
): CookieJarState {
  return {
    version: stateVersion,
    options: {
      rejectPublicSuffixes: options.rejectPublicSuffixes,
      maxCookies: options.maxCookies === Infinity ? null : options.maxCookies,
      maxCookiesPerDomain:
        options.maxCookiesPerDomain === Infinity ? null : options.maxCookiesPerDomain,
      allowNameless: options.allowNameless,
    },
    cookies: records.map(toCookie),
  }
}

// ---------------------------------------------------------------------------- JSON in

/** The fields of a saved cookie (`Cookie`); anything else is refused. */
const cookieKeys = [
  'name',
  'value',
  'domain',
  'path',
  'expires',
  'secure',
  'httpOnly',
  'hostOnly',
  'sameSite',
  'creationTime',
  'lastAccessTime',
]

/** Saved jar state is 4 levels deep; far deeper input is junk, named before anything recurses. */
const maxDepth = 32

function checkDepth(value: unknown, path: string): void {
  const deep = tooDeep(value, maxDepth)
  if (deep !== undefined) {
    const at = deep === '' ? path : path === '' ? deep.replace(/^\./, '') : `${path}${deep}`
    throw new SessionStateError(at, `nested more than ${maxDepth} levels deep`)
  }
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`)

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const badName = /[\x00-\x1f\x7f;=]/
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const badValue = /[\x00-\x08\x0a-\x1f\x7f;]/

class Reader {
  readonly #object: Record<string, unknown>
  readonly #path: string
  constructor(value: unknown, path: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SessionStateError(path, `expected object, got ${describeType(value)}`)
    }
    this.#object = value as Record<string, unknown>
    this.#path = path
  }

  fail(key: string, expected: string, got?: string): never {
    const value = this.#object[key]
    throw new SessionStateError(
      join(this.#path, key),
      `expected ${expected}, got ${got ?? describeType(value)}`,
    )
  }

  get(key: string): unknown {
    return this.#object[key]
  }

  /** Refuses a key outside `keys` (`__proto__` and `constructor` included) as an unknown field. */
  only(keys: readonly string[]): void {
    for (const key of Object.keys(this.#object)) {
      if (!keys.includes(key)) {
        throw new SessionStateError(join(this.#path, key), 'unknown field')
      }
    }
  }

  string(key: string, bad?: RegExp): string {
    const v = this.#object[key]
    if (typeof v !== 'string') this.fail(key, 'string')
    if (bad?.test(v) === true)
      this.fail(key, 'a string without control characters or ";"', JSON.stringify(v))
    return v
  }

  boolean(key: string, fallback?: boolean): boolean {
    const v = this.#object[key]
    if (v === undefined && fallback !== undefined) return fallback
    if (typeof v !== 'boolean') this.fail(key, 'boolean')
    return v
  }

  time(key: string, nullable: boolean, fallback?: number): number | null {
    const v = this.#object[key]
    if (v === undefined && fallback !== undefined) return fallback
    if (v === null && nullable) return null
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(
        key,
        nullable ? 'number or null' : 'number',
        typeof v === 'number' ? String(v) : undefined,
      )
    }
    return v
  }

  limit(key: string, fallback: number): number | null {
    const v = this.#object[key]
    if (v === undefined) return fallback
    if (v === null) return null
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      this.fail(key, 'integer >= 1 or null', typeof v === 'number' ? String(v) : undefined)
    }
    return v
  }
}

/**
 * Validates `CookieJar.fromJSON` input (an object or a JSON string). Every error is a
 * {@link SessionStateError} whose path names the bad field below `path`.
 */
export function parseJarState(data: unknown, path: string): CookieJarState {
  let value = data
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data)
    } catch (error) {
      throw new SessionStateError(path, `expected JSON, got unparsable text (${String(error)})`, {
        cause: error,
      })
    }
  }
  checkDepth(value, path)
  const root: Reader = new Reader(value, path)
  root.only(['version', 'options', 'cookies'])
  if (root.get('version') !== stateVersion) {
    const v = root.get('version')
    root.fail('version', `${stateVersion}`, typeof v === 'number' ? String(v) : undefined)
  }
  const rawOptions = root.get('options')
  const o = new Reader(rawOptions ?? {}, join(path, 'options'))
  o.only(['rejectPublicSuffixes', 'maxCookies', 'maxCookiesPerDomain', 'allowNameless'])
  const options: CookieJarState['options'] = {
    rejectPublicSuffixes: o.boolean('rejectPublicSuffixes', true),
    maxCookies: o.limit('maxCookies', 3300),
    maxCookiesPerDomain: o.limit('maxCookiesPerDomain', 180),
    allowNameless: o.boolean('allowNameless', false),
  }
  const list = root.get('cookies')
  if (!Array.isArray(list)) root.fail('cookies', 'array')
  const cookies = list.map((item: unknown, i): CookieState => {
    const at = `${join(path, 'cookies')}[${i}]`
    const c: Reader = new Reader(item, at)
    c.only(cookieKeys)
    const name = c.string('name', badName)
    const rawDomain = c.string('domain')
    const domain = canonicalDomain(rawDomain)
    if (domain === null) c.fail('domain', 'an ASCII host name', JSON.stringify(rawDomain))
    const cookiePath = c.string('path')
    if (!cookiePath.startsWith('/'))
      c.fail('path', 'a path starting with "/"', JSON.stringify(cookiePath))
    const creationTime = c.time('creationTime', false) as number
    const state: CookieState = {
      name,
      value: c.string('value', badValue),
      domain,
      path: cookiePath,
      expires: c.time('expires', true),
      secure: c.boolean('secure'),
      httpOnly: c.boolean('httpOnly'),
      hostOnly: c.boolean('hostOnly'),
      creationTime,
      lastAccessTime: c.time('lastAccessTime', false, creationTime) as number,
    }
    const sameSite = c.get('sameSite')
    if (sameSite !== undefined) {
      if (sameSite !== 'strict' && sameSite !== 'lax' && sameSite !== 'none') {
        c.fail(
          'sameSite',
          '"strict", "lax" or "none"',
          typeof sameSite === 'string' ? JSON.stringify(sameSite) : undefined,
        )
      }
      state.sameSite = sameSite
    }
    const problem = storageProblem(state, options.rejectPublicSuffixes)
    if (problem) {
      throw new SessionStateError(
        join(at, problem.field),
        `expected ${problem.expected}, got ${problem.got}`,
      )
    }
    return state
  })
  return { version: stateVersion, options, cookies }
}

// ------------------------------------------------------------------------ Netscape

const netscapeHeader =
  '# Netscape HTTP Cookie File\n' +
  '# https://curl.se/docs/http-cookies.html\n' +
  '# This file was generated by fetch-session. Edit at your own risk.\n\n'

/**
 * The Netscape cookies.txt form (curl's `cookie.c` get_netscape_format): domain (with a
 * leading dot for domain cookies, `#HttpOnly_` before it for HttpOnly ones), subdomains
 * flag, path, secure flag, expiry in seconds (`sessionExpires`, default `0`, for a session
 * cookie), name, value — tab separated. Cookies without a domain, or with a tab or line break
 * in name or value, have no such form and are left out.
 */
export function toNetscapeText(records: StoredCookie[], sessionExpires: 0 | '' = 0): string {
  let text = netscapeHeader
  for (const r of records) {
    if (r.domain === '' || /[\t\r\n]/.test(r.name + r.value)) continue
    const expires = r.expires === null ? sessionExpires : Math.max(1, Math.ceil(r.expires / 1000))
    text +=
      `${r.httpOnly ? '#HttpOnly_' : ''}${r.hostOnly ? '' : '.'}${r.domain}\t` +
      `${r.hostOnly ? 'FALSE' : 'TRUE'}\t${r.path}\t${r.secure ? 'TRUE' : 'FALSE'}\t` +
      `${expires}\t${r.name}\t${r.value}\n`
  }
  return text
}

function flag(value: string, line: number, field: string): boolean {
  const v = value.toUpperCase()
  if (v !== 'TRUE' && v !== 'FALSE') {
    throw new SessionStateError(
      `line ${line}`,
      `${field}: expected TRUE or FALSE, got ${JSON.stringify(value)}`,
    )
  }
  return v === 'TRUE'
}

/** A UTF-8 byte order mark (Windows editors save one): not part of the first line. */
const bom = '\uFEFF'

/**
 * Parses a cookies.txt file into cookie states in file order (creation and last-access
 * time `now`). Blank lines and `#` comments are skipped, except `#HttpOnly_` lines.
 * @throws {SessionStateError} naming the line (`line 4: …`).
 */
export function fromNetscapeText(
  text: unknown,
  now: number,
  rejectPublicSuffixes = true,
): CookieState[] {
  if (typeof text !== 'string') {
    throw invalid('text', 'a string', text)
  }
  const out: CookieState[] = []
  const lines = (text.startsWith(bom) ? text.slice(1) : text).split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string
    const n = i + 1
    let httpOnly = false
    if (line.startsWith('#HttpOnly_')) {
      httpOnly = true
      line = line.slice('#HttpOnly_'.length)
    } else if (line.startsWith('#') || line.trim() === '') continue
    const fields = line.split('\t')
    // curl reads a line of 6 fields as a cookie with an empty value (cookie.c, "blank contents").
    if (fields.length === 6) fields.push('')
    if (fields.length !== 7) {
      throw new SessionStateError(
        `line ${n}`,
        `expected 7 tab-separated fields, got ${fields.length}`,
      )
    }
    const [rawDomain, subdomains, path, secure, expiry, name, value] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ]
    const domain = canonicalDomain(rawDomain)
    if (domain === null || domain === '' || !isHostName(domain)) {
      throw new SessionStateError(
        `line ${n}`,
        `domain: expected an ASCII host name, got ${JSON.stringify(rawDomain)}`,
      )
    }
    if (!path.startsWith('/')) {
      throw new SessionStateError(
        `line ${n}`,
        `path: expected a path starting with "/", got ${JSON.stringify(path)}`,
      )
    }
    // Python's MozillaCookieJar writes a session cookie's expiry as an empty field.
    if (expiry !== '' && !/^-?\d+$/.test(expiry)) {
      throw new SessionStateError(
        `line ${n}`,
        `expires: expected whole seconds, got ${JSON.stringify(expiry)}`,
      )
    }
    if (name === '' || badName.test(name)) {
      throw new SessionStateError(
        `line ${n}`,
        `name: expected a cookie name, got ${JSON.stringify(name)}`,
      )
    }
    if (badValue.test(value)) {
      throw new SessionStateError(
        `line ${n}`,
        `value: expected a cookie value, got one with a control character or ";"`,
      )
    }
    const seconds = Number(expiry)
    const cookie: CookieState = {
      name,
      value,
      domain,
      path,
      expires: seconds === 0 ? null : seconds * 1000,
      secure: flag(secure, n, 'secure'),
      httpOnly,
      hostOnly: !flag(subdomains, n, 'include subdomains'),
      creationTime: now,
      lastAccessTime: now,
    }
    const problem = storageProblem(cookie, rejectPublicSuffixes)
    if (problem) {
      throw new SessionStateError(
        `line ${n}`,
        `${problem.field === 'hostOnly' ? 'include subdomains' : problem.field}: expected ${problem.expected}, got ${problem.got}`,
      )
    }
    out.push(cookie)
  }
  return out
}
