import { describe, expect, it } from 'vitest'
import { readQuoted } from '../../../src/util/text.ts'

describe('readQuoted', () => {
  it('undoes backslash escapes and ends past the closing quote', () => {
    expect(readQuoted('realm="a\\"b", x', 6)).toEqual({ value: 'a"b', end: 12 })
  })

  it('runs an unterminated string to the end', () => {
    expect(readQuoted('"abc', 0)).toEqual({ value: 'abc', end: 5 })
  })
})
