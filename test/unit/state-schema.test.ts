import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SessionStateError } from '../../src/errors.ts'
import type { Adapter } from '../../src/platform.ts'
import { parseSessionState } from '../../src/state/read.ts'
import type { SessionLike } from '../../src/state/schema.ts'
import { sessionToState } from '../../src/state/write.ts'

// The details the declarative v1 schema must keep: key order on output, which error wins when
// several fields are bad, and what `toJSON` writes of objects it does not own.

const full = readFileSync(new URL('../fixtures/state/v1-full.json', import.meta.url), 'utf8')
const base = (): Record<string, unknown> => JSON.parse(full) as Record<string, unknown>

const v1Order = [
  'version',
  'baseURL',
  'headers',
  'params',
  'auth',
  'cookies',
  'timeout',
  'maxRedirects',
  'retry',
  'proxy',
  'trustEnv',
  'tls',
  'sensitiveHeaders',
  'trustedOrigins',
  'credentials',
  'connections',
  'allowH2',
  'omitted',
]

function errorOf(input: unknown): SessionStateError {
  try {
    parseSessionState(input)
  } catch (error) {
    expect(error).toBeInstanceOf(SessionStateError)
    return error as SessionStateError
  }
  throw new Error('expected a SessionStateError')
}

/** `doc` with its keys in reverse order. */
function reversed(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).reverse())
}

describe('parseSessionState: key order', () => {
  it('writes the top level in schema order with revision last, whatever the input order', () => {
    const state = parseSessionState(reversed(base()))
    expect(Object.keys(state)).toEqual([...v1Order, 'revision'])
  })

  it('keeps the input order of timeout, retry and tls members (a round trip is identical JSON)', () => {
    const state = parseSessionState({
      ...base(),
      timeout: { total: 5, connect: 1 },
      retry: { respectRetryAfter: true, statusCodes: [503], limit: 2 },
      tls: { rejectUnauthorized: false, ca: 'PEM' },
    })
    expect(Object.keys(state.timeout as object)).toEqual(['total', 'connect'])
    expect(Object.keys(state.retry as object)).toEqual([
      'respectRetryAfter',
      'statusCodes',
      'limit',
    ])
    expect(Object.keys(state.tls as object)).toEqual(['rejectUnauthorized', 'ca'])
  })

  it('writes auth as type first, then its fields', () => {
    const state = parseSessionState({
      ...base(),
      auth: { password: 'p', username: 'u', type: 'basic' },
    })
    expect(Object.keys(state.auth as object)).toEqual(['type', 'username', 'password'])
  })

  it('drops members that are undefined (absent in JSON) from objects passed directly', () => {
    const state = parseSessionState({ ...base(), timeout: { connect: undefined, total: 1 } })
    expect(state.timeout).toStrictEqual({ total: 1 })
  })
})

describe('parseSessionState: the first bad field in schema order wins', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['top level, not input order', reversed({ ...base(), baseURL: 1, omitted: 1 }), 'baseURL'],
    ['missing before unknown', { ...base(), extra: 1, maxRedirects: undefined }, 'maxRedirects'],
    [
      'unknown before a bad value',
      { ...base(), maxRedirects: 'x', extra: 1 },
      'extra: unknown field',
    ],
    ['timeout members', { ...base(), timeout: { total: 'x', connect: -1 } }, 'timeout.connect'],
    ['retry members', { ...base(), retry: { backoff: -1, limit: -1 } }, 'retry.limit'],
    ['header name before value', { ...base(), headers: [['a b', 1]] }, 'headers[0][0]'],
    [
      'fields before the cookie count',
      { ...base(), timeout: -1, cookies: Array(10_001) },
      'timeout',
    ],
    ['auth type before its fields', { ...base(), auth: { type: 'ntlm', x: 1 } }, 'auth.type'],
    ['revision after the required fields', { ...base(), revision: -1, allowH2: 1 }, 'allowH2'],
  ])('%s', (_, doc, expected) => {
    const error = errorOf(doc)
    if (expected.includes(':')) expect(error.message).toBe(expected)
    else expect(error.path).toBe(expected)
  })
})

describe('parseSessionState: numbers', () => {
  it.each<[string, unknown, string]>([
    ['maxRedirects', 2 ** 53, 'maxRedirects: expected integer >= 0, got number 9007199254740992'],
    ['maxRedirects', -Infinity, 'maxRedirects: expected integer >= 0, got Infinity'],
    ['connections', -0.5, 'connections: expected integer >= 0, got number -0.5'],
    ['timeout', Infinity, 'timeout: expected finite number >= 0, got Infinity'],
    ['retry', [], 'retry: expected number or object, got array'],
  ])('%s = %s', (field, value, message) => {
    expect(errorOf({ ...base(), [field]: value }).message).toBe(message)
  })

  it('accepts -0 and the ends of the status code range', () => {
    const state = parseSessionState({ ...base(), timeout: -0, retry: { statusCodes: [100, 599] } })
    expect(state.retry).toEqual({ statusCodes: [100, 599] })
  })
})

