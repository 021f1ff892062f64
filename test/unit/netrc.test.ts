import { describe, expect, it } from 'vitest'
import { netrcCredentials, parseNetrc } from '../../src/netrc.ts'

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
