/**
 * `.netrc` (the ftp/curl format, as Python's `netrc` module reads it): pure parsing and the
 * lookup requests' `get_netrc_auth` does. Reading the file is the platform's job.
 * @module
 */
import { readQuoted } from './util/text.ts'

/** One `machine` (or the `default`) entry. */
export interface NetrcEntry {
  /** The host name, or `undefined` for the `default` entry. */
  readonly machine: string | undefined
  readonly login: string
  readonly password: string
  readonly account: string
}

/**
 * The entries of a `.netrc` file. Tokens are separated by white space; a token may be
 * quoted with `"` (backslash escapes, as Python 3.11's `netrc`); `#` starts a comment at
 * the start of a token; `macdef name` skips a macro up to the next blank line. Unknown
 * tokens are skipped. Linear time.
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = []
  let current:
    { machine: string | undefined; login: string; password: string; account: string } | undefined
  const n = text.length
  let i = 0
  const next = (): string | undefined => {
    for (;;) {
      while (i < n && /\s/.test(text.charAt(i))) i++
      if (i >= n) return undefined
      if (text[i] !== '#') break
      while (i < n && text[i] !== '\n') i++
    }
    if (text[i] === '"') {
      const quoted = readQuoted(text, i)
      i = quoted.end
      return quoted.value
    }
    const start = i
    while (i < n && !/\s/.test(text.charAt(i))) i++
    return text.slice(start, i)
  }
  for (let token = next(); token !== undefined; token = next()) {
    if (token === 'machine' || token === 'default') {
      current = {
        machine: token === 'machine' ? (next() ?? '') : undefined,
        login: '',
        password: '',
        account: '',
      }
      entries.push(current)
    } else if (token === 'macdef') {
      // A macro runs to the next empty line.
      const end = text.indexOf('\n\n', i)
      i = end === -1 ? n : end + 2
    } else if (current && (token === 'login' || token === 'user')) current.login = next() ?? ''
    else if (current && token === 'password') current.password = next() ?? ''
    else if (current && token === 'account') current.account = next() ?? ''
  }
  return entries
}

/**
 * The credentials `.netrc` gives for `host` (requests' `get_netrc_auth`): the first entry
 * for that machine (host names compared case-insensitively, no port), else `default`; the
 * user is `login`, or `account` when there is no login. `undefined` when none applies.
 */
export function netrcCredentials(
  entries: readonly NetrcEntry[],
  host: string,
): [username: string, password: string] | undefined {
  const wanted = host.toLowerCase()
  const entry =
    entries.find((e) => e.machine?.toLowerCase() === wanted) ??
    entries.find((e) => e.machine === undefined)
  if (!entry) return undefined
  return [entry.login || entry.account, entry.password]
}