describe('parseSessionState: proxy maps', () => {
  it('keeps null entries and names odd keys in brackets', () => {
    expect(parseSessionState({ ...base(), proxy: { all: null } }).proxy).toEqual({ all: null })
    expect(errorOf({ ...base(), proxy: { 'a b': false } }).message).toBe(
      'proxy["a b"]: expected string, got boolean',
    )
  })

  it('rejects a record whose own keys collide with Object.prototype names as unknown', () => {
    expect(errorOf({ ...base(), toString: 1 }).message).toBe('toString: unknown field')
    expect(errorOf({ ...base(), tls: { constructor: 'x' } }).message).toBe(
      'tls.constructor: unknown field',
    )
  })
})

function fakeSession(patch: Partial<SessionLike> = {}): SessionLike {
  return {
    baseURL: undefined,
    headers: new Headers(),
    params: new URLSearchParams(),
    auth: null,
    cookies: { toJSON: () => ({ version: 1, cookies: [] }) },
    timeout: undefined,
    maxRedirects: 30,
    retry: 0,
    proxy: undefined,
    trustEnv: true,
    tls: undefined,
    sensitiveHeaders: [],
    trustedOrigins: [],
    credentials: undefined,
    connections: undefined,
    allowH2: false,
    hooks: { beforeRequest: [], beforeRedirect: [], response: [], error: [], beforeRetry: [] },
    adapters: new Map<string, Adapter>(),
    mount: () => undefined,
    ...patch,
  }
}

describe('sessionToState: objects the session does not own', () => {
  it('writes the four TLS members in a fixed order and nothing else', () => {
    const tls = { rejectUnauthorized: false, servername: 'x', key: 'K', ca: ['A'] }
    const state = sessionToState(fakeSession({ tls }))
    expect(state.tls).toStrictEqual({ ca: ['A'], key: 'K', rejectUnauthorized: false })
    expect(Object.keys(state.tls as object)).toEqual(['ca', 'key', 'rejectUnauthorized'])
    expect(state.tls?.ca).not.toBe(tls.ca)
    expect(parseSessionState(JSON.parse(JSON.stringify(state))).tls).toEqual(state.tls)
  })

  it('leaves out the TLS key without secrets, and says so', () => {
    const state = sessionToState(fakeSession({ tls: { key: 'K', cert: 'C' } }), { secrets: false })
    expect(state.tls).toStrictEqual({ cert: 'C' })
    expect(state.omitted).toEqual(['tls.key'])
  })

  it('writes auth objects with their own fields only, type first', () => {
    const auth = { password: 'p', username: 'u', type: 'basic', extra: 1 } as const
    expect(sessionToState(fakeSession({ auth })).auth).toStrictEqual({
      type: 'basic',
      username: 'u',
      password: 'p',
    })
    expect(sessionToState(fakeSession({ auth: ['u', 'p'] })).auth).toStrictEqual({
      type: 'basic',
      username: 'u',
      password: 'p',
    })
  })

  it('skips undefined proxy entries and never strips no_proxy', () => {
    const proxy = { http: undefined, NO_PROXY: 'http://u:p@x.test/', https: 'http://u:p@p.test/' }
    const state = sessionToState(fakeSession({ proxy }), { secrets: false })
    expect(state.proxy).toStrictEqual({ NO_PROXY: 'http://u:p@x.test/', https: 'http://p.test/' })
    expect(state.omitted).toEqual(['proxy.https credentials'])
  })

  it('lists functions in a fixed hook order, then adapters', () => {
    const fn = (): undefined => undefined
    const hooks = {
      beforeRetry: [fn],
      error: [fn],
      response: [fn, fn],
      beforeRedirect: [],
      beforeRequest: [fn],
    }
    const adapters = new Map<string, Adapter>([['mock:', { fetch: () => Promise.reject() }]])
    const state = sessionToState(fakeSession({ hooks, adapters }))
    // The fixed order is the hooks' firing order (src/hooks.ts `hookNames`, the one list of
    // hook names; state.ts had its own copy with beforeRetry last).
    expect(state.omitted).toEqual([
      'hooks.beforeRequest[0]',
      'hooks.beforeRetry[0]',
      'hooks.response[0]',
      'hooks.response[1]',
      'hooks.error[0]',
      'adapters["mock:"]',
    ])
  })
})
