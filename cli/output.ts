/**
 * What the command prints: request and response heads as HTTP/1.1 text, bodies pretty and
 * coloured on a terminal, exact bytes into a pipe. Colours are plain ANSI, only on a
 * terminal and never when `NO_COLOR` is set (https://no-color.org).
 * @module
 */

/** ANSI styles, or none. */
export interface Palette {
  name: (s: string) => string
  value: (s: string) => string
  ok: (s: string) => string
  warn: (s: string) => string
  bad: (s: string) => string
  key: (s: string) => string
  string: (s: string) => string
  number: (s: string) => string
  literal: (s: string) => string
  dim: (s: string) => string
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\x1b[${open}m${s}\x1b[${close}m`

const colours: Palette = {
  name: sgr(36, 39),
  value: (s) => s,
  ok: sgr(32, 39),
  warn: sgr(33, 39),
  bad: sgr(31, 39),
  key: sgr(34, 39),
  string: sgr(33, 39),
  number: sgr(36, 39),
  literal: sgr(35, 39),
  dim: sgr(2, 22),
}
const plain: Palette = {
  name: (s) => s,
  value: (s) => s,
  ok: (s) => s,
  warn: (s) => s,
  bad: (s) => s,
  key: (s) => s,
  string: (s) => s,
  number: (s) => s,
  literal: (s) => s,
  dim: (s) => s,
}

/** Colours for a stream: a terminal, `NO_COLOR` unset or empty, and a `TERM` other than dumb. */
export function paletteFor(isTTY: boolean, env: Record<string, string | undefined>): Palette {
  const off = (env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb'
  return isTTY && !off ? colours : plain
}

// Credentials never reach a terminal or a log: keep the scheme, hide the rest.
const secretHeaders = new Set(['authorization', 'proxy-authorization'])
const cookieHeaders = new Set(['cookie', 'set-cookie'])
const noHeaders: ReadonlySet<string> = new Set()

/**
 * A header value with credentials replaced by `<redacted>` (the scheme and cookie names kept).
 * `sensitive` adds the session's `sensitiveHeaders` (lower case), hidden whole.
 */
export function redact(
  name: string,
  value: string,
  sensitive: ReadonlySet<string> = noHeaders,
): string {
  const lower = name.toLowerCase()
  if (sensitive.has(lower)) return '<redacted>'
  if (secretHeaders.has(lower)) {
    const scheme = /^\S+(?= )/.exec(value)
    return scheme ? `${scheme[0]} <redacted>` : '<redacted>'
  }
  if (lower === 'cookie') {
    return value.replace(/(^|;\s*)([^=;]*)=[^;]*/g, '$1$2=<redacted>')
  }
  if (cookieHeaders.has(lower)) return value.replace(/^([^=;]*)=[^;]*/, '$1=<redacted>')
  return value
}

function headerLines(headers: Headers, p: Palette, sensitive?: ReadonlySet<string>): string[] {
  const lines: string[] = []
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue
    lines.push(`${p.name(title(name))}: ${p.value(redact(name, value, sensitive))}`)
  }
  for (const value of headers.getSetCookie()) {
    lines.push(`${p.name('Set-Cookie')}: ${p.value(redact('set-cookie', value))}`)
  }
  return lines
}

/** `content-type` → `Content-Type`, as HTTPie prints header names. */
function title(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
}

/** The request line and headers, as they went on the wire (HTTP/1.1 text). */
export function formatRequestHead(
  request: Request,
  p: Palette,
  sensitive?: ReadonlySet<string>,
): string {
  const url = new URL(request.url)
  const headers = new Headers(request.headers)
  const lines = [
    `${p.ok(request.method)} ${p.value(url.pathname + url.search)} ${p.dim('HTTP/1.1')}`,
    `${p.name('Host')}: ${url.host}`,
    ...headerLines(headers, p, sensitive),
  ]
  return `${lines.join('\n')}\n`
}

/** The status line and headers. */
export function formatResponseHead(response: Response, p: Palette): string {
  const colour = response.status >= 400 ? p.bad : response.status >= 300 ? p.warn : p.ok
  const status = colour(`${response.status} ${response.statusText}`.trimEnd())
  const lines = [`${p.dim('HTTP/1.1')} ${status}`, ...headerLines(response.headers, p)]
  return `${lines.join('\n')}\n`
}

/** JSON text indented by four spaces (HTTPie's default), coloured by token. */
export function prettyJSON(value: unknown, p: Palette, indent = ''): string {
  const next = `${indent}    `
  if (value === null || typeof value === 'boolean') return p.literal(String(value))
  if (typeof value === 'number') return p.number(String(value))
  if (typeof value === 'string') return p.string(JSON.stringify(value))
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    const items = value.map((v) => `${next}${prettyJSON(v, p, next)}`)
    return `[\n${items.join(',\n')}\n${indent}]`
  }
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length === 0) return '{}'
  const items = entries.map(
    ([k, v]) => `${next}${p.key(JSON.stringify(k))}: ${prettyJSON(v, p, next)}`,
  )
  return `{\n${items.join(',\n')}\n${indent}}`
}

/**
 * A body for a terminal: JSON pretty-printed, text as is, binary replaced by a note
 * (HTTPie's rule: binary never goes to a terminal).
 */
export function formatBodyForTerminal(bytes: Uint8Array, contentType: string, p: Palette): string {
  if (bytes.includes(0)) {
    return p.dim(
      '+-----------------------------------------+\n| NOTE: binary data not shown in terminal |\n+-----------------------------------------+',
    )
  }
  const text = new TextDecoder().decode(bytes)
  if (/[/+]json\b/i.test(contentType) || /^\s*[[{]/.test(text)) {
    try {
      return prettyJSON(JSON.parse(text), p)
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  return text
}

/**
 * One line for an error message: each run of whitespace that holds a line break becomes one
 * space. Split and trim rather than a `\s*\n\s*` regular expression, whose backtracking is
 * quadratic on a long run of spaces: a message can quote a server's `Location` value.
 */
export function oneLine(message: string): string {
  const lines = message.split('\n')
  if (lines.length === 1) return message
  const last = lines.length - 1
  return lines
    .map((line, i) => (i === 0 ? line.trimEnd() : i === last ? line.trimStart() : line.trim()))
    .filter((line, i) => line !== '' || i === 0 || i === last)
    .join(' ')
}
