/**
 * `fetch-session [METHOD] URL [ITEM ...]`: HTTPie's command line over the library, with
 * saved sessions. Its own bundle (`dist/cli.mjs`): it loads the library's entry for the
 * runtime it runs on (`node.mjs`, `bun.mjs` or `deno.mjs`) beside it, so the library's
 * bundles carry nothing of it.
 *
 * Stages: parse → load the session (and cookies.txt) → send → print or download → save the
 * session (and cookies.txt) → exit status (0 ok, 1 error, 2 timeout, 3/4/5 with
 * --check-status, 6 too many redirects).
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import process from 'node:process'
import type * as Lib from '../platform/node.ts'
import { completeURL, parseCommandLine, UsageError, type CliArgs } from './args.ts'
import { download, downloadName, freeName } from './download.ts'
import { helpText } from './help.ts'
import {
  formatBodyForTerminal,
  formatRequestHead,
  formatResponseHead,
  oneLine,
  paletteFor,
  type Palette,
} from './output.ts'
import { promptPassword } from './prompt.ts'
import { buildRequest, type BuiltRequest } from './request.ts'
import {
  applyJarChange,
  diffJar,
  locateSession,
  type JarChange,
  type SessionLocation,
} from './session-file.ts'
import { readStdinBody } from './stdin.ts'

type Library = typeof Lib
type Session = Lib.Session

/** The library entry for this runtime, from the same directory as this file. */
async function loadLibrary(): Promise<Library> {
  const versions = process.versions as Record<string, string | undefined>
  const runtime = versions.deno ? 'deno' : versions.bun ? 'bun' : 'node'
  return (await import(new URL(`./${runtime}.mjs`, import.meta.url).href)) as Library
}

function write(stream: NodeJS.WriteStream, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    // A closed pipe (`| head`) is not an error of the request.
    stream.write(data, () => {
      resolve()
    })
  })
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** `--auth` as the library's `auth` option; asks for the password on a terminal. */
async function authFrom(args: CliArgs, url: URL): Promise<Lib.AuthInit> {
  const value = args.auth as string
  if (args.authType === 'bearer') return { type: 'bearer', token: value }
  const colon = value.indexOf(':')
  // Taken as typed, never percent-decoded (HTTPie): `us%er` is the user `us%er`.
  const username = colon === -1 ? value : value.slice(0, colon)
  let password = colon === -1 ? undefined : value.slice(colon + 1)
  if (password === undefined) {
    if (!process.stdin.isTTY) {
      throw new UsageError('--auth: give USER:PASS (no terminal to ask for the password)')
    }
    password = await promptPassword(`fetch-session: password for ${username}@${url.host}: `)
  }
  if (args.authType === 'digest') {
    // RFC 7616 Digest, answered on the server's 401 challenge by the library.
    return { type: 'digest', username, password }
  }
  return { type: 'basic', username, password }
}

/** `--proxy URL` (every scheme) or HTTPie's `--proxy PROTOCOL:URL` (one scheme). */
function proxyFrom(values: string[]): Lib.ProxyInit | undefined {
  if (values.length === 0) return undefined
  const map: Record<string, string> = {}
  for (const value of values) {
    const m = /^([a-z][a-z\d+.-]*):(.+:\/\/.*)$/i.exec(value)
    if (!m) return value
    map[(m[1] as string).toLowerCase()] = m[2] as string
  }
  return map
}

/** A PEM file named by an option, or a usage error naming the option and the file. */
function pemFile(option: string, path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const why =
      code === 'ENOENT' ? `no such ${what} file` : `cannot read the ${what} file (${String(code)})`
    const hint = option === '--verify' ? ' (use yes, no, or a path)' : ''
    // The option and the path say it all; the system's message would repeat the path.
    throw new UsageError(`${option}: ${path}: ${why}${hint}`)
  }
}

