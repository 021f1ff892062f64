// Every session option that is also a property: assigning a value does what passing it to
// the constructor does. Both accept it (with the same value read back, `null`/`undefined`
// meaning the default) or both refuse it (with the same error class, naming the field).
import { describe, expect, it } from 'vitest'
import { CookieJar, Session } from '../../platform/node.ts'

type Option = keyof Session & string

const handler = (): void => {}
const hookList = { response: [handler] }

/** [option, a valid value, an invalid value]; null and undefined are tried for each. */
const table: [Option, unknown, unknown][] = [
  ['baseURL', 'https://api.test/v1/', 'localhost:8080'],
  ['headers', { 'x-a': 'b' }, 42],
  ['params', { a: '1' }, 42],
  ['auth', ['user', 'pass'], 42],
  ['cookies', { a: '1' }, 42],
  ['timeout', 1000, -1],
  ['maxRedirects', 5, -1],
  ['maxResponseSize', 1000, -1],
  ['sensitiveHeaders', ['x-secret'], 'x-secret'],
  ['trustedOrigins', ['https://a.test'], 'https://a.test'],
  ['retry', 2, 'twice'],
  ['hooks', hookList, 42],
  ['proxy', 'http://proxy.test:8080', 42],
  ['trustEnv', false, 'no'],
  ['tls', { rejectUnauthorized: false }, 'insecure'],
  ['credentials', 'include', 'bogus'],
  ['raiseForStatus', true, 'yes'],
  ['onDownloadProgress', handler, 'log'],
  ['onUploadProgress', handler, 'log'],
  ['debug', true, 'verbose'],
]

/** A comparable form of a property's value. */
function plain(value: unknown): unknown {
  if (value instanceof Headers) return [...value]
  if (value instanceof URLSearchParams) return value.toString()
  if (value instanceof CookieJar) {
    return value
      .toJSON()
      .cookies.map(({ name, value, domain, path }) => [name, value, domain, path])
  }
  return value
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error }

function outcome(make: () => Session, option: Option): Outcome {
  try {
    return { ok: true, value: plain(make()[option]) }
  } catch (error) {
    return { ok: false, error: error as Error }
  }
}

const cases = table.flatMap(([option, valid, bad]) =>
  (
    [
      ['null', null],
      ['undefined', undefined],
      ['valid', valid],
      ['invalid', bad],
    ] as const
  ).map(([kind, value]) => ({ option, kind, value })),
)

describe('setters accept exactly what the constructor accepts', () => {
  it.each(cases)('$option = $kind', ({ option, kind, value }) => {
    const fromConstructor = outcome(() => new Session({ [option]: value }), option)
    const fromSetter = outcome(() => {
      const s = new Session()
      ;(s as unknown as Record<string, unknown>)[option] = value
      return s
    }, option)
    // `credentials` is browser-only: on Node every value is refused, by both alike.
    if (kind === 'valid') expect(fromConstructor.ok).toBe(option !== 'credentials')
    if (kind === 'invalid') expect(fromConstructor.ok).toBe(false)
    const said = fromSetter.ok ? 'accepted' : `refused: ${fromSetter.error.message}`
    expect(said).toMatch(fromConstructor.ok ? /^accepted$/ : /^refused/)
    if (fromConstructor.ok && fromSetter.ok) {
      expect(fromSetter.value).toEqual(fromConstructor.value)
      // null and undefined mean the default (`proxy: null` is "direct", not the default).
      if (kind === 'undefined' || (kind === 'null' && option !== 'proxy')) {
        expect(fromSetter.value).toEqual(plain(new Session()[option]))
      }
    } else if (!fromConstructor.ok && !fromSetter.ok) {
      expect(fromSetter.error.constructor).toBe(fromConstructor.error.constructor)
      expect(fromConstructor.error.message).toContain(`options.${option}`)
      expect(fromSetter.error.message).toContain(`session.${option}`)
    }
  })

  it('covers every option the constructor takes except the pool-shaping and autosave ones', () => {
    const s = new Session()
    const settable = Object.entries(Object.getOwnPropertyDescriptors(Session.prototype))
      .concat(
        Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(Session.prototype))),
      )
      .filter(([, d]) => d.set !== undefined)
      .map(([name]) => name)
    expect(new Set(settable)).toEqual(new Set(table.map(([option]) => option)))
    // `connections` and `allowH2` shape the pool made with the session: read-only.
    expect(() => {
      ;(s as unknown as Record<string, unknown>).connections = 4
    }).toThrow(TypeError)
    expect(() => {
      ;(s as unknown as Record<string, unknown>).allowH2 = true
    }).toThrow(TypeError)
  })
})
