import { describe, expect, it } from 'vitest'
import { netrcCredentials, parseNetrc } from '../../src/netrc.ts'
import type { Platform } from '../../src/platform.ts'
import { netrcAuth } from '../../src/trust-env.ts'

describe('parseNetrc', () => {
  it('reads machine, login, password, account and default', () => {
    const text = `
machine api.example.com login alice password s3cret
machine Other.Example
  login bob
  account acct
  password "pass word"
default login anon password guest
`
    expect(parseNetrc(text)).toEqual([
      { machine: 'api.example.com', login: 'alice', password: 's3cret', account: '' },
      { machine: 'Other.Example', login: 'bob', password: 'pass word', account: 'acct' },
      { machine: undefined, login: 'anon', password: 'guest', account: '' },
    ])
  })

  it.each([
    // comments at the start of a token, to the end of the line
    ['# a comment\nmachine h login u password p # trailing\n', 'u', 'p'],
    // a macdef block is skipped up to the next blank line
    ['macdef init\ncd /pub\nmachine fake login x\n\nmachine h login u password p', 'u', 'p'],
    // quoted tokens with escapes (Python 3.11 netrc)
    ['machine h login "a \\"b\\"" password "c\\\\d"', 'a "b"', 'c\\d'],
    // tabs and CRLF
    ['machine\th\r\n\tlogin\tu\r\n\tpassword\tp\r\n', 'u', 'p'],
    // account stands in for a missing login (requests get_netrc_auth)
    ['machine h account acct password p', 'acct', 'p'],
  ])('%j', (text, user, password) => {
    expect(netrcCredentials(parseNetrc(text), 'h')).toEqual([user, password])
  })

  it('empty or comment-only text has no entries', () => {
    expect(parseNetrc('')).toEqual([])
    expect(parseNetrc('# nothing\n')).toEqual([])
  })
})

describe('netrcCredentials (requests get_netrc_auth)', () => {
  const entries = parseNetrc(
    'machine a.test login ua password pa\nmachine A.test login dup password dup\ndefault login d password pd',
  )

  it('the first entry of the host wins, compared case-insensitively', () => {
    expect(netrcCredentials(entries, 'A.TEST')).toEqual(['ua', 'pa'])
  })

  it('an unknown host gets the default entry', () => {
    expect(netrcCredentials(entries, 'b.test')).toEqual(['d', 'pd'])
  })

  it('without a default an unknown host gets nothing', () => {
    expect(netrcCredentials(parseNetrc('machine a login u password p'), 'b')).toBeUndefined()
  })
})

describe('netrcAuth (trustEnv)', () => {
  const platformReading = (files: Record<string, string>, reads: string[]): Platform =>
    ({
      readFile: (path: string) => {
        reads.push(path)
        return files[path]
      },
    }) as unknown as Platform

  it('reads the file once per session and file name, not on every request', () => {
    const reads: string[] = []
    const platform = platformReading({ '/n': 'machine a.test login u password p\n' }, reads)
    const env = (key: string): string | undefined => (key === 'NETRC' ? '/n' : undefined)
    const session = {}
    const first = netrcAuth(session, platform, env)
    expect(first).not.toBeNull()
    expect(netrcAuth(session, platform, env)).toBe(first)
    expect(reads).toEqual(['/n'])
    // Another session reads it again (and sees a changed file).
    netrcAuth({}, platform, env)
    expect(reads).toEqual(['/n', '/n'])
  })

  it('remembers a missing file too, and looks again when NETRC names another', () => {
    const reads: string[] = []
    const platform = platformReading({}, reads)
    let netrc = '/missing'
    const env = (key: string): string | undefined => (key === 'NETRC' ? netrc : undefined)
    const session = {}
    expect(netrcAuth(session, platform, env)).toBeNull()
    expect(netrcAuth(session, platform, env)).toBeNull()
    expect(reads).toEqual(['/missing'])
    netrc = '/other'
    netrcAuth(session, platform, env)
    expect(reads).toEqual(['/missing', '/other'])
  })
})
