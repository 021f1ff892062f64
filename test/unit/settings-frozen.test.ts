import { describe, expect, it } from 'vitest'
import { SessionStateError } from '../../src/errors.ts'
import type { Session } from '../../src/session.ts'
import type { SessionClassLike } from '../../src/state/schema.ts'
import { loadSession, MemoryStore, saveSession } from '../../src/state/store.ts'
import { mockSession } from '../helpers/test-session.ts'

const cls = (s: Session): SessionClassLike<Session> =>
  s.constructor as unknown as SessionClassLike<Session>

describe('settings checked when given cannot be changed in place', () => {
  const options = {
    timeout: { connect: 1000, total: 5000 },
    retry: { limit: 1, statusCodes: [503], methods: ['GET'] },
    proxy: { https: 'http://127.0.0.1:9' },
    tls: { ca: ['-----BEGIN CERTIFICATE-----'], rejectUnauthorized: true },
    sensitiveHeaders: ['x-api-key'],
    trustedOrigins: ['https://sso.example'],
    auth: ['user', 'pass'] as [string, string],
  }

  it.each([
    ['trustedOrigins.push', (s: Session) => (s.trustedOrigins as string[]).push('not an origin')],
    ['trustedOrigins[0]', (s: Session) => ((s.trustedOrigins as string[])[0] = 'x y')],
    ['sensitiveHeaders.push', (s: Session) => (s.sensitiveHeaders as string[]).push('bad\r\n')],
    ['proxy.http', (s: Session) => ((s.proxy as Record<string, string>).http = 'javascript:x')],
    ['timeout.total', (s: Session) => ((s.timeout as { total: number }).total = 2 ** 31)],
    ['retry.limit', (s: Session) => ((s.retry as Record<string, unknown>).limit = 'lots')],
    [
      'retry.statusCodes',
      (s: Session) => (s.retry as { statusCodes: number[] }).statusCodes.push(1),
    ],
    ['tls.key', (s: Session) => ((s.tls as Record<string, unknown>).key = 5)],
    ['tls.ca', (s: Session) => (s.tls as { ca: string[] }).ca.push('x')],
    ['auth[0]', (s: Session) => ((s.auth as unknown as string[])[0] = 'other')],
  ])('%s throws and the session keeps its checked value', (_, change) => {
    const { session } = mockSession(undefined, options)
    const before = JSON.stringify(session.toJSON())
    expect(() => change(session)).toThrow(TypeError)
    expect(JSON.stringify(session.toJSON())).toBe(before)
  })

  it('keeps a copy of the objects it was given, so changing them later changes nothing', () => {
    const timeout = { total: 5000 }
    const retry = { limit: 1, statusCodes: [503] }
    const proxy: Record<string, string> = { https: 'http://127.0.0.1:9' }
    const tls = { ca: ['pem'] }
    const { session } = mockSession(undefined, { timeout, retry, proxy, tls })
    timeout.total = 2 ** 31
    retry.statusCodes.push(1)
    proxy.http = 'javascript:x'
    tls.ca.push('more')
    expect(session.timeout).toEqual({ total: 5000 })
    expect(session.retry).toEqual({ limit: 1, statusCodes: [503] })
    expect(session.proxy).toEqual({ https: 'http://127.0.0.1:9' })
    expect(session.tls).toEqual({ ca: ['pem'] })
    expect(() => (session.timeout = timeout)).toThrow(RangeError) // an assignment is checked
    expect(session.timeout).toEqual({ total: 5000 })
  })

  it('assigning a new list is how entries are added, and it is checked', () => {
    const { session } = mockSession()
    session.trustedOrigins = [...session.trustedOrigins, 'https://sso.example']
    expect(session.trustedOrigins).toEqual(['https://sso.example'])
    expect(() => (session.trustedOrigins = ['not an origin'])).toThrow(TypeError)
    expect(() => (session.sensitiveHeaders = ['bad\r\n'])).toThrow(TypeError)
    expect(session.trustedOrigins).toEqual(['https://sso.example'])
  })

  it('an auth handler is kept as given, not frozen', () => {
    const handler = (r: Request): Request => r
    const { session } = mockSession(undefined, { auth: handler })
    expect(session.auth).toBe(handler)
    expect(Object.isFrozen(handler)).toBe(false)
  })
})

describe('toJSON and save run the reader on what they write', () => {
  /** A session whose getters hand out what its setters would refuse (a stand-in for any drift). */
  function drifted(field: 'trustedOrigins' | 'sensitiveHeaders' | 'proxy'): Session {
    const { session } = mockSession()
    const Base = session.constructor as unknown as new () => Session
    const bad = {
      trustedOrigins: ['not an origin'],
      sensitiveHeaders: ['bad\r\n'],
      proxy: { http: 'javascript:x' },
    }[field]
    class Drifted extends Base {}
    Object.defineProperty(Drifted.prototype, field, { get: () => bad })
    return new Drifted()
  }

  it.each(['trustedOrigins', 'sensitiveHeaders', 'proxy'] as const)(
    '%s the constructor refuses: toJSON throws, save writes nothing',
    async (field) => {
      const session = drifted(field)
      expect(() => session.toJSON()).toThrow(SessionStateError)
      expect(() => session.toJSON()).toThrow(/cannot be saved/)
      const store = new MemoryStore()
      const error = await saveSession(session, store, 'k').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SessionStateError)
      expect((error as SessionStateError).path).toMatch(new RegExp(`^${field}`))
      expect(await store.get('k')).toBeNull()
    },
  )

  it('a cookie the jar would refuse on load is refused on save', async () => {
    const { session } = mockSession()
    session.cookies.set('a', 'b', { domain: 'example.com' })
    const jar = session.cookies
    const toJSON = jar.toJSON.bind(jar)
    // A jar writing what its reader refuses (a public-suffix domain).
    jar.toJSON = () => {
      const state = toJSON()
      for (const c of state.cookies as { domain: string }[]) c.domain = 'com'
      return state
    }
    const store = new MemoryStore()
    await expect(saveSession(session, store, 'k')).rejects.toThrow(/cookies.*cannot be saved/s)
    expect(await store.get('k')).toBeNull()
  })

  it('what save writes, load reads back', async () => {
    const { session } = mockSession(undefined, {
      proxy: { https: 'http://127.0.0.1:9' },
      trustedOrigins: ['https://sso.example'],
      sensitiveHeaders: ['x-api-key'],
    })
    const store = new MemoryStore()
    await saveSession(session, store, 'k')
    const again = await loadSession(cls(session), store, 'k')
    expect(again?.toJSON()).toEqual({ ...session.toJSON() })
  })
})
