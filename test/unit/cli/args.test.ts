// HTTPie's request items and options, parsed without running anything.
import { describe, expect, it } from 'vitest'
import {
  completeURL,
  parseCommandLine,
  parseItem,
  UsageError,
  type CliArgs,
  type Item,
} from '../../../cli/args.ts'
import { buildRequest } from '../../../cli/request.ts'
import { redact } from '../../../cli/output.ts'

describe('request items', () => {
  it.each([
    ['X-Id:7', { kind: 'header', key: 'X-Id', value: '7' }],
    ['X-Gone:', { kind: 'header', key: 'X-Gone', value: '' }],
    ['X-Empty;', { kind: 'empty-header', key: 'X-Empty', value: '' }],
    ['q==a b', { kind: 'query', key: 'q', value: 'a b' }],
    ['name=ann', { kind: 'data', key: 'name', value: 'ann' }],
    ['age:=30', { kind: 'json', key: 'age', value: '30' }],
    ['doc@a.txt', { kind: 'file', key: 'doc', value: 'a.txt' }],
    ['bio=@b.txt', { kind: 'data-file', key: 'bio', value: 'b.txt' }],
    ['cfg:=@c.json', { kind: 'json-file', key: 'cfg', value: 'c.json' }],
    // The earliest separator wins: a URL in a value stays whole.
    ['site=http://x:1/', { kind: 'data', key: 'site', value: 'http://x:1/' }],
    ['Referer:http://x/?a=b', { kind: 'header', key: 'Referer', value: 'http://x/?a=b' }],
    ['a\\:b=c', { kind: 'data', key: 'a:b', value: 'c' }],
  ])('%s', (arg, item) => {
    expect(parseItem(arg)).toEqual(item)
  })

  // HTTPie's KeyValueArgType: a backslash escapes only a separator character (in the key, so
  // it does not end the key, or in the value); before anything else it is kept as typed.
  it.each([
    ['foo\\==bar', { kind: 'data', key: 'foo=', value: 'bar' }],
    ['bob\\:==foo', { kind: 'query', key: 'bob:', value: 'foo' }],
    ['foo\\:bar:baz', { kind: 'header', key: 'foo:bar', value: 'baz' }],
    ['jack\\@jill:hill', { kind: 'header', key: 'jack@jill', value: 'hill' }],
    ['X-Re:a\\d+', { kind: 'header', key: 'X-Re', value: 'a\\d+' }],
    ['X-Path:C:\\Users\\x', { kind: 'header', key: 'X-Path', value: 'C:\\Users\\x' }],
    ['re=a\\d+', { kind: 'data', key: 're', value: 'a\\d+' }],
    ['path=C:\\Users\\x', { kind: 'data', key: 'path', value: 'C:\\Users\\x' }],
    ['path=c:\\windows\\', { kind: 'data', key: 'path', value: 'c:\\windows\\' }],
    ['path\\==c:\\windows', { kind: 'data', key: 'path=', value: 'c:\\windows' }],
    ['j:={"q":"say \\"hi\\""}', { kind: 'json', key: 'j', value: '{"q":"say \\"hi\\""}' }],
    ['j:="a\\nb"', { kind: 'json', key: 'j', value: '"a\\nb"' }],
    // An escaped separator in a value is literal too (HTTPie tokenizes the whole item).
    ['x=a\\=b', { kind: 'data', key: 'x', value: 'a=b' }],
    // A backslash pair is one token, so the separator after it still counts.
    ['a\\\\:b', { kind: 'header', key: 'a\\\\', value: 'b' }],
  ])('backslashes: %s', (arg, item) => {
    expect(parseItem(arg)).toEqual(item)
  })

  it('JSON items keep their escapes: \\" and \\n reach JSON.parse', async () => {
    const items = ['j:={"q":"say \\"hi\\""}', 'n:="line1\\nline2"', 'p=C:\\tmp\\x'].map(
      (arg) => parseItem(arg) as Item,
    )
    const built = await buildRequest(undefined, items, false)
    expect(built.json).toEqual({ j: { q: 'say "hi"' }, n: 'line1\nline2', p: 'C:\\tmp\\x' })
  })

  const build = (args: string[], form = false) =>
    buildRequest(
      undefined,
      args.map((arg) => parseItem(arg) as Item),
      form,
    )

  it('a repeated header keeps every value, whatever its case; a removal replaces them', async () => {
    expect((await build(['X-A:1', 'x-a:2', 'X-B:3'])).headers).toEqual({
      'X-A': '1, 2',
      'X-B': '3',
    })
    expect((await build(['X-A:1', 'X-A:'])).headers).toEqual({ 'X-A': null })
    expect((await build(['X-A:', 'X-A:2'])).headers).toEqual({ 'X-A': '2' })
  })

  it('repeated query items and form fields keep both; a repeated JSON field is the last (HTTPie 3)', async () => {
    expect((await build(['a==1', 'a==2'])).params).toEqual([
      ['a', '1'],
      ['a', '2'],
    ])
    expect((await build(['a=1', 'a=2'], true)).form).toEqual([
      ['a', '1'],
      ['a', '2'],
    ])
    expect((await build(['a=1', 'a=2'])).json).toEqual({ a: '2' })
  })

  it('a word without a separator is not an item', () => {
    expect(parseItem('hello')).toBeNull()
  })
})