function tlsFrom(args: CliArgs, current: Lib.TlsOptions | undefined): Lib.TlsOptions | undefined {
  const tls: Lib.TlsOptions = { ...current }
  let changed = false
  // HTTPie: --verify takes yes/true, no/false, or the path of a CA bundle.
  const verify = args.verify.toLowerCase()
  if (verify === 'no' || verify === 'false') {
    tls.rejectUnauthorized = false
    changed = true
  } else if (verify !== 'yes' && verify !== 'true') {
    tls.ca = pemFile('--verify', args.verify, 'CA bundle')
    changed = true
  }
  if (args.cert !== undefined) {
    tls.cert = pemFile('--cert', args.cert, 'client certificate')
    changed = true
  }
  if (args.certKey !== undefined) {
    tls.key = pemFile('--cert-key', args.certKey, 'private key')
    changed = true
  }
  return changed ? tls : current
}

// HTTPie keeps request headers in the session, except those about one request's body or
// conditions.
const isPersisted = (name: string): boolean => !/^(content-|if-)/i.test(name)

function persistHeaders(session: Session, built: BuiltRequest): void {
  for (const [name, value] of Object.entries(built.headers)) {
    if (!isPersisted(name)) continue
    if (value === null) session.headers.delete(name)
    else session.headers.set(name, value)
  }
}

function requestInit(
  args: CliArgs,
  built: BuiltRequest,
  session: Session,
  stdinBody: Uint8Array<ArrayBuffer> | undefined,
): Lib.SessionRequestInit {
  const headers: Record<string, string | null> = {}
  const given = (name: string): boolean =>
    session.headers.has(name) || Object.keys(built.headers).some((h) => h.toLowerCase() === name)
  if (!given('user-agent')) headers['user-agent'] = `fetch-session/${version()}`
  for (const [name, value] of Object.entries(built.headers)) {
    if (!isPersisted(name) || value === null) headers[name] = value
  }
  const init: Lib.SessionRequestInit = {
    allowRedirects: args.follow,
    maxRedirects: args.maxRedirects,
  }
  if (built.json !== undefined) init.json = built.json
  // HTTPie: JSON data (items, or stdin without --form), or --json without any, asks for JSON.
  const jsonStdin = stdinBody !== undefined && !args.form
  if ((built.json !== undefined || args.json || jsonStdin) && !given('accept')) {
    headers.accept = 'application/json, */*;q=0.5'
  }
  if (stdinBody !== undefined) {
    // Sent as piped, labelled as the data items would be (HTTPie).
    init.body = stdinBody
    if (!given('content-type')) {
      headers['content-type'] = args.form
        ? 'application/x-www-form-urlencoded; charset=utf-8'
        : 'application/json'
    }
  }
  if (built.form !== undefined) init.form = built.form
  if (built.multipart !== undefined) init.body = built.multipart
  if (built.params.length > 0) init.params = built.params
  init.headers = headers
  if (args.timeout !== undefined) {
    const ms = Math.max(1, Math.round(args.timeout * 1000))
    init.timeout = { connect: ms, response: ms }
  }
  const proxy = proxyFrom(args.proxy)
  if (proxy !== undefined) init.proxy = proxy
  return init
}

/** Saves with the revision loaded; on a conflict, our cookie changes go on top of the newer save. */
async function saveSession(
  lib: Library,
  session: Session,
  location: SessionLocation,
  isNew: boolean,
  change: JarChange,
  apply: (s: Session) => void,
): Promise<void> {
  try {
    await session.save(location.store, location.key, isNew ? { ifVersion: null } : {})
    return
  } catch (error) {
    if (!(error instanceof lib.StateConflictError)) throw error
  }
  // Another invocation saved since we loaded: take its state, re-apply what this one did.
  for (let attempt = 0; attempt < 5; attempt++) {
    const latest = await lib.Session.load(location.store, location.key)
    const fresh = latest ?? new lib.Session()
    try {
      apply(fresh)
      fresh.cookies = lib.CookieJar.fromJSON(applyJarChange(fresh.cookies.toJSON(), change))
      await fresh.save(location.store, location.key, latest ? {} : { ifVersion: null })
      return
    } catch (error) {
      if (!(error instanceof lib.StateConflictError)) throw error
    } finally {
      await fresh.close()
    }
  }
  throw new Error(`${location.file} keeps changing under other invocations; not saved`)
}

