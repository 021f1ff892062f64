/**
 * The cookie-date algorithm of RFC 6265 §5.1.1 (unchanged in 6265bis §5.1.1). It is much
 * more liberal than `Date.parse` in what it tokenises, and much stricter about ranges: the
 * date is found by scanning delimiter-separated tokens for a time, a day of month, a month
 * and a year, in that order of preference.
 * @module
 */

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
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

// Where the last successful `digits` call stopped (module state keeps parsing allocation-free).
let digitsEnd = 0

/**
 * Reads `min`..`max` digits at `s[start]` that must be followed by the end of the token
 * (`end`) or a non-digit (`1*2DIGIT ( non-digit *OCTET )`). Returns the value, or -1.
 */
function digits(s: string, start: number, end: number, min: number, max: number): number {
  let i = start
  let value = 0
  while (i < end && isDigit(s.charCodeAt(i))) {
    if (i - start === max) return -1 // a further digit: too many
    value = value * 10 + s.charCodeAt(i) - 0x30
    i++
  }
  digitsEnd = i
  return i - start < min ? -1 : value
}

// time = hms-time ( non-digit *OCTET ); hms-time = time-field ":" time-field ":" time-field
// Returns hours * 3600 + minutes * 60 + seconds, or -1.
function parseTime(s: string, start: number, end: number): number {
  const h = digits(s, start, end, 1, 2)
  if (h === -1 || digitsEnd === end || s.charCodeAt(digitsEnd) !== 0x3a) return -1
  const m = digits(s, digitsEnd + 1, end, 1, 2)
  if (m === -1 || digitsEnd === end || s.charCodeAt(digitsEnd) !== 0x3a) return -1
  const sec = digits(s, digitsEnd + 1, end, 1, 2)
  // Step 5 range checks, done here so that the time packs into one number.
  if (sec === -1) return -1
  return h > 23 || m > 59 || sec > 59 ? -2 : h * 3600 + m * 60 + sec
}

// month = ( "jan" / … / "dec" ) *OCTET, case-insensitive: the first three letters decide.
function parseMonth(s: string, start: number, end: number): number {
  if (end - start < 3) return -1
  const a = s.charCodeAt(start)
  const b = s.charCodeAt(start + 1)
  const c = s.charCodeAt(start + 2)
  if ((a | b | c) >= 0x80) return -1
  const key = ((a | 0x20) << 16) | ((b | 0x20) << 8) | (c | 0x20)
  return monthKeys.indexOf(key)
}

const monthKeys = months.map(
  (m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2),
)

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 0x30
  const b = s.charCodeAt(i + 1) - 0x30
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/**
 * The preferred HTTP date, `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7 IMF-fixdate), read
 * at fixed offsets. On such a string the §5.1.1 token scan finds exactly these fields (the
 * weekday and "GMT" match no production), so the result is the same; the range checks are
 * shared. Returns `undefined` when the string does not have this exact shape.
 */
function parseIMFFixdate(s: string): number | null | undefined {
  if (
    s.length !== 29 ||
    s.charCodeAt(3) !== 0x2c ||
    s.charCodeAt(4) !== 0x20 ||
    s.charCodeAt(7) !== 0x20 ||
    s.charCodeAt(11) !== 0x20 ||
    s.charCodeAt(16) !== 0x20 ||
    s.charCodeAt(19) !== 0x3a ||
    s.charCodeAt(22) !== 0x3a ||
    s.charCodeAt(25) !== 0x20 ||
    !s.endsWith('GMT') ||
    !weekdays.includes(s.slice(0, 3))
  ) {
    return undefined
  }
  const day = twoDigits(s, 5)
  const month = parseMonth(s, 8, 11)
  const hi = twoDigits(s, 12)
  const lo = twoDigits(s, 14)
  const hour = twoDigits(s, 17)
  const minute = twoDigits(s, 20)
  const second = twoDigits(s, 23)
  if ((day | month | hi | lo | hour | minute | second) < 0) return undefined
  if (hour > 23 || minute > 59 || second > 59) return null
  return checkedDate(hi * 100 + lo, month, day, hour * 3600 + minute * 60 + second)
}

/** Steps 3–6 of §5.1.1 on found fields (`time` in seconds of the day). */
function checkedDate(y: number, month: number, day: number, time: number): number | null {
  let year = y
  // Steps 3 and 4: two-digit years.
  if (year >= 70 && year <= 99) year += 1900
  else if (year >= 0 && year <= 69) year += 2000
  // Step 5: range checks (the time's were made by the caller).
  if (day < 1 || day > 31 || year < 1601) return null
  // Step 6: "If no such date exists, abort these steps and fail to parse" (31 April).
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  if (day > (month === 1 ? (leap ? 29 : 28) : (monthDays[month] as number))) return null
  return Date.UTC(year, month, day) + time * 1000
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
  const fixed = parseIMFFixdate(input)
  if (fixed !== undefined) return fixed
  let time = -1
  let day = -1
  let month = -1
  let year = -1

  // Step 1: the date-token-list is the maximal runs of non-delimiters.
  const n = input.length
  let i = 0
  while (i < n) {
    while (i < n && isDelimiter(input.charCodeAt(i))) i++
    const start = i
    while (i < n && !isDelimiter(input.charCodeAt(i))) i++
    if (start === i) break

    // Step 2: each token is tried against time, day-of-month, month, year, in that order;
    // the first production not yet found that matches consumes the token.
    if (time === -1) {
      time = parseTime(input, start, i)
      if (time !== -1) continue
    }
    if (day === -1) {
      day = digits(input, start, i, 1, 2)
      if (day !== -1) continue
    }
    if (month === -1) {
      month = parseMonth(input, start, i)
      if (month !== -1) continue
    }
    if (year === -1) year = digits(input, start, i, 2, 4)
  }

  if (time < 0 || day === -1 || month === -1 || year === -1) return null // step 5
  return checkedDate(year, month, day, time)
}
