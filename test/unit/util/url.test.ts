import { describe, expect, it } from 'vitest'
import { InvalidURLError } from '../../../src/errors.ts'
import { appendParams, mergeParams, resolveURL, toSearchParams } from '../../../src/util/url.ts'

describe('resolveURL joins request paths to baseURL', () => {
  it.each([
    // [baseURL, url, expected]
    ['https://api.test/v1', '/users', 'https://api.test/v1/users'],
    ['https://api.test/v1/', '/users', 'https://api.test/v1/users'],
    ['https://api.test/v1/', 'users', 'https://api.test/v1/users'],
    ['https://api.test/v1', 'users', 'https://api.test/v1/users'],
    ['https://api.test', '/users', 'https://api.test/users'],
    ['https://api.test/v1', '', 'https://api.test/v1'],
    ['https://api.test/v1?key=1', '?page=2', 'https://api.test/v1?page=2'],
    ['https://api.test/v1', '#top', 'https://api.test/v1#top'],
    ['https://api.test/v1', 'https://other.test/a', 'https://other.test/a'],
    ['https://api.test/v1', '//cdn.test/a', 'https://cdn.test/a'],
    ['https://api.test/v1?key=1', '/users', 'https://api.test/v1/users'],
  ])('%s + %j → %s', (base, url, expected) => {
    expect(resolveURL(url, base).href).toBe(expected)
  })

  it('accepts an absolute URL without baseURL', () => {
    expect(resolveURL('http://127.0.0.1:8080/x', undefined).href).toBe('http://127.0.0.1:8080/x')
  })

  it('says a relative URL needs a baseURL', () => {
    expect(() => resolveURL('/users', undefined)).toThrow(InvalidURLError)
    expect(() => resolveURL('/users', undefined)).toThrow(/needs the session baseURL/)
  })

  it('removes userinfo from the error message', () => {
    expect(() => resolveURL('http://user:secret@[bad', undefined)).toThrow(/^(?!.*secret)/)
  })

  it('rejects a non-string URL with a TypeError naming the field', () => {
    expect(() => resolveURL(42 as unknown as string, undefined)).toThrow(
      /url: expected a string or URL, got number/,
    )
  })
})

describe('params merge (requests merge_setting)', () => {
  const session = toSearchParams({ a: '1', tag: ['x', 'y'] }, 'params')

  it('arrays become repeated keys', () => {
    expect(session.toString()).toBe('a=1&tag=x&tag=y')
  })

  it('a request key replaces every session value of that key', () => {
    expect(mergeParams(session, { tag: 'z' }, 'init.params').toString()).toBe('a=1&tag=z')
  })

  it('null removes a session key for this request only', () => {
    expect(mergeParams(session, { a: null }, 'init.params').toString()).toBe('tag=x&tag=y')
    expect(session.toString()).toBe('a=1&tag=x&tag=y')
  })

  it('accepts strings, pairs, numbers and booleans', () => {
    expect(mergeParams(new URLSearchParams(), 'q=1', 'p').toString()).toBe('q=1')
    expect(mergeParams(new URLSearchParams(), [['n', 2]], 'p').toString()).toBe('n=2')
    expect(mergeParams(new URLSearchParams(), { ok: true }, 'p').toString()).toBe('ok=true')
  })

  it('appends to the query already in the URL', () => {
    const url = new URL('http://h.test/p?x=1')
    appendParams(url, new URLSearchParams('y=2'))
    expect(url.href).toBe('http://h.test/p?x=1&y=2')
  })

  it.each([
    [{ a: {} }, /params\["a"\]: expected a string, number, boolean or array of them, got object/],
    [42, /params: expected URLSearchParams, a string, pairs or a record, got number/],
    [[['a']], /params: expected \[key, value\] pairs, got array of length 1/],
  ])('bad params %j → TypeError naming the field', (input, message) => {
    expect(() => toSearchParams(input as never, 'params')).toThrow(message)
  })
})