describe('the command line', () => {
  it('a first word of letters is the method; items follow the URL', () => {
    const args = parseCommandLine(['put', ':3000/x', 'a=1', '-v'])
    expect(args).toMatchObject({ method: 'PUT', url: ':3000/x', print: 'HBhb' })
  })

  it.each([
    // A word of letters that is no method, followed by a request item, is the URL.
    [['localhost', 'a=1'], undefined, 'localhost', ['a']],
    [['api', 'X-A:1'], undefined, 'api', ['X-A']],
    [['localhost', 'q==1', 'a=1'], undefined, 'localhost', ['q', 'a']],
    // A known method is the method whatever follows; so is any word before a URL.
    [['get', 'localhost'], 'GET', 'localhost', []],
    [['POST', 'api', 'a=1'], 'POST', 'api', ['a']],
    [['PURGE', 'example.org'], 'PURGE', 'example.org', []],
    [['PURGE', 'http://x/a'], 'PURGE', 'http://x/a', []],
    [['GET', 'http://x:1/a?b=c'], 'GET', 'http://x:1/a?b=c', []],
    [['localhost'], undefined, 'localhost', []],
    [['example.org', 'a=1'], undefined, 'example.org', ['a']],
  ])('%j: method %s, URL %s', (argv, method, url, keys) => {
    const args = parseCommandLine(argv) as CliArgs
    expect([args.method, args.url, args.items.map((i) => i.key)]).toEqual([method, url, keys])
  })

  it('refuses unknown options, a bad --print and both session options at once', () => {
    expect(() => parseCommandLine(['--nope', 'x'])).toThrow(UsageError)
    expect(() => parseCommandLine(['-p', 'Hx', 'x'])).toThrow(/--print: expected letters of HBhb/)
    expect(() => parseCommandLine(['--session', 'a', '--session-read-only', 'b', 'x'])).toThrow(
      /cannot be used together/,
    )
    expect(() => parseCommandLine(['--timeout', '-1', 'x'])).toThrow(/--timeout/)
  })

  it('a negative number after an option is its value, refused by its own range check', () => {
    for (const [option, expected] of [
      ['--timeout', 'a number of seconds >= 0'],
      ['--max-redirects', 'an integer >= 0'],
    ] as const) {
      for (const argv of [
        [option, '-1', 'x'],
        [`${option}=-1`, 'x'],
        ['x', option, '-0.5'],
      ]) {
        expect(() => parseCommandLine(argv)).toThrow(`${option}: expected ${expected}, got "-`)
      }
    }
    // A short option's value too.
    expect(parseCommandLine(['-o', '-1', 'x'])).toMatchObject({ output: '-1', url: 'x' })
    expect(parseCommandLine(['-I', 'x'])).toMatchObject({ ignoreStdin: true })
    expect(parseCommandLine(['x'])).toMatchObject({ ignoreStdin: false })
  })

  it('refuses --auth-type without --auth, and --json with --form', () => {
    for (const type of ['bearer', 'digest', 'basic']) {
      expect(() => parseCommandLine(['-A', type, 'x'])).toThrow(
        new UsageError(`--auth-type ${type} needs --auth (-a)`),
      )
    }
    expect(parseCommandLine(['-A', 'bearer', '-a', 'T', 'x'])).toMatchObject({ authType: 'bearer' })
    expect(() => parseCommandLine(['-j', '-f', 'x', 'a=1'])).toThrow(/mutually exclusive/)
    expect(parseCommandLine(['-j', 'x'])).toMatchObject({ json: true, form: false })
    expect(parseCommandLine(['x'])).toMatchObject({ json: false })
  })

  it('completes URLs as HTTPie does', () => {
    expect(completeURL(':3000/x')).toBe('http://localhost:3000/x')
    expect(completeURL('example.org')).toBe('http://example.org')
    expect(completeURL('https://example.org')).toBe('https://example.org')
  })
})

describe('redaction', () => {
  it('hides credentials and cookie values, keeping the scheme and names', () => {
    expect(redact('Authorization', 'Basic dXNlcjpwYXNz')).toBe('Basic <redacted>')
    expect(redact('proxy-authorization', 'token')).toBe('<redacted>')
    expect(redact('Cookie', 'a=1; b=2')).toBe('a=<redacted>; b=<redacted>')
    expect(redact('Set-Cookie', 'sid=x; Path=/; HttpOnly')).toBe('sid=<redacted>; Path=/; HttpOnly')
    expect(redact('Accept', '*/*')).toBe('*/*')
    // The session's sensitiveHeaders are credentials too.
    expect(redact('X-Api-Key', 'k-123', new Set(['x-api-key']))).toBe('<redacted>')
    expect(redact('X-Api-Key', 'k-123')).toBe('k-123')
  })
})
