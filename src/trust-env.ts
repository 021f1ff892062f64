/**
 * What `trustEnv` reads besides the proxy variables, like requests'
 * `merge_environment_settings`: `.netrc` credentials for a request without auth, and a CA
 * bundle from `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE`. Only where the platform can read
 * files (`Platform.readFile`: Node, Deno, Bun); browsers and Workers have no files to read.
 * @module
 */
import { basicAuthorization, type ResolvedAuth } from './auth.ts'
import { CABundleError, type SessionError } from './errors.ts'
import { netrcCredentials, parseNetrc } from './netrc.ts'
import type { Platform, TlsOptions } from './platform.ts'

type Env = (key: string) => string | undefined

/** requests utils.py `NETRC_FILES`: `NETRC`, else `~/.netrc`, then `~/_netrc`. */
function netrcPaths(env: Env): string[] {
  const explicit = env('NETRC')
  if (explicit) return [explicit]
  const home = env('HOME') ?? env('USERPROFILE')
  if (!home) return []
  const sep = home.includes('\\') && !home.includes('/') ? '\\' : '/'
  return [`${home}${sep}.netrc`, `${home}${sep}_netrc`]
}

/** Per session: the `.netrc` auth read from which files (`null`: none, or no entries). */
const netrcs = new WeakMap<object, { paths: string; auth: ResolvedAuth | null }>()

/**
 * Auth from `.netrc` for a request with no auth of its own, or `null`; each hop looks up its
 * own host (requests' `rebuild_auth`), so the credentials of one host are never sent to
 * another. NOTE(spec): requests reads the file on every request; here it is read once per
 * session and file name (as httpx's `NetRCAuth` reads it once), since a failed read on every
 * request cost as much as a fifth of a keep-alive request's time. A new session sees a
 * changed file.
 */
export function netrcAuth(owner: object, platform: Platform, env: Env): ResolvedAuth | null {
  const readFile = platform.readFile
  if (!readFile) return null
  const paths = netrcPaths(env)
  const key = paths.join('\n')
  const cached = netrcs.get(owner)
  if (cached?.paths === key) return cached.auth
  let text: string | null | undefined
  for (const path of paths) if ((text = readFile(path)) != null) break
  const auth = text ? fromNetrc(text) : null
  netrcs.set(owner, { paths: key, auth })
  return auth
}

function fromNetrc(text: string): ResolvedAuth | null {
  const entries = parseNetrc(text)
  if (entries.length === 0) return null
  const handler = (request: Request): Request => {
    const credentials = netrcCredentials(entries, new URL(request.url).hostname)
    if (credentials && !request.headers.has('authorization'))
      request.headers.set('authorization', basicAuthorization(...credentials))
    return request
  }
  return { kind: 'handler', handler, init: handler, everyHop: true }
}

/** The session's TLS settings for a request, and the CA bundle variable that names no file. */
export interface EnvTls {
  readonly tls: TlsOptions | undefined
  /**
   * Set when the variable names a path that cannot be read: the error each `https:` hop then
   * fails with (made here, so bundles without `trustEnv` do not carry it).
   */
  readonly badBundle?: ((request: Request) => SessionError) | undefined
}

const bundles = new WeakMap<object, { path: string; tls: TlsOptions | undefined; env: EnvTls }>()

/**
 * The session's TLS settings with `ca` from `REQUESTS_CA_BUNDLE` or `CURL_CA_BUNDLE` when
 * `tls.ca` is not set (and verification is not turned off), as requests does for
 * `verify=True`. The same object is returned while the setting and the path are unchanged,
 * so transports keep their pools. NOTE(spec): the bundle adds to the runtime's trusted
 * roots, where requests trusts only the bundle.
 */
export function envTls(
  owner: object,
  tls: TlsOptions | undefined,
  platform: Platform,
  env: Env,
): EnvTls {
  if (!platform.readFile || tls?.ca !== undefined || tls?.rejectUnauthorized === false)
    return { tls }
  const requests = env('REQUESTS_CA_BUNDLE')
  const variable = requests ? 'REQUESTS_CA_BUNDLE' : 'CURL_CA_BUNDLE'
  const path = requests || env('CURL_CA_BUNDLE')
  if (!path) return { tls }
  const cached = bundles.get(owner)
  if (cached?.path === path && cached.tls?.cert === tls?.cert && cached.tls?.key === tls?.key)
    return cached.env
  const ca = platform.readFile(path)
  // Deno without --allow-read for the path: not looked at, as everything trustEnv reads.
  if (ca === null) return { tls }
  // requests adapters.py cert_verify: "Could not find a suitable TLS CA certificate bundle,
  // invalid path" rather than verifying against something else than the variable asks.
  // A file with no PEM certificate in it (empty, or something else) is no bundle either.
  // Not kept when unusable: a bundle put in place later is read by the next request.
  if (ca === undefined || !ca.includes('-----BEGIN'))
    return { tls, badBundle: (request) => new CABundleError(variable, path, { request }) }
  const resolved: EnvTls = { tls: { ...tls, ca } }
  bundles.set(owner, { path, tls, env: resolved })
  return resolved
}
