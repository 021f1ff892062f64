/**
 * The retry planner: validates the `retry` option and decides, for one failed attempt, whether
 * to try again and after how long. Pure: time and randomness come in through `env`, and the
 * loop in `src/send.ts` does the waiting.
 *
 * Sources: urllib3's `Retry` (idempotent methods, `Retry-After`, status list), got's retry
 * options, RFC 9110 §10.2.3 (`Retry-After`) and §9.2.2 (idempotent methods), and the AWS
 * Architecture Blog "Exponential Backoff And Jitter" (full jitter).
 * @module
 */
import { ConnectionError, TimeoutError } from './errors.ts'
import type { RetryInit } from './types.ts'
import { invalid, maxTimeout } from './util/validate.ts'

/** The normalised retry policy. */
export interface ResolvedRetry {
  /** Retries after the first attempt; 0 disables retrying. */
  limit: number
  /** Upper-case methods that may be retried. */
  methods: ReadonlySet<string>
  /** Statuses that cause a retry. */
  statusCodes: ReadonlySet<number>
  /** Base delay in ms of the exponential backoff. */
  backoff: number
  /** Cap on any single delay in ms, `Retry-After` included. */
  maxDelay: number
  /** Honour the server's `Retry-After`. */
  respectRetryAfter: boolean
}

/** What happened on one attempt. */
export interface RetryOutcome {
  /** The method of the attempt. */
  method: string
  /** `false` when the body was a one-shot stream that cannot be sent again. */
  bodyReplayable: boolean
  /** The response, when one arrived. */
  response?: { status: number; headers: Headers } | undefined
  /** The error, when the attempt failed without a response. */
  error?: unknown
}

// RFC 9110 §9.2.2: the idempotent methods; urllib3 Retry.DEFAULT_ALLOWED_METHODS is the same set.
const defaultMethods: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']
// got's default retry.statusCodes; urllib3 retries 413/429/503 when Retry-After is present.
const defaultStatusCodes: readonly number[] = [408, 413, 429, 500, 502, 503, 504]
const defaultBackoff = 300
const defaultMaxDelay = 30_000
const knownKeys = new Set([
  'limit',
  'methods',
  'statusCodes',
  'backoff',
  'maxDelay',
  'respectRetryAfter',
])

/**
 * Validates a `retry` option (a number is `{ limit }`; `undefined` or `null` is no retries)
 * and fills in the defaults.
 * @throws {TypeError} naming the field (`retry.limit`…) for a value of the wrong type or an unknown key.
 * @throws {RangeError} naming the field for a negative, fractional or out-of-range number.
 * @example
 * resolveRetry({ limit: 3, backoff: 100 }, 'retry').methods.has('GET') // true
 */
export function resolveRetry(init: RetryInit | null | undefined, field: string): ResolvedRetry {
  if (init === undefined || init === null) return build({}, field)
  if (typeof init === 'number') return build({ limit: init }, field)
  if (typeof init !== 'object' || Array.isArray(init)) {
    throw invalid(field, 'a number or a retry options object', init)
  }
  for (const key of Object.keys(init)) {
    if (!knownKeys.has(key)) {
      throw invalid(
        `${field}.${key}`,
        `a known retry option (${[...knownKeys].join(', ')})`,
        (init as Record<string, unknown>)[key],
      )
    }
  }
  return build(init, field)
}

function build(init: Exclude<RetryInit, number>, field: string): ResolvedRetry {
  const limit = integer(init.limit, `${field}.limit`, 0)
  const backoff = nonNegative(init.backoff, `${field}.backoff`, defaultBackoff)
  const maxDelay = nonNegative(init.maxDelay, `${field}.maxDelay`, defaultMaxDelay)
  const respectRetryAfter = init.respectRetryAfter ?? true
  if (typeof respectRetryAfter !== 'boolean') {
    throw invalid(`${field}.respectRetryAfter`, 'a boolean', respectRetryAfter)
  }
  return {
    limit,
    methods: new Set(methodList(init.methods, `${field}.methods`)),
    statusCodes: new Set(statusList(init.statusCodes, `${field}.statusCodes`)),
    backoff,
    maxDelay,
    respectRetryAfter,
  }
}

function integer(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number') {
    throw invalid(field, 'a non-negative integer', value)
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalid(field, 'a non-negative integer', value, { range: true })
  }
  return value
}

function nonNegative(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number') {
    throw invalid(field, 'a number of milliseconds', value)
  }
  // Infinity is allowed for maxDelay-style caps ("no cap"); NaN and negatives are not.
  if (Number.isNaN(value) || value < 0) {
    throw invalid(field, 'a non-negative number of milliseconds', value, { range: true })
  }
  return value
}

function methodList(value: unknown, field: string): readonly string[] {
  if (value === undefined) return defaultMethods
  const items = arrayOf(value, field)
  return items.map((method, i) => {
    if (typeof method !== 'string' || method === '') {
      throw invalid(`${field}[${i}]`, 'a method name', method)
    }
    return method.toUpperCase()
  })
}

function statusList(value: unknown, field: string): readonly number[] {
  if (value === undefined) return defaultStatusCodes
  const items = arrayOf(value, field)
  return items.map((status, i) => {
    if (typeof status !== 'number') {
      throw invalid(`${field}[${i}]`, 'an HTTP status', status)
    }
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw invalid(`${field}[${i}]`, 'an HTTP status (100–599)', status, { range: true })
    }
    return status
  })
}

