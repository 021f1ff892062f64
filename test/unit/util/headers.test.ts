import { describe, expect, it } from 'vitest'
import { mergeHeaders, toHeaders } from '../../../src/util/headers.ts'

describe('header merge (requests merge_setting, case-insensitive)', () => {
  const defaults = toHeaders(
    { 'User-Agent': 'fs/1', 'X-Test': 'true', Accept: 'application/json' },
    'headers',
  )

  it('the request wins per name, compared case-insensitively', () => {
    const merged = mergeHeaders(defaults, { 'x-test': 'false', 'X-Other': '1' }, 'init.headers')
    expect(merged.get('x-test')).toBe('false')
    expect(merged.get('x-other')).toBe('1')
    expect(merged.get('user-agent')).toBe('fs/1')
  })

  it('null and explicit undefined remove a default for this request only', () => {
    const merged = mergeHeaders(defaults, { 'USER-AGENT': null, accept: undefined }, 'init.headers')
    expect(merged.has('user-agent')).toBe(false)
    expect(merged.has('accept')).toBe(false)
    expect(defaults.get('user-agent')).toBe('fs/1')
  })

  it('never mutates the defaults', () => {
    mergeHeaders(defaults, { 'x-test': 'no' }, 'init.headers')
    expect(defaults.get('x-test')).toBe('true')
  })

  it('keeps repeated values from arrays and pairs', () => {
    expect(toHeaders({ 'x-a': ['1', '2'] }, 'h').get('x-a')).toBe('1, 2')
    const merged = mergeHeaders(
      defaults,
      [
        ['x-b', '1'],
        ['x-b', '2'],
      ],
      'init.headers',
    )
    expect(merged.get('x-b')).toBe('1, 2')
  })

  it('accepts a Headers object and keeps Set-Cookie values apart', () => {
    const h = new Headers()
    h.append('set-cookie', 'a=1')
    h.append('set-cookie', 'b=2')
    expect(mergeHeaders(new Headers(), h, 'h').getSetCookie()).toEqual(['a=1', 'b=2'])
  })

  it.each([
    [{ 'x-a': 5 }, /h\["x-a"\]: expected a string, an array of strings or null, got number/],
    [7, /h: expected Headers, pairs or a record, got number/],
    [
      { 'bad name': 'v' },
      /h\["bad name"\]: expected a header name and value Fetch accepts, got a string of 1 character/,
    ],
  ])('bad headers %j → TypeError naming the field', (input, message) => {
    expect(() => toHeaders(input as never, 'h')).toThrow(message)
  })
})