interface Printed {
  print: string
  palette: Palette
  tty: boolean
  /** The session's `sensitiveHeaders`, lower case: redacted like credentials. */
  sensitive?: ReadonlySet<string>
}

/** One hop as printed: the request, the body it sent (when printed), the response head. */
interface Hop {
  request: Request
  body: string | undefined
  response: Response
}

/** The redirect hops, request then response, each request with its own body (`--verbose`). */
function hopSections(out: Printed, hops: Hop[]): string[] {
  const { print, palette: p, sensitive } = out
  const sections: string[] = []
  for (const hop of hops) {
    sections.push(formatRequestHead(hop.request, p, sensitive))
    if (print.includes('B') && hop.body) sections.push(`${hop.body}\n`)
    sections.push(formatResponseHead(hop.response, p))
  }
  return sections
}

async function printExchange(
  out: Printed,
  args: CliArgs,
  response: Lib.SessionResponse | undefined,
  request: Request,
  requestBody: string | undefined,
  hops: Hop[],
): Promise<void> {
  const { print, palette: p, tty, sensitive } = out
  const stdout = process.stdout
  const sections = args.verbose ? hopSections(out, hops) : []
  if (print.includes('H')) sections.push(formatRequestHead(request, p, sensitive))
  if (print.includes('B') && requestBody) sections.push(`${requestBody}\n`)
  if (print.includes('h') && response) sections.push(formatResponseHead(response, p))
  if (sections.length > 0) await write(stdout, `${sections.join('\n')}\n`)
  if (!response || !print.includes('b') || args.download || args.output !== undefined) return
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (tty) {
    const text = formatBodyForTerminal(bytes, response.headers.get('content-type') ?? '', p)
    if (text !== '') await write(stdout, `${text}\n`)
  } else {
    await write(stdout, bytes)
  }
}

