import { describe, expect, it } from 'vitest'
import { linksByRel, parseLinkHeader } from '../../src/links.ts'

describe('parseLinkHeader (RFC 8288 §3)', () => {
  it.each([
    // RFC 8288 §3.5 examples
    [
      '<http://example.com/TheBook/chapter2>; rel="previous"; title="previous chapter"',
      [{ url: 'http://example.com/TheBook/chapter2', rel: 'previous', title: 'previous chapter' }],
    ],
    ['</>; rel="http://example.net/foo"', [{ url: '/', rel: 'http://example.net/foo' }]],
    [
      '</terms>; rel="copyright"; anchor="#foo"',
      [{ url: '/terms', rel: 'copyright', anchor: '#foo' }],
    ],
    [
      '<http://example.org/>; rel="start http://example.net/relation/other"',
      [{ url: 'http://example.org/', rel: 'start http://example.net/relation/other' }],
    ],
    // GitHub pagination
    [
      '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"',
      [
        { url: 'https://api.github.com/x?page=2', rel: 'next' },
        { url: 'https://api.github.com/x?page=5', rel: 'last' },
      ],
    ],
    // a comma and a semicolon inside a quoted value do not split
    ['</a>; rel=next; title="a, b; c"', [{ url: '/a', rel: 'next', title: 'a, b; c' }]],
    // escapes in a quoted string
    ['</a>; title="say \\"hi\\""', [{ url: '/a', title: 'say "hi"' }]],
    // a commas inside the URL
    ['</a,b>; rel=next', [{ url: '/a,b', rel: 'next' }]],
    // names are lower-cased; the first of a repeated parameter wins (§3.3)
    ['</a>; REL=one; rel=two', [{ url: '/a', rel: 'one' }]],
    // a parameter without a value
    ['</a>; crossorigin', [{ url: '/a', crossorigin: '' }]],
    // garbage before a link is skipped
    ['junk, </a>; rel=next', [{ url: '/a', rel: 'next' }]],
    ['', []],
    ['<unterminated', []],
  ])('%j', (header, expected) => {
    expect(parseLinkHeader(header)).toEqual(expected)
  })

  it('runs in linear time on hostile input', () => {
    const parse = (n: number): number => {
      const input = '<' + ';'.repeat(n) + '>' + '; a="'.repeat(n)
      // Best of three: one garbage collection inside a single timing must not decide the case.
      let best = Infinity
      for (let round = 0; round < 3; round++) {
        const t = performance.now()
        parseLinkHeader(input)
        best = Math.min(best, performance.now() - t)
      }
      return best
    }
    parse(1000)
    const small = Math.max(parse(20_000), 0.5)
    const large = parse(200_000)
    expect(large / small).toBeLessThan(40)
  })
})

describe('linksByRel (requests response.links)', () => {
  it('keys by rel, else by url; each rel of a space-separated list', () => {
    const links = linksByRel('</p2>; rel="next", </p9>; rel="last END", </raw>')
    expect(links.next?.url).toBe('/p2')
    expect(links.last?.url).toBe('/p9')
    expect(links.end?.url).toBe('/p9')
    expect(links['/raw']).toEqual({ url: '/raw' })
  })

  it('is empty without a header', () => {
    expect(linksByRel(null)).toEqual({})
  })

  it('a later link with the same rel wins, as in requests', () => {
    expect(linksByRel('</a>; rel=next, </b>; rel=next').next?.url).toBe('/b')
  })
})
