import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConnectionError, TimeoutError } from '../../src/errors.ts'
import {
  parseHttpDate,
  parseRetryAfter,
  planRetry,
  resolveRetry,
  type ResolvedRetry,
} from '../../src/retry.ts'
import { mockSession } from '../helpers/test-session.ts'

const now = Date.parse('2015-10-21T07:28:00Z')
const half = { now, random: () => 0.5 }

function response(status: number, retryAfter?: string): { status: number; headers: Headers } {
  const headers = new Headers()
  if (retryAfter !== undefined) headers.set('retry-after', retryAfter)
  return { status, headers }
}

function options(init: Parameters<typeof resolveRetry>[0] = { limit: 3 }): ResolvedRetry {
  return resolveRetry(init, 'retry')
}

describe('resolveRetry', () => {
  it('defaults to no retries, the idempotent methods and the got status list', () => {
    const resolved = resolveRetry(undefined, 'retry')
    expect(resolved).toEqual({
      limit: 0,
      // RFC 9110 §9.2.2; urllib3 Retry.DEFAULT_ALLOWED_METHODS
      methods: new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']),
      statusCodes: new Set([408, 413, 429, 500, 502, 503, 504]),
      backoff: 300,
      maxDelay: 30_000,
      respectRetryAfter: true,
    })
    expect(resolveRetry(null, 'retry').limit).toBe(0)
  })

  it('a number is the limit', () => {
    expect(resolveRetry(4, 'retry').limit).toBe(4)
  })

  it('takes every option and upper-cases methods', () => {
    expect(
      resolveRetry(
        {
          limit: 2,
          methods: ['post', 'Get'],
          statusCodes: [503],
          backoff: 10,
          maxDelay: Infinity,
          respectRetryAfter: false,
        },
        'retry',
      ),
    ).toEqual({
      limit: 2,
      methods: new Set(['POST', 'GET']),
      statusCodes: new Set([503]),
      backoff: 10,
      maxDelay: Infinity,
      respectRetryAfter: false,
    })
  })

  it.each([
    ['x', TypeError, 'retry: expected a number or a retry options object, got string'],
    [[1], TypeError, 'retry: expected a number or a retry options object, got array of length 1'],
    [-1, RangeError, 'retry.limit: expected a non-negative integer, got -1'],
    [1.5, RangeError, 'retry.limit: expected a non-negative integer, got 1.5'],
    [NaN, RangeError, 'retry.limit: expected a non-negative integer, got NaN'],
    [{ limit: '3' }, TypeError, 'retry.limit: expected a non-negative integer, got string'],
    [{ retries: 3 }, TypeError, /^retry\.retries: expected a known retry option/],
    [{ methods: 'GET' }, TypeError, 'retry.methods: expected an array, got string'],
    [{ methods: {} }, TypeError, 'retry.methods: expected an array, got object'],
    [{ methods: [1] }, TypeError, 'retry.methods[0]: expected a method name, got number'],
    [{ methods: [''] }, TypeError, 'retry.methods[0]: expected a method name, got string'],
    [{ statusCodes: 503 }, TypeError, 'retry.statusCodes: expected an array, got number'],
    [
      { statusCodes: ['503'] },
      TypeError,
      'retry.statusCodes[0]: expected an HTTP status, got string',
    ],
    [
      { statusCodes: [503, 99] },
      RangeError,
      'retry.statusCodes[1]: expected an HTTP status (100–599), got 99',
    ],
    [{ statusCodes: [600] }, RangeError, /got 600$/],
    [
      { backoff: -1 },
      RangeError,
      'retry.backoff: expected a non-negative number of milliseconds, got -1',
    ],
    [{ backoff: '1' }, TypeError, 'retry.backoff: expected a number of milliseconds, got string'],
    [{ maxDelay: NaN }, RangeError, /^retry\.maxDelay: expected a non-negative number/],
    [
      { respectRetryAfter: 'yes' },
      TypeError,
      'retry.respectRetryAfter: expected a boolean, got string',
    ],
  ])('rejects %j', (init, type, message) => {
    expect(() => resolveRetry(init as never, 'retry')).toThrow(type)
    expect(() => resolveRetry(init as never, 'retry')).toThrow(message)
  })

  it('names the field it was given', () => {
    expect(() => resolveRetry({ limit: -2 }, 'init.retry')).toThrow(/^init\.retry\.limit/)
  })
})

