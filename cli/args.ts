/**
 * The command line, parsed: options through Node's `util.parseArgs`, then HTTPie's
 * positional `[METHOD] URL [ITEM ...]` by hand (HTTPie's `cli/argtypes.py` rules).
 * @module
 */
import { parseArgs } from 'node:util'

/** A usage mistake: reported as one line on stderr, exit status 1. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** One request item (`Header:Value`, `name==query`, `field=string`, `field:=json`, `field@file`…). */
export interface Item {
  kind: 'header' | 'empty-header' | 'query' | 'data' | 'json' | 'file' | 'data-file' | 'json-file'
  key: string
  value: string
}

/** Everything the command line asked for. */
export interface CliArgs {
  method: string | undefined
  url: string
  items: Item[]
  /** `--json`: data items as JSON (the default) and `Accept: application/json` even without them. */
  json: boolean
  form: boolean
  /** `--ignore-stdin` (`-I`): never read piped stdin as the body. */
  ignoreStdin: boolean
  session: string | undefined
  sessionReadOnly: boolean
  cookies: string | undefined
  auth: string | undefined
  authType: 'basic' | 'bearer' | 'digest'
  verbose: boolean
  print: string | undefined
  follow: boolean
  maxRedirects: number
  checkStatus: boolean
  timeout: number | undefined
  proxy: string[]
  verify: string
  cert: string | undefined
  certKey: string | undefined
  offline: boolean
  download: boolean
  output: string | undefined
}

const options = {
  json: { type: 'boolean', short: 'j' },
  form: { type: 'boolean', short: 'f' },
  'ignore-stdin': { type: 'boolean', short: 'I' },
  session: { type: 'string' },
  'session-read-only': { type: 'string' },
  cookies: { type: 'string' },
  auth: { type: 'string', short: 'a' },
  'auth-type': { type: 'string', short: 'A' },
  verbose: { type: 'boolean', short: 'v' },
  print: { type: 'string', short: 'p' },
  headers: { type: 'boolean', short: 'h' },
  body: { type: 'boolean', short: 'b' },
  follow: { type: 'boolean', short: 'F' },
  'no-follow': { type: 'boolean' },
  'max-redirects': { type: 'string' },
  'check-status': { type: 'boolean' },
  timeout: { type: 'string' },
  proxy: { type: 'string', multiple: true },
  verify: { type: 'string' },
  cert: { type: 'string' },
  'cert-key': { type: 'string' },
  offline: { type: 'boolean' },
  download: { type: 'boolean', short: 'd' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean' },
  version: { type: 'boolean' },
} as const

// Longest first at one position; the earliest position in the item wins (HTTPie's rule).
const separators: [string, Item['kind']][] = [
  [':=@', 'json-file'],
  ['=@', 'data-file'],
  ['==', 'query'],
  [':=', 'json'],
  ['=', 'data'],
  ['@', 'file'],
  [':', 'header'],
  [';', 'empty-header'],
]

// The characters a backslash can escape: those of the separators. A backslash before any
// other character is kept as typed, so JSON escapes and Windows paths pass through.
const special = new Set(':=@;')

/**
 * Splits one request item at its first unescaped separator (HTTPie's `KeyValueArgType`):
 * `\` before a separator character makes it literal (`foo\=bar=baz` is the field `foo=bar`,
 * `a\:b:c` the header `a:b`); before anything else the backslash stays (`re=a\d+` is `a\d+`,
 * `j:={"q":"\"hi\""}` is valid JSON).
 */
export function parseItem(arg: string): Item | null {
  // Escaped characters are collected as literal text and never match a separator.
  let key = ''
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i] as string
    if (c === '\\') {
      const next = arg[i + 1]
      if (next !== undefined && special.has(next)) key += next
      else key += c + (next ?? '')
      // The pair is one token: `\\:` is a backslash pair, then a separator.
      i++
      continue
    }
    for (const [sep, kind] of separators) {
      if (arg.startsWith(sep, i)) {
        const value = unescape(arg.slice(i + sep.length))
        if (kind === 'empty-header' && value !== '') break
        if (key === '' && kind !== 'data' && kind !== 'json') return null
        return { kind, key, value }
      }
    }
    key += c
  }
  return null
}

/** A value's escaped separator characters made literal; every other backslash kept. */
function unescape(value: string): string {
  return value.replace(/\\(.)/gs, (match, c: string) => (special.has(c) ? c : match))
}

