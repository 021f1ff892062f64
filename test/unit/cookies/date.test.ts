import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCookieDate } from '../../../src/cookies/date.ts'

const utc = (s: string): number => Date.parse(s)
// Code units across ASCII (delimiters, digits, letters, controls) and a little beyond.
const anyChar = fc.integer({ min: 0, max: 0x17f }).map((c) => String.fromCharCode(c))

describe('parseCookieDate (RFC 6265 §5.1.1)', () => {
  it.each([
    // The three formats of RFC 9110 §5.6.7, all found by the token scan.
    ['Sun, 06 Nov 1994 08:49:37 GMT', utc('1994-11-06T08:49:37Z')], // IMF-fixdate
    ['Sunday, 06-Nov-94 08:49:37 GMT', utc('1994-11-06T08:49:37Z')], // RFC 850
    ['Sun Nov  6 08:49:37 1994', utc('1994-11-06T08:49:37Z')], // asctime
    // §5.1.1 step 2: tokens in any order; the first production not yet found wins.
    ['08:49:37 1994 Nov 6', utc('1994-11-06T08:49:37Z')],
    ['6 Nov 1994 08:49:37', utc('1994-11-06T08:49:37Z')],
    // day-of-month = 1*2DIGIT ( non-digit *OCTET ); year likewise; month by 3 letters.
    ['6th November 1994 08:49:37', utc('1994-11-06T08:49:37Z')],
    ['Sun, 06 NOVEMBER 1994 08:49:37', utc('1994-11-06T08:49:37Z')],
    ['06 Nov 1994 8:9:7', utc('1994-11-06T08:09:07Z')], // time-field = 1*2DIGIT
    ['06 Nov 1994 08:49:37xyz', utc('1994-11-06T08:49:37Z')], // time ( non-digit *OCTET )
    // Steps 3 and 4: 70–99 → 19xx, 0–69 → 20xx.
    ['06 Nov 70 00:00:00', utc('1970-11-06T00:00:00Z')],
    ['06 Nov 69 00:00:00', utc('2069-11-06T00:00:00Z')],
    ['06 Nov 00 00:00:00', utc('2000-11-06T00:00:00Z')],
    ['Wed, 01 Jan 0000 00:00:00 GMT', utc('2000-01-01T00:00:00Z')], // "0000" is year 0 → 2000
    // Leap years (step 6 "no such date").
    ['29 Feb 2024 00:00:00', utc('2024-02-29T00:00:00Z')],
    ['29 Feb 2000 00:00:00', utc('2000-02-29T00:00:00Z')],
    ['Sat, 01 Jan 1601 00:00:00 GMT', utc('1601-01-01T00:00:00Z')], // earliest year allowed
  ])('%j is %d', (input, expected) => {
    expect(parseCookieDate(input)).toBe(expected)
  })

  it.each([
    ['', 'no tokens'],
    ['Tuesday', 'no time, day, month or year (step 5)'],
    ['06 Nov 1994', 'no time'],
    ['Nov 1994 08:49:37', 'no day-of-month'],
    ['06 1994 08:49:37', 'no month'],
    ['06 Nov 08:49:37', 'no year'],
    ['06 Nov 1994 24:00:00', 'hour > 23 (step 5)'],
    ['06 Nov 1994 23:60:00', 'minute > 59'],
    ['06 Nov 1994 23:59:60', 'second > 59'],
    ['32 Nov 1994 08:49:37', 'day > 31'],
    ['00 Nov 1994 08:49:37', 'day < 1'],
    ['06 Nov 1600 08:49:37', 'year < 1601'],
    ['31 Apr 2021 00:00:00', 'no such date (step 6)'],
    ['29 Feb 2023 00:00:00', 'not a leap year'],
    ['29 Feb 1900 00:00:00', 'century, not a leap year'],
    ['06 Nov 1994 123:49:37', 'time-field of three digits'],
    ['06 Nov 1994 08:49', 'hms-time needs three fields'],
    ['06 Nov 1994 08::37', 'empty time-field'],
    ['06 Nov 1994 08:49:', 'missing seconds'],
    ['06 Nov 5 08:49:37', 'year needs two digits'],
    ['06 Nov 19945 08:49:37', 'year of five digits'],
    ['Sun, 06 Nov 1994 25:49:37 GMT', 'IMF-fixdate shape with an impossible hour'],
    ['Sun, 31 Feb 1994 08:49:37 GMT', 'IMF-fixdate shape with an impossible day'],
    ['06 N\u00f6v 1994 08:49:37', 'non-ASCII month'],
  ])('%j is not a cookie-date: %s', (input) => {
    expect(parseCookieDate(input)).toBeNull()
  })

  it('the IMF-fixdate fast path agrees with the token scan on every fixdate-shaped string', () => {
    // A leading space is a delimiter: the same tokens, but the general algorithm runs.
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'))
    const day = fc.constantFrom('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
    const month = fc.constantFrom(
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
      'Foo',
      'jAN',
    )
    fc.assert(
      fc.property(day, two, month, two, two, two, two, two, (wd, dd, mon, y1, y2, h, m, s) => {
        const input = `${wd}, ${dd} ${mon} ${y1}${y2} ${h}:${m}:${s} GMT`
        expect(parseCookieDate(input)).toBe(parseCookieDate(` ${input}`))
      }),
      { numRuns: 500 },
    )
  })

  it('never throws and returns null or an integer for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyChar, maxLength: 40 }), (s) => {
        const r = parseCookieDate(s)
        expect(r === null || Number.isInteger(r)).toBe(true)
      }),
    )
  })
})
