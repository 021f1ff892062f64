import { describe, expect, it } from 'vitest'
import { md5 } from '@noble/hashes/legacy'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils'
import { digestAuthorization, parseChallenges, selectChallenge } from '../../src/auth/digest.ts'
import { resolveAuth } from '../../src/auth.ts'
import { allFeatures } from '../../src/features.ts'

// RFC 7616 §3.9.1: the two challenges a server sends, and the answers to each.
const rfc7616 =
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
  'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", ' +
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
  'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'
const input = {
  username: 'Mufasa',
  password: 'Circle of Life',
  method: 'GET',
  uri: '/dir/index.html',
  nc: 1,
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
}
const responseOf = (header: string): string | undefined => /response="(\w+)"/.exec(header)?.[1]

describe('RFC 7616 §3.9.1 example', () => {
  it('parses both challenges of one header', () => {
    const challenges = parseChallenges(rfc7616)
    expect(challenges).toHaveLength(2)
    expect(challenges[0]).toMatchObject({
      scheme: 'Digest',
      algorithm: 'SHA-256',
      qop: 'auth, auth-int',
    })
    expect(challenges[1]).toMatchObject({ algorithm: 'MD5', realm: 'http-auth@example.org' })
  })

  it('prefers SHA-256 and answers with the RFC response', () => {
    const challenge = selectChallenge(rfc7616)
    expect(challenge?.algorithm).toBe('SHA-256')
    const header = digestAuthorization(challenge ?? {}, input)
    expect(responseOf(header)).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    )
    expect(header).toBe(
      'Digest username="Mufasa", realm="http-auth@example.org", ' +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", uri="/dir/index.html", ' +
        'algorithm=SHA-256, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
        'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001, ' +
        'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"',
    )
  })

  it('answers the MD5 challenge with the RFC response', () => {
    const md5Challenge = parseChallenges(rfc7616)[1] ?? {}
    expect(responseOf(digestAuthorization(md5Challenge, input))).toBe(
      '8ca523f5e9506fed4657c9700eebdbec',
    )
  })
})

describe('RFC 2617 §3.5 example (MD5, qop=auth)', () => {
  it('gives the RFC response', () => {
    const challenge = selectChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", ' +
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    )
    const header = digestAuthorization(challenge ?? {}, {
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nc: 1,
      cnonce: '0a4f113b',
    })
    expect(responseOf(header)).toBe('6629fae49393a05397450978507c4ef1')
  })

  it('without qop (RFC 2069) the response skips nc and cnonce', () => {
    const challenge = { scheme: 'Digest', realm: 'r', nonce: 'n' }
    const header = digestAuthorization(challenge, { ...input, uri: '/' })
    expect(header).not.toContain('qop=')
    expect(header).not.toContain('nc=')
  })
})

describe('challenge selection', () => {
  it.each([
    ['Basic realm="x"', undefined],
    ['Digest realm="x", nonce="n", qop="auth-int"', undefined], // auth-int only: not answered
    ['Digest realm="x", nonce="n", algorithm=SHA-512-256', undefined],
    ['Digest realm="x"', undefined], // no nonce
    ['Basic realm="b", Digest realm="x", nonce="n"', 'x'],
    ['digest REALM="x", NONCE="n", algorithm=md5-SESS', 'x'],
  ])('%j', (header, realm) => {
    expect(selectChallenge(header)?.realm).toBe(realm)
  })

  it('userhash=true sends H(username:realm)', () => {
    const header = digestAuthorization(
      { scheme: 'Digest', realm: 'r', nonce: 'n', qop: 'auth', userhash: 'true' },
      input,
    )
    expect(header).toContain(`username="${bytesToHex(md5(utf8ToBytes('Mufasa:r')))}"`)
    expect(header).toContain('userhash=true')
  })

  it('quotes " and \\ in values', () => {
    const header = digestAuthorization(
      { scheme: 'Digest', realm: 'r', nonce: 'n' },
      { ...input, username: 'a"b\\c' },
    )
    expect(header).toContain('username="a\\"b\\\\c"')
  })
})

describe('MD5 (RFC 1321 §A.5 test suite) through @noble/hashes', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ])('%j', (text, hex) => {
    expect(bytesToHex(md5(utf8ToBytes(text)))).toBe(hex)
  })
})

describe("auth: { type: 'digest' }", () => {
  it('resolves to a handler with onResponse; bad fields name themselves', () => {
    const init = { type: 'digest', username: 'u', password: 'p' }
    const resolved = resolveAuth(init, 'auth', allFeatures)
    expect(resolved?.kind).toBe('handler')
    expect(() => resolveAuth({ type: 'digest', username: 'u' }, 'auth', allFeatures)).toThrow(
      /auth\.password/,
    )
  })

  it('a platform without the digest feature (the browser) says how to import it', () => {
    const init = { type: 'digest', username: 'u', password: 'p' }
    expect(() => resolveAuth(init, 'auth', {})).toThrow(/digestAuth\(user, pass\)/)
  })
})