describe('planRetry: what is retried', () => {
  it.each([
    ['GET', 503, 'default status'],
    ['PUT', 500, 'PUT is idempotent'],
    ['DELETE', 502, 'DELETE is idempotent'],
    ['HEAD', 504, 'HEAD'],
    ['OPTIONS', 429, 'OPTIONS'],
    ['TRACE', 408, 'TRACE'],
    ['get', 413, 'method case is ignored'],
  ])('%s answered %i is retried (%s)', (method, status) => {
    expect(
      planRetry(1, { method, bodyReplayable: true, response: response(status) }, options(), half),
    ).not.toBeNull()
  })

  it.each([
    ['POST', 503, 'POST is not idempotent (RFC 9110 §9.2.2)'],
    ['PATCH', 503, 'PATCH is not idempotent'],
    ['GET', 200, 'success'],
    ['GET', 404, 'a client error'],
    ['GET', 501, 'not in the list'],
    ['GET', 302, 'a redirect'],
  ])('%s answered %i is not retried (%s)', (method, status) => {
    expect(
      planRetry(1, { method, bodyReplayable: true, response: response(status) }, options(), half),
    ).toBeNull()
  })

  it('POST is retried when the user lists it', () => {
    const retry = options({ limit: 1, methods: ['POST'] })
    expect(
      planRetry(1, { method: 'POST', bodyReplayable: true, response: response(503) }, retry, half),
    ).not.toBeNull()
  })

  it('a one-shot stream body is never retried', () => {
    const retry = options({ limit: 5, methods: ['POST'] })
    expect(
      planRetry(1, { method: 'POST', bodyReplayable: false, response: response(503) }, retry, half),
    ).toBeNull()
  })

  it('stops after the limit', () => {
    const retry = options({ limit: 2 })
    const outcome = { method: 'GET', bodyReplayable: true, response: response(503) }
    expect(planRetry(2, outcome, retry, half)).not.toBeNull()
    expect(planRetry(3, outcome, retry, half)).toBeNull()
    expect(planRetry(1, outcome, options({ limit: 0 }), half)).toBeNull()
  })

  it.each([
    ['a ConnectionError', new ConnectionError('refused', { code: 'ECONNREFUSED' }), true],
    ['a connect TimeoutError', new TimeoutError('connect', 100), true],
    ['a response TimeoutError', new TimeoutError('response', 100), true],
    [
      'the total TimeoutError (its budget covers the retries)',
      new TimeoutError('total', 100),
      false,
    ],
    ['a user abort', new DOMException('aborted', 'AbortError'), false],
    ['a TypeError', new TypeError('bad'), false],
    ['a thrown string', 'boom', false],
  ])('%s: retried = %s', (_name, error, retried) => {
    const delay = planRetry(1, { method: 'GET', bodyReplayable: true, error }, options(), half)
    expect(delay !== null).toBe(retried)
  })

  it.each([0, -1, 1.5])('attempt %s is a RangeError', (attempt) => {
    expect(() =>
      planRetry(
        attempt,
        { method: 'GET', bodyReplayable: true, response: response(503) },
        options(),
        half,
      ),
    ).toThrow(RangeError)
  })
})