function arrayOf(value: unknown, field: string): readonly unknown[] {
  if (typeof value === 'string' || value === null || typeof value !== 'object') {
    throw invalid(field, 'an array', value)
  }
  if (!(Symbol.iterator in value)) {
    throw invalid(field, 'an array', value)
  }
  return [...(value as Iterable<unknown>)]
}

/**
 * The delay in ms before retry number `attempt` (1 = first retry), or `null` for no retry.
 *
 * Retried: attempts whose method is in `methods` and whose body can be sent again, that ended
 * with a status in `statusCodes`, a `ConnectionError`, or a `TimeoutError` of the `connect`
 * or `response` limit. Never retried: a user's abort, the `total` timeout (its budget covers
 * the retries), any other error.
 *
 * The delay is the server's `Retry-After` when present and `respectRetryAfter` is on;
 * otherwise exponential backoff `backoff * 2^(attempt-1)` with *full jitter* (a uniform
 * random delay between 0 and that value, AWS's recommendation, which spreads out clients
 * that failed together). Both are capped by `maxDelay`.
 * @example
 * planRetry(1, { method: 'GET', bodyReplayable: true, response: { status: 503, headers } }, retry, { now: Date.now(), random: Math.random })
 */
export function planRetry(
  attempt: number,
  outcome: RetryOutcome,
  options: ResolvedRetry,
  env: { now: number; random: () => number },
): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw invalid('attempt', 'a positive integer', attempt, { range: true })
  }
  if (attempt > options.limit) return null
  if (!options.methods.has(outcome.method.toUpperCase())) return null
  // Never resend a one-shot stream: it was consumed by the failed attempt.
  if (!outcome.bodyReplayable) return null

  const { response } = outcome
  if (response !== undefined) {
    if (!options.statusCodes.has(response.status)) return null
    if (options.respectRetryAfter) {
      // RFC 9110 §10.2.3: the server says how long to wait (on 503, 429 — RFC 6585 §4 — and
      // 413); honoured on any retried status that carries it.
      const after = parseRetryAfter(response.headers.get('retry-after'), env.now)
      // A timer cannot wait longer than maxTimeout (it would fire at once): a Retry-After of
      // months with `maxDelay: Infinity` waits the longest a timer can, never 1 ms.
      if (after !== null) return Math.min(after, options.maxDelay, maxTimeout)
    }
  } else if (!isRetriableError(outcome.error)) {
    return null
  }

  const ceiling = Math.min(options.backoff * 2 ** (attempt - 1), options.maxDelay)
  // Full jitter: uniform in [0, ceiling).
  const delay = Math.floor(env.random() * ceiling)
  return Math.min(Math.max(delay, 0), options.maxDelay, maxTimeout)
}

function isRetriableError(error: unknown): boolean {
  if (error instanceof TimeoutError) return error.limit !== 'total'
  return error instanceof ConnectionError
}

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) into a
 * delay in ms from `now`; a date in the past gives 0. `null` for a missing or invalid value.
 * @example
 * parseRetryAfter('120', Date.now()) // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:00Z')) // 60000
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null
  const text = value.trim()
  // delay-seconds = 1*DIGIT (RFC 9110 §10.2.3); no sign, no fraction.
  if (/^\d+$/.test(text)) {
    const seconds = Number(text)
    return Number.isFinite(seconds) ? seconds * 1000 : null
  }
  const date = parseHttpDate(text, now)
  return date === null ? null : Math.max(0, date - now)
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const dayName = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const longDayName = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
const time = '(\\d{2}):(\\d{2}):(\\d{2})'
// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept.
const imfFixdate = new RegExp(`^${dayName}, (\\d{2}) ([A-Za-z]{3}) (\\d{4}) ${time} GMT$`, 'i')
const rfc850 = new RegExp(`^${longDayName}, (\\d{2})-([A-Za-z]{3})-(\\d{2}) ${time} GMT$`, 'i')
const asctime = new RegExp(`^${dayName} ([A-Za-z]{3}) ([ \\d]\\d) ${time} (\\d{4})$`, 'i')

/**
 * Parses the three HTTP-date forms of RFC 9110 §5.6.7 to ms since the epoch, or `null`.
 * `now` places a two-digit RFC 850 year in its century.
 */
export function parseHttpDate(text: string, now: number): number | null {
  let day: string, month: string, year: number, hh: string, mm: string, ss: string
  let m = imfFixdate.exec(text)
  if (m) {
    ;[, day = '', month = '', , hh = '', mm = '', ss = ''] = m
    year = Number(m[3])
  } else if ((m = rfc850.exec(text))) {
    ;[, day = '', month = '', , hh = '', mm = '', ss = ''] = m
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
    const yy = Number(m[3])
    const thisYear = new Date(now).getUTCFullYear()
    const century = thisYear - (thisYear % 100)
    year = century + yy > thisYear + 50 ? century - 100 + yy : century + yy
  } else if ((m = asctime.exec(text))) {
    ;[, month = '', day = '', hh = '', mm = '', ss = ''] = m
    year = Number(m[6])
  } else {
    return null
  }
  const monthIndex = months.indexOf(month.toLowerCase())
  const d = Number(day.trim())
  const [h, min, s] = [Number(hh), Number(mm), Number(ss)]
  if (monthIndex < 0 || d < 1 || d > 31 || h > 23 || min > 59 || s > 60) return null
  const ms = Date.UTC(year, monthIndex, d, h, min, Math.min(s, 59))
  // Reject dates that roll over (31 Feb → 3 Mar).
  return new Date(ms).getUTCDate() === d ? ms : null
}
