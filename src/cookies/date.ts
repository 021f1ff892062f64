/**
 * The cookie-date algorithm of RFC 6265 §5.1.1 (unchanged in 6265bis §5.1.1). It is much
 * more liberal than `Date.parse` in what it tokenises, and much stricter about ranges: the
 * date is found by scanning delimiter-separated tokens for a time, a day of month, a month
 * and a year, in that order of preference.
 * @module
 */

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

// RFC 6265 §5.1.1: delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
function isDelimiter(c: number): boolean {
  return (
    c === 0x09 ||
    (c >= 0x20 && c <= 0x2f) ||
    (c >= 0x3b && c <= 0x40) ||
    (c >= 0x5b && c <= 0x60) ||
    (c >= 0x7b && c <= 0x7e)
  )
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

/**
 * Reads `min`..`max` digits at `token[start]` that must be followed by the end of the token
 * or a non-digit (`1*2DIGIT ( non-digit *OCTET )`). Returns the value and the end index.
 */
function digits(token: string, start: number, min: number, max: number): [number, number] | null {
  let i = start
  let value = 0
  while (i < token.length && isDigit(token.charCodeAt(i))) {
    if (i - start === max) return null // a further digit: too many
    value = value * 10 + token.charCodeAt(i) - 0x30
    i++
  }
  return i - start < min ? null : [value, i]
}

// time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field ":" time-field
function parseTime(token: string): [number, number, number] | null {
  const h = digits(token, 0, 1, 2)
  if (!h || token.charCodeAt(h[1]) !== 0x3a) return null
  const m = digits(token, h[1] + 1, 1, 2)
  if (!m || token.charCodeAt(m[1]) !== 0x3a) return null
  const s = digits(token, m[1] + 1, 1, 2)
  if (!s) return null
  return [h[0], m[0], s[0]]
}

/**
 * Parses a cookie-date (RFC 6265 §5.1.1) and returns milliseconds since the epoch, or
 * `null` where the algorithm says to fail. Two-digit years map 70–99 to 19xx and 00–69 to
 * 20xx; years before 1601, impossible times and dates that do not exist (31 April) fail.
 * @example
 * parseCookieDate('Wed, 09 Jun 2021 10:18:14 GMT') // 1623233894000
 * parseCookieDate('Sun Nov  6 08:49:37 1994')      // 784111777000
 * parseCookieDate('Tuesday')                       // null
 */
export function parseCookieDate(input: string): number | null {
  let time: [number, number, number] | null = null
  let day: number | null = null
  let month: number | null = null
  let year: number | null = null

  // Step 1: the date-token-list is the maximal runs of non-delimiters.
  const n = input.length
  let i = 0
  while (i < n) {
    while (i < n && isDelimiter(input.charCodeAt(i))) i++
    const start = i
    while (i < n && !isDelimiter(input.charCodeAt(i))) i++
    if (start === i) break
    const token = input.slice(start, i)

    // Step 2: each token is tried against time, day-of-month, month, year, in that order;
    // the first production not yet found that matches consumes the token.
    if (time === null) {
      const t = parseTime(token)
      if (t) {
        time = t
        continue
      }
    }
    if (day === null) {
      const d = digits(token, 0, 1, 2)
      if (d) {
        day = d[0]
        continue
      }
    }
    if (month === null && token.length >= 3) {
      const index = months.indexOf(token.slice(0, 3).toLowerCase())
      if (index !== -1) {
        month = index
        continue
      }
    }
    if (year === null) {
      const y = digits(token, 0, 2, 4)
      if (y) year = y[0]
    }
  }

  if (time === null || day === null || month === null || year === null) return null // step 5
  // Steps 3 and 4: two-digit years.
  if (year >= 70 && year <= 99) year += 1900
  else if (year >= 0 && year <= 69) year += 2000
  // Step 5: range checks.
  if (day < 1 || day > 31 || year < 1601 || time[0] > 23 || time[1] > 59 || time[2] > 59) {
    return null
  }
  // Step 6: "If no such date exists, abort these steps and fail to parse" (31 April).
  const ms = Date.UTC(year, month, day, time[0], time[1], time[2])
  if (new Date(ms).getUTCDate() !== day) return null
  return ms
}
