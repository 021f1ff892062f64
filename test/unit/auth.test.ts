import { describe, expect, it } from 'vitest'
import { basicAuthorization, resolveAuth } from '../../src/auth.ts'

const decode = (header: string): string =>
  new TextDecoder().decode(
    Uint8Array.from(atob(header.replace(/^Basic /, '')), (c) => c.charCodeAt(0)),
  )

describe('basic auth (RFC 7617, UTF-8)', () => {
  it.each([
    ['user', 'pass', 'user:pass'],
    ['us:er', 'pass', 'us:er:pass'], // requests sends a ':' in the user name as is
    ['user', '', 'user:'],
    ['jürgen', 'pässwörd✓', 'jürgen:pässwörd✓'],
  ])('%j / %j encodes %j', (user, pass, expected) => {
    expect(decode(basicAuthorization(user, pass))).toBe(expected)
  })

  it('[user, pass] and { type: basic } resolve to the same header', () => {
    const a = resolveAuth(['u', 'p'], 'auth')
    const b = resolveAuth({ type: 'basic', username: 'u', password: 'p' }, 'auth')
    expect(a).toMatchObject({ kind: 'header', value: 'Basic dTpw' })
    expect(b).toMatchObject({ kind: 'header', value: 'Basic dTpw' })
  })

  it('bearer resolves to a Bearer header', () => {
    expect(resolveAuth({ type: 'bearer', token: 't0k' }, 'auth')).toMatchObject({
      value: 'Bearer t0k',
    })
  })

  it('a function is a handler', () => {
    const handler = (r: Request): Request => r
    expect(resolveAuth(handler, 'auth')).toMatchObject({ kind: 'handler', handler })
  })

  it('null means no auth', () => {
    expect(resolveAuth(null, 'auth')).toBeNull()
  })
})

describe('invalid auth fails at once with a TypeError naming the field and type', () => {
  it.each([
    [['a', 'b', 'c'], /auth: expected \[username, password\].*got array of length 3/],
    [42, /auth: expected .*got number/],
    [{}, /auth: expected .*got object without "type"/],
    [{ type: 'digest' }, /auth.username: expected a string, got undefined/],
    [{ type: 'kerberos' }, /auth: expected .*got object with type "kerberos"/],
    [['user', 5], /auth\[1\]: expected a string, got number/],
    [{ type: 'basic', username: 'u' }, /auth.password: expected a string, got undefined/],
    [
      { type: 'bearer', token: 'a\r\nX-Evil: 1' },
      /auth.token: expected a token without CR or LF, got a string of 12 characters/,
    ],
    ['user:pass', /auth: expected .*got string/],
  ])('%j', (input, message) => {
    expect(() => resolveAuth(input, 'auth')).toThrow(TypeError)
    expect(() => resolveAuth(input, 'auth')).toThrow(message)
  })
})
