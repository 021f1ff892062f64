import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SessionStateError } from '../../src/errors.ts'
import { migrateState, type StateMigration } from '../../src/state/migrate.ts'
import { parseSessionState } from '../../src/state/read.ts'
import { sessionStateVersion, stateLimits } from '../../src/state/schema.ts'

const full = readFileSync(new URL('../fixtures/state/v1-full.json', import.meta.url), 'utf8')
const base = (): Record<string, unknown> => JSON.parse(full) as Record<string, unknown>

function expectStateError(input: unknown, path: string, message: string | RegExp): void {
  let caught: unknown
  try {
    parseSessionState(input)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(SessionStateError)
  expect((caught as SessionStateError).path).toBe(path)
  if (typeof message === 'string') expect((caught as Error).message).toBe(message)
  else expect((caught as Error).message).toMatch(message)
}

describe('parseSessionState: valid input', () => {
  it('reads a full version 1 document, from an object and from its JSON text alike', () => {
    const fromText = parseSessionState(full)
    expect(parseSessionState(base())).toEqual(fromText)
    expect(fromText.version).toBe(1)
    expect(fromText.revision).toBe(4)
    expect(fromText.headers).toEqual([
      ['accept', 'application/json'],
      ['x-trace', 'a, b'],
    ])
    expect(fromText.params).toEqual([
      ['tag', 'a'],
      ['tag', 'b'],
      ['q', 'x y'],
    ])
    expect(fromText.proxy).toEqual({
      https: 'http://user:pw@proxy.test:3128',
      no_proxy: 'localhost,.internal',
    })
  })

  it.each([
    ['baseURL', null],
    ['auth', null],
    ['auth', { type: 'bearer', token: 't' }],
    ['timeout', null],
    ['timeout', 2500],
    ['timeout', {}],
    ['retry', 0],
    ['retry', {}],
    ['proxy', null],
    ['proxy', false], // a direct connection: the session's `proxy: null`
    ['proxy', 'proxy.test:3128'], // requests accepts host:port; the session's rules decide
    ['tls', null],
    ['tls', { ca: 'PEM' }],
    ['credentials', null],
    ['credentials', 'omit'],
    ['connections', null],
    ['headers', []],
    ['omitted', []],
  ])('accepts %s = %j', (field, value) => {
    const state = parseSessionState({ ...base(), [field]: value })
    expect(state[field as keyof typeof state]).toEqual(value)
  })

  it('treats a document without revision as unversioned', () => {
    const doc = base()
    delete doc.revision
    expect(parseSessionState(doc)).not.toHaveProperty('revision')
  })
})

describe('parseSessionState: every bad input names its JSON path', () => {
  // issue 5 item 3: a wrong version, a wrong type, a missing or unknown field
  it.each<[string, Record<string, unknown>, string, string | RegExp]>([
    [
      'version missing',
      { version: undefined },
      'version',
      'version: expected integer, got undefined',
    ],
    ['version as string', { version: '1' }, 'version', 'version: expected integer, got string'],
    [
      'version from the future',
      { version: 2 },
      'version',
      /newer than this fetch-session reads \(1\)/,
    ],
    ['version unknown', { version: 0 }, 'version', 'version: unknown state version 0'],
    ['unknown field', { extra: 1 }, 'extra', 'extra: unknown field'],
    ['odd unknown field', { 'a b': 1 }, '["a b"]', '["a b"]: unknown field'],
    [
      'revision negative',
      { revision: -1 },
      'revision',
      'revision: expected integer >= 0, got number -1',
    ],
    ['baseURL number', { baseURL: 5 }, 'baseURL', 'baseURL: expected string, got number 5'],
    [
      'baseURL relative',
      { baseURL: '/x' },
      'baseURL',
      'baseURL: expected an absolute URL, got "/x"',
    ],
    ['headers object', { headers: { a: 'b' } }, 'headers', 'headers: expected array, got object'],
    [
      'header triple',
      { headers: [['a', 'b', 'c']] },
      'headers[0]',
      /expected \[name, value\] pair/,
    ],
    ['header bad name', { headers: [['a b', 'c']] }, 'headers[0][0]', /RFC 9110 token/],
    [
      'header value CRLF',
      { headers: [['a', 'b\r\nc: d']] },
      'headers[0][1]',
      /without CR, LF or NUL/,
    ],
    [
      'header value number',
      { headers: [['a', 1]] },
      'headers[0][1]',
      /expected string, got number 1/,
    ],
    [
      'param value null',
      { params: [['a', null]] },
      'params[0][1]',
      'params[0][1]: expected string, got null',
    ],
    ['auth string', { auth: 'user:pw' }, 'auth', 'auth: expected object, got string'],
    ['auth tuple', { auth: ['u', 'p'] }, 'auth', 'auth: expected object, got array'],
    [
      'auth type',
      { auth: { type: 'ntlm' } },
      'auth.type',
      /expected "basic", "bearer" or "digest", got string/,
    ],
    [
      'auth missing',
      { auth: { type: 'basic', username: 'u' } },
      'auth.password',
      'auth.password: missing',
    ],
    [
      'auth extra',
      { auth: { type: 'bearer', token: 't', x: 1 } },
      'auth.x',
      'auth.x: unknown field',
    ],
    [
      'timeout NaN',
      { timeout: Number.NaN },
      'timeout',
      'timeout: expected finite number >= 0, got NaN',
    ],
    ['timeout negative', { timeout: { total: -1 } }, 'timeout.total', /got number -1/],
    ['timeout unknown', { timeout: { read: 1 } }, 'timeout.read', 'timeout.read: unknown field'],
    [
      'timeout string',
      { timeout: '5s' },
      'timeout',
      'timeout: expected number or object, got string',
    ],
    [
      'maxRedirects fraction',
      { maxRedirects: 1.5 },
      'maxRedirects',
      /expected integer >= 0, got number 1.5/,
    ],
    ['maxRedirects missing', { maxRedirects: undefined }, 'maxRedirects', 'maxRedirects: missing'],
    ['retry negative', { retry: -1 }, 'retry', /expected integer >= 0/],
    [
      'retry status',
      { retry: { statusCodes: [200, 700] } },
      'retry.statusCodes[1]',
      /integer 100\.\.599, got number 700/,
    ],
    [
      'retry methods',
      { retry: { methods: 'GET' } },
      'retry.methods',
      'retry.methods: expected array, got string',
    ],
    [
      'retry flag',
      { retry: { respectRetryAfter: 1 } },
      'retry.respectRetryAfter',
      /expected boolean/,
    ],
    ['proxy true', { proxy: true }, 'proxy', /expected string, object, false or null, got boolean/],
    [
      'proxy map value',
      { proxy: { https: 1 } },
      'proxy.https',
      'proxy.https: expected string, got number 1',
    ],
    [
      'proxy odd key',
      { proxy: { 'https://a.test': 1 } },
      'proxy["https://a.test"]',
      /expected string/,
    ],
    ['trustEnv string', { trustEnv: 'yes' }, 'trustEnv', 'trustEnv: expected boolean, got string'],
    ['tls array', { tls: [] }, 'tls', 'tls: expected object, got array'],
    ['tls ca', { tls: { ca: [1] } }, 'tls.ca[0]', 'tls.ca[0]: expected string, got number 1'],
    ['tls unknown', { tls: { pfx: 'x' } }, 'tls.pfx', 'tls.pfx: unknown field'],
    [
      'sensitiveHeaders',
      { sensitiveHeaders: [null] },
      'sensitiveHeaders[0]',
      /expected string, got null/,
    ],
    [
      'credentials',
      { credentials: 'always' },
      'credentials',
      /"omit", "same-origin", "include" or null/,
    ],
    ['connections', { connections: 1.5 }, 'connections', /expected integer >= 0/],
    ['allowH2', { allowH2: null }, 'allowH2', 'allowH2: expected boolean, got null'],
    ['omitted', { omitted: 'auth' }, 'omitted', 'omitted: expected array, got string'],
    ['cookies missing', { cookies: undefined }, 'cookies', 'cookies: missing'],
  ])('%s', (_, patch, path, message) => {
    expectStateError({ ...base(), ...patch }, path, message)
  })

  it.each<[string, unknown, RegExp]>([
    ['an array', [], /expected object, got array/],
    ['null', null, /expected object, got null/],
    ['a number', 1, /expected object, got number 1/],
    ['broken JSON text', '{"version": 1,', /^not valid JSON: /],
    ['JSON text of a string', '"hello"', /expected object, got string/],
  ])('rejects %s as the whole document', (_, input, message) => {
    expectStateError(input, '', message)
  })

  it('rejects text longer than the size limit before parsing it', () => {
    const text = `{"pad":"${'x'.repeat(stateLimits.maxLength)}"}`
    expectStateError(text, '', /state is too large: \d+ characters, the limit is 33554432/)
  })

  it('rejects an object whose JSON is longer than the size limit', () => {
    expectStateError({ ...base(), pad: 'x'.repeat(stateLimits.maxLength) }, '', /too large/)
  })

  it('rejects an object that cannot be JSON (a cycle) without crashing', () => {
    const doc = base()
    doc.self = doc
    expectStateError(doc, '', /not serialisable as JSON/)
  })

  it('rejects more cookies than the limit, naming the cookie list', () => {
    const cookies = {
      version: 1,
      cookies: Array.from({ length: stateLimits.maxCookies + 1 }, () => ({})),
    }
    expectStateError({ ...base(), cookies }, 'cookies.cookies', /too many cookies: 10001/)
  })

  it('rejects more headers than the entry limit', () => {
    const headers = Array.from({ length: stateLimits.maxEntries + 1 }, (_, i) => [`h${i}`, 'v'])
    expectStateError({ ...base(), headers }, 'headers', /too many entries: 1001/)
  })

  it('ignores a __proto__ key only by rejecting it as unknown (no prototype pollution)', () => {
    const text = full.replace('"version": 1,', '"version": 1, "__proto__": { "polluted": true },')
    expectStateError(text, '__proto__', '__proto__: unknown field')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('migrateState: older versions stay readable', () => {
  const v0: StateMigration = (doc) => {
    const { cookieList, ...rest } = doc
    return { ...rest, version: 1, cookies: cookieList }
  }

  it('runs the steps from the saved version up to the current one', () => {
    const migrated = migrateState({ version: 0, cookieList: [] }, new Map([[0, v0]]))
    expect(migrated).toEqual({ version: 1, cookies: [] })
  })

  it('returns a current document unchanged', () => {
    const doc = { version: sessionStateVersion }
    expect(migrateState(doc)).toBe(doc)
  })

  it('rejects a step that does not produce the next version', () => {
    const wrong: StateMigration = (doc) => ({ ...doc })
    expect(() => migrateState({ version: 0 }, new Map([[0, wrong]]))).toThrow(
      'version: migration to 1 produced 0',
    )
  })

  it('chains several steps in order', () => {
    const seen: number[] = []
    const step =
      (from: number): StateMigration =>
      (doc) => {
        seen.push(from)
        return { ...doc, version: from + 1 }
      }
    const out = migrateState(
      { version: 1 },
      new Map([
        [1, step(1)],
        [2, step(2)],
      ]),
      3,
    )
    expect(out.version).toBe(3)
    expect(seen).toEqual([1, 2])
  })
})
