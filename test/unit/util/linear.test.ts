/**
 * Parsers and normalisers that see outside input run in linear time. Each case is timed on
 * one input of size 1e5 and on ten inputs of size 1e4 (and a hundred of 1e3): linear work
 * takes about as long, quadratic work ten times longer. Only the ratio is asserted.
 */
import { describe, expect, it } from 'vitest'
import { oneLine } from '../../../cli/output.ts'
import { parseSetCookie } from '../../../src/cookies/parse.ts'
import { parseRetryAfter } from '../../../src/retry.ts'
import { sessionToState } from '../../../src/state/write.ts'
import { trimHttpWhitespace, trimTrailing } from '../../../src/util/text.ts'
import { resolveURL } from '../../../src/util/url.ts'
import { mockSession } from '../../helpers/test-session.ts'

/** Milliseconds for `count` runs of `fn` on an input of `size`, best of three rounds. */
function time(
  fn: (input: string) => unknown,
  make: (size: number) => string,
  size: number,
  count: number,
): number {
  const inputs = Array.from({ length: count }, () => make(size))
  let best = Infinity
  for (let round = 0; round < 3; round++) {
    const start = performance.now()
    for (const input of inputs) fn(input)
    best = Math.min(best, performance.now() - start)
  }
  return best
}

/** How much longer one 1e5 input takes than ten 1e4 inputs (1 when linear, 10 when quadratic). */
function growth(fn: (input: string) => unknown, make: (size: number) => string): number {
  time(fn, make, 1e3, 100) // warm up the JIT
  const small = time(fn, make, 1e4, 10)
  const large = time(fn, make, 1e5, 1)
  // A floor of 1 ms keeps timer resolution from deciding a case that is fast at both sizes.
  return Math.max(large, 1) / Math.max(small, 1)
}

// A long inner run of whitespace and a trailing space: what made `/[\t\n\r ]+$/` quadratic.
const spaced = (n: number): string => `a${' '.repeat(n)}b `
const slashed = (n: number): string => `https://api.example/v1${'/'.repeat(n)}x`

const headersSession = mockSession().session

const cases: [string, (input: string) => unknown, (n: number) => string][] = [
  ['trimHttpWhitespace (Node adapter header fields)', trimHttpWhitespace, spaced],
  ['trimTrailing', (s) => trimTrailing(s, '/'), slashed],
  ['resolveURL: a baseURL with an inner run of slashes', (b) => resolveURL('y', b), slashed],
  [
    'state header normalisation (toJSON)',
    (v) => {
      headersSession.headers.set('x-long', v)
      return sessionToState(headersSession)
    },
    spaced,
  ],
  [
    'parseSetCookie: whitespace runs in the value and attributes',
    parseSetCookie,
    (n) => `a=b${' '.repeat(n)}c ; Path=/${' '.repeat(n)}x `,
  ],
  ['parseRetryAfter', (v) => parseRetryAfter(v, 0), (n) => `Wed,${' '.repeat(n)}x `],
  [
    "the CLI's one-line error message (quotes a Location value)",
    oneLine,
    (n) => `to ${' '.repeat(n)}x\n y`,
  ],
]

describe('linear time on outside input', () => {
  it.each(cases)('%s', (_name, fn, make) => {
    expect(growth(fn, make)).toBeLessThan(4)
  })

  it('trims as the regular expressions did', () => {
    expect(trimHttpWhitespace(' \t a  b \r\n')).toBe('a  b')
    expect(trimHttpWhitespace('   ')).toBe('')
    expect(trimHttpWhitespace('ab')).toBe('ab')
    expect(trimTrailing('https://a.example/v1//', '/')).toBe('https://a.example/v1')
    expect(trimTrailing('///', '/')).toBe('')
    expect(resolveURL('x', 'https://a.example/v1//').href).toBe('https://a.example/v1/x')
    const regex = (m: string): string => m.replace(/\s*\n\s*/g, ' ')
    for (const m of [
      'a',
      'a\nb',
      ' a \r\n\t b ',
      'a\n   \nb',
      '  \nb',
      'a\n\n',
      '\n',
      'a \n',
      'x\n\n\ny\nz',
    ]) {
      expect(oneLine(m)).toBe(regex(m))
    }
  })
})
