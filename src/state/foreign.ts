/**
 * Recognises input to `Session.fromJSON()` that is plainly not a saved fetch-session (a dict
 * of cookies, a pickled `requests.Session`, a cookies.txt, a list), to say what is expected
 * and where the recipe for bringing a python-requests session over is, instead of naming
 * the first missing field. Anything with a `version` is left to the state reader.
 * @module
 */
import { SessionStateError } from '../errors.ts'

/** What the input looks like, when it is plainly something else; `undefined` otherwise. */
function foreignKind(input: unknown): string | undefined {
  if (typeof input === 'string') {
    // pickle protocol 2+ starts with PROTO (0x80); protocol 0 with `(dp0`, `(lp0`, `ccopy_reg`.
    if (/^(\u0080|\([dl]p\d|ccopy_reg)/.test(input)) return 'a Python pickle'
    if (input.startsWith('# Netscape')) return 'a cookies.txt (use CookieJar.fromNetscape())'
    if (!/^\s*\{/.test(input) || input.includes('"version"')) return undefined
    try {
      input = JSON.parse(input)
    } catch {
      return undefined
    }
  }
  if (Array.isArray(input)) return 'a list'
  if (typeof input !== 'object' || input === null || 'version' in input) return undefined
  const values = Object.values(input)
  if (values.length === 0) return undefined
  return values.every((v) => typeof v === 'string')
    ? 'a dict of cookies or headers (new Session({ cookies }) takes a dict of cookies)'
    : 'an object without "version"'
}

/**
 * Throws when `input` is plainly not saved session state; returns otherwise.
 * @throws {SessionStateError} saying what is expected and where the Python recipe is.
 */
export function rejectForeignState(input: unknown): void {
  const kind = foreignKind(input)
  if (kind !== undefined) {
    throw new SessionStateError(
      '',
      `expected a saved fetch-session (the JSON of session.toJSON(), with "version": 1), got ${kind}; to bring a python-requests session over, see docs/python.md`,
    )
  }
}