function number(value: string | undefined, name: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${name}: expected ${integer ? 'an integer' : 'a number of seconds'} >= 0, got ${JSON.stringify(value)}`,
    )
  }
  return n
}

// Methods taken as such whatever follows them (RFC 9110 §9, PATCH, and WebDAV's).
const knownMethods = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'PURGE',
  'REPORT',
  'SEARCH',
])

/**
 * Whether the first word is the method: a word of letters followed by the URL (HTTPie's
 * `_guess_method`). A word that is no known method is the URL when the word after it is a
 * request item (`localhost a=1`, `api X-A:1`), as HTTPie reads `URL ITEM` back.
 */
function isMethod(words: string[]): boolean {
  const [first, next] = words
  if (first === undefined || next === undefined || !/^[A-Za-z]+$/.test(first)) return false
  if (knownMethods.has(first.toUpperCase())) return true
  // A URL with a scheme (`http://x/`) also splits as a header item; it is still the URL.
  return parseItem(next) === null || /^[a-z][a-z\d+.-]*:\/\//i.test(next)
}

// The options that take a value, by `--name` and by `-x`.
const takesValue = new Set(
  Object.entries(options).flatMap(([name, o]) =>
    o.type === 'string' ? [`--${name}`, ...('short' in o ? [`-${o.short}`] : [])] : [],
  ),
)

/**
 * `--timeout -1` as `--timeout=-1` (`-p -1` as `-p-1`): `util.parseArgs` refuses a value
 * that looks like an option as ambiguous, so a negative number reaches the option's own check.
 */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const next = argv[i + 1]
    if (takesValue.has(arg) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`)
      i++
    } else {
      out.push(arg)
    }
  }
  return out
}

/** `null` for `--help` / `--version` (the caller prints them), else the parsed request. */
export function parseCommandLine(argv: string[]): CliArgs | { help: true } | { version: true } {
  let parsed
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      options,
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments')
  }
  const { values: v, positionals } = parsed
  if (v.help) return { help: true }
  if (v.version) return { version: true }
  if (v.session !== undefined && v['session-read-only'] !== undefined) {
    throw new UsageError('--session and --session-read-only cannot be used together')
  }
  const rest = [...positionals]
  const method = isMethod(rest) ? (rest.shift() as string).toUpperCase() : undefined
  const url = rest.shift()
  if (url === undefined) throw new UsageError('a URL is required (see --help)')
  const items = rest.map((arg) => {
    const item = parseItem(arg)
    if (!item) {
      throw new UsageError(
        `${JSON.stringify(arg)} is not a request item (Header:Value, name==query, field=string, field:=json, field@file)`,
      )
    }
    return item
  })
  const authType = v['auth-type'] ?? 'basic'
  if (authType !== 'basic' && authType !== 'bearer' && authType !== 'digest') {
    throw new UsageError(`--auth-type: expected basic, bearer or digest, got ${authType}`)
  }
  // HTTPie: an auth type has nothing to send without credentials.
  if (v['auth-type'] !== undefined && v.auth === undefined) {
    throw new UsageError(`--auth-type ${authType} needs --auth (-a)`)
  }
  if (v.json && v.form) {
    throw new UsageError('--json (-j) and --form (-f) are mutually exclusive')
  }
  let print = v.print
  if (print !== undefined && !/^[HBhb]+$/.test(print)) {
    throw new UsageError(`--print: expected letters of HBhb, got ${JSON.stringify(print)}`)
  }
  if (v.verbose) print ??= 'HBhb'
  if (v.headers) print ??= 'h'
  if (v.body) print ??= 'b'
  return {
    method,
    url,
    items,
    json: v.json ?? false,
    form: v.form ?? false,
    ignoreStdin: v['ignore-stdin'] ?? false,
    session: v.session ?? v['session-read-only'],
    sessionReadOnly: v['session-read-only'] !== undefined,
    cookies: v.cookies,
    auth: v.auth,
    authType,
    verbose: v.verbose ?? false,
    print,
    follow: !(v['no-follow'] ?? false),
    maxRedirects: number(v['max-redirects'], 'max-redirects', true) ?? 30,
    checkStatus: v['check-status'] ?? false,
    timeout: number(v.timeout, 'timeout', false),
    proxy: v.proxy ?? [],
    verify: v.verify ?? 'yes',
    cert: v.cert,
    certKey: v['cert-key'],
    offline: v.offline ?? false,
    download: v.download ?? false,
    output: v.output,
  }
}

/** HTTPie's URL shorthands: `:3000/x` is localhost, a missing scheme is `http://`. */
export function completeURL(url: string): string {
  if (/^:\d*(\/|$)/.test(url)) return `http://localhost${url}`
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(url)) return `http://${url}`
  return url
}
