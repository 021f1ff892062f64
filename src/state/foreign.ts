/**
 * Recognises input to `Session.fromJSON()` that is plainly not a saved fetch-session (a dict
 * of cookies, a pickled `requests.Session`, a cookies.txt), to say what is expected and where
 * the recipe for bringing a python-requests session over is, instead of naming the first
 * missing field.
 * @module
 */
import { SessionStateError } from '../errors.ts'

const expected =
  'expected a saved fetch-session (the JSON of session.toJSON(): { "version": 1, "baseURL", ' +
  '"headers", "cookies", … })'
const recipe =
  'to bring a python-requests session over, see docs/python.md ' +
  '(https://github.com/fetch-session/fetch-session/blob/main/docs/python.md)'

/** What the input looks like, when it is plainly something else; `undefined` otherwise. */
function foreignKind(input: unknown): string | undefined {
  if (typeof input === 'string') {
    const text = input.trimStart()
    // pickle protocol 2+ starts with PROTO (0x80); protocol 0/1 dumps start with `(dp`, `(lp`,
    // `(i`, `ccopy_reg` (Python's pickletools opcodes).
    if (/^(\u0080|\(dp\d|\(lp\d|\(i|ccopy_reg|c__builtin__)/.test(input)) {
      return 'a Python pickle'
    }
    if (text.startsWith('# Netscape HTTP Cookie File') || /^[^\t\n]+(\t[^\t\n]*){6}$/m.test(text))
      return 'a cookies.txt file (read it with CookieJar.fromNetscape())'
    // Saved state (or something near it): the state reader names what is wrong.
    if (!text.startsWith('{') || text.includes('"version"')) return undefined
    try {
      return foreignKind(JSON.parse(text) as unknown)
    } catch {
      return undefined
    }
  }
  if (Array.isArray(input)) return 'a list'
  if (typeof input !== 'object' || input === null || 'version' in input) return undefined
  const values = Object.values(input)
  if (values.length === 0) return undefined
  if (values.length > 0 && values.every((v) => typeof v === 'string')) {
    return 'a dict of cookies or headers (for cookies: new Session({ cookies: { name: value } }))'
  }
  return `an object without "version" (keys: ${Object.keys(input).slice(0, 5).join(', ')})`
}

/**
 * Throws when `input` is plainly not saved session state; returns otherwise, leaving the
 * field-by-field checks to the state reader.
 * @throws {SessionStateError} saying what is expected and where the Python recipe is.
 */
export function rejectForeignState(input: unknown): void {
  const kind = foreignKind(input)
  if (kind !== undefined) throw new SessionStateError('', `${expected}, got ${kind}; ${recipe}`)
}