function statusExit(status: number): number {
  return status >= 300 && status < 600 ? Math.floor(status / 100) : 0
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv)
  if ('help' in parsed) {
    await write(process.stdout, helpText)
    return 0
  }
  if ('version' in parsed) {
    await write(process.stdout, `${version()}\n`)
    return 0
  }
  const args = parsed
  let url: URL
  try {
    url = new URL(completeURL(args.url))
  } catch {
    throw new UsageError(`not a URL: ${args.url}`)
  }
  const env = process.env
  const built = await buildRequest(args.method, args.items, args.form)
  const hasData =
    built.json !== undefined || built.form !== undefined || built.multipart !== undefined
  const stdinBody = await readStdinBody(args.ignoreStdin, hasData)
  if (stdinBody !== undefined) built.method = args.method ?? 'POST'
  const lib = await loadLibrary()
  const tty = (process.stdout.isTTY as boolean | undefined) ?? false
  const printed: Printed = {
    print: args.print ?? (args.offline ? 'HB' : tty ? 'hb' : 'b'),
    palette: paletteFor(tty, env),
    tty,
  }

  const location = args.session === undefined ? undefined : locateSession(args.session, url, env)
  let loaded: Session | null = null
  try {
    if (location) loaded = await lib.Session.load(location.store, location.key)
  } catch (error) {
    throw new UsageError(`session ${location?.file ?? ''}: ${messageOf(error)}`, { cause: error })
  }
  const session = loaded ?? new lib.Session()
  printed.sensitive = new Set(session.sensitiveHeaders.map((h) => h.toLowerCase()))
  try {
    if (args.cookies !== undefined && existsSync(args.cookies)) {
      const fromFile = lib.CookieJar.fromNetscape(readFileSync(args.cookies, 'utf8')).toJSON()
      const merged = applyJarChange(session.cookies.toJSON(), {
        set: fromFile.cookies,
        removed: new Set(),
      })
      session.cookies = lib.CookieJar.fromJSON(merged)
    }
    const auth = args.auth === undefined ? undefined : await authFrom(args, url)
    const apply = (s: Session): void => {
      persistHeaders(s, built)
      if (auth !== undefined) s.auth = auth
    }
    apply(session)
    const savedTls = session.tls
    session.tls = tlsFrom(args, savedTls)
    const jarBefore = session.cookies.toJSON()

    let first: Request | undefined
    // The body each hop sent (by hop number; a retried hop keeps its last attempt's).
    const bodies = new Map<number, string>()
    const hopsOf = (history: Response[], last?: Request): Hop[] =>
      history.map((hop, i) => ({
        request: (hop as Partial<Lib.SessionResponse>).request ?? (last as Request),
        body: bodies.get(i),
        response: hop,
      }))
    const init = requestInit(args, built, session, stdinBody)
    init.hooks = {
      beforeRequest: [
        async ({ request, hop, attempt }) => {
          if (printed.print.includes('B') && request.body) {
            bodies.set(hop, await request.clone().text())
          } else {
            bodies.delete(hop)
          }
          if (hop !== 0 || attempt !== 0) return undefined
          first = request
          // --offline: the request exactly as the session would send it; nothing goes out.
          return args.offline ? new Response(null, { status: 204 }) : undefined
        },
      ],
    }
    let response: Lib.SessionResponse
    try {
      response = await session.request(built.method, url, init)
    } catch (error) {
      // --verbose: the hops that happened, before the error line (exit 6).
      if (args.verbose && error instanceof lib.TooManyRedirectsError) {
        const sections = hopSections(printed, hopsOf(error.history, error.request))
        await write(process.stdout, `${sections.join('\n')}\n`)
      }
      throw error
    } finally {
      if (!args.offline && args.cookies !== undefined) {
        writeFileSync(args.cookies, session.cookies.toNetscape(), { mode: 0o600 })
      }
    }
    if (args.offline) {
      await printExchange(printed, args, undefined, first as Request, bodies.get(0), [])
      return 0
    }
    const hops = hopsOf(response.history)
    await printExchange(printed, args, response, response.request, bodies.get(hops.length), hops)
    const ok = response.status >= 200 && response.status < 300
    if ((args.download && ok) || (args.output !== undefined && !args.download)) {
      const file = args.output ?? freeName(downloadName(response))
      const progress = args.download && process.stderr.isTTY ? process.stderr : undefined
      if (args.download) await write(process.stderr, `Downloading to ${file}\n`)
      await download(response, file, progress)
    }
    if (location && !args.sessionReadOnly) {
      session.tls = savedTls
      const change = diffJar(jarBefore, session.cookies.toJSON())
      await saveSession(lib, session, location, loaded === null, change, apply)
    }
    // HTTPie: --download implies --check-status; an error response is not downloaded.
    if (args.checkStatus || args.download) {
      const code = statusExit(response.status)
      if (code !== 0) {
        await write(
          process.stderr,
          `fetch-session: warning: HTTP ${response.status} ${response.statusText}\n`,
        )
      }
      return code
    }
    return 0
  } finally {
    await session.close()
  }
}

/** One line on stderr and the documented exit status. */
function exitCodeOf(error: unknown): number {
  const name = (error as { name?: unknown } | null)?.name
  if (name === 'TimeoutError') return 2
  if (name === 'TooManyRedirectsError') return 6
  return 1
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  let message = error.message
  const cause = error.cause as { message?: unknown; code?: unknown } | undefined
  if (cause && typeof cause.message === 'string' && !message.includes(cause.message)) {
    message += `: ${cause.message}`
  }
  return oneLine(message)
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exit(code)
  },
  async (error: unknown) => {
    await write(process.stderr, `fetch-session: error: ${messageOf(error)}\n`)
    process.exit(exitCodeOf(error))
  },
)