describe('planRetry: delays', () => {
  const outcome = { method: 'GET', bodyReplayable: true, error: new ConnectionError('reset') }

  it.each([
    [1, 0.5, 50],
    [2, 0.5, 100],
    [3, 0.5, 200],
    [4, 0.999, 799],
    [3, 0, 0],
  ])(
    'attempt %i with random %d waits %i ms (backoff 100, full jitter)',
    (attempt, random, expected) => {
      const retry = options({ limit: 10, backoff: 100 })
      expect(planRetry(attempt, outcome, retry, { now, random: () => random })).toBe(expected)
    },
  )

  it('the backoff is capped by maxDelay', () => {
    const retry = options({ limit: 30, backoff: 1000, maxDelay: 5000 })
    expect(planRetry(20, outcome, retry, { now, random: () => 0.999999 })).toBe(4999)
  })

  it('property: every delay is within [0, min(maxDelay, backoff * 2^(attempt-1))]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, backoff, maxDelay, random) => {
          const retry = options({ limit: 40, backoff, maxDelay })
          const delay = planRetry(attempt, outcome, retry, { now, random: () => random })
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThanOrEqual(Math.min(maxDelay, backoff * 2 ** (attempt - 1)))
        },
      ),
    )
  })

  // RFC 9110 §10.2.3; RFC 6585 §4 (429).
  it.each([
    [503, '2', 2000],
    [429, '0', 0],
    [413, '1', 1000],
    [503, 'Wed, 21 Oct 2015 07:28:03 GMT', 3000],
    [503, 'Wed, 21 Oct 2015 07:00:00 GMT', 0], // a date in the past: retry at once
    [503, '120', 10_000], // capped by maxDelay
  ])('%i with Retry-After %j waits %i ms', (status, value, expected) => {
    const retry = options({ limit: 1, maxDelay: 10_000 })
    expect(
      planRetry(
        1,
        { method: 'GET', bodyReplayable: true, response: response(status, value) },
        retry,
        half,
      ),
    ).toBe(expected)
  })

  it('an invalid Retry-After falls back to the backoff', () => {
    const retry = options({ limit: 1, backoff: 100 })
    expect(
      planRetry(
        1,
        { method: 'GET', bodyReplayable: true, response: response(503, 'soon') },
        retry,
        half,
      ),
    ).toBe(50)
  })

  it('respectRetryAfter: false ignores the header', () => {
    const retry = options({ limit: 1, backoff: 100, respectRetryAfter: false })
    expect(
      planRetry(
        1,
        { method: 'GET', bodyReplayable: true, response: response(503, '20') },
        retry,
        half,
      ),
    ).toBe(50)
  })
})

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['5', 5000],
    [' 7 ', 7000],
    // RFC 9110 §5.6.7: the three HTTP-date forms
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['Wednesday, 21-Oct-15 07:28:10 GMT', 10_000],
    ['Wed Oct 21 07:28:10 2015', 10_000],
    ['wed, 21 oct 2015 07:28:10 gmt', 10_000],
    ['Tue, 20 Oct 2015 07:28:10 GMT', 0],
  ])('%j → %i ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected)
  })

  it.each([
    null,
    '',
    '-1',
    '1.5',
    '+3',
    '1e3',
    'soon',
    'Wed, 31 Feb 2015 07:28:10 GMT',
    'Wed, 21 Foo 2015 07:28:10 GMT',
    'Wed, 21 Oct 2015 25:28:10 GMT',
    'Wed, 21 Oct 2015 07:28:10 PST',
    '2015-10-21T07:28:10Z',
  ])('%j is not a Retry-After', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull()
  })

  it('a two-digit RFC 850 year more than 50 years ahead is in the last century (RFC 9110 §5.6.7)', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(
      Date.UTC(1994, 10, 6, 8, 49, 37),
    )
    expect(parseHttpDate('Sunday, 06-Nov-50 08:49:37 GMT', now)).toBe(
      Date.UTC(2050, 10, 6, 8, 49, 37),
    )
  })
})

describe('through Session + MockAdapter', () => {
  it('retries a 503 and the hooks see every attempt', async () => {
    let calls = 0
    const { session, adapter } = mockSession(() =>
      ++calls < 3
        ? new Response('busy', { status: 503, headers: { 'retry-after': '0' } })
        : new Response('ok'),
    )
    const attempts: number[] = []
    const retries: [number, number, number | undefined][] = []
    const r = await session.get('https://a.test/', {
      retry: { limit: 5 },
      hooks: {
        beforeRequest: [({ attempt }) => void attempts.push(attempt)],
        beforeRetry: [
          ({ attempt, delay, response }) => void retries.push([attempt, delay, response?.status]),
        ],
      },
    })
    expect(await r.text()).toBe('ok')
    expect(adapter.requests).toHaveLength(3)
    expect(attempts).toEqual([0, 1, 2])
    expect(retries).toEqual([
      [1, 0, 503],
      [2, 0, 503],
    ])
  })

  it('does not retry a POST by default', async () => {
    const { session, adapter } = mockSession(() => new Response('busy', { status: 503 }))
    const r = await session.post('https://a.test/', { body: 'x', retry: 3 })
    expect(r.status).toBe(503)
    expect(adapter.requests).toHaveLength(1)
  })
})
