/**
 * The runtime side of the platform contract (`src/platform.ts` holds its types): the one
 * check that a platform can do what a session or a request asks of it, the features its
 * capabilities call for, and the key of the transport's hop protocol.
 * @module
 */
import type { Capabilities, Features, Platform } from './platform.ts'
import { unsupported } from './util/validate.ts'

/**
 * A runtime with WHATWG `fetch` alone (Workers, the `default` build): the session follows
 * redirects and keeps cookies itself; no proxy, TLS settings or pool of its own.
 */
export const fetchOnly: Capabilities = {
  manualRedirect: true,
  readSetCookie: true,
  sendCookie: true,
  proxy: false,
  tls: false,
  transportTimeouts: false,
  keepAlive: false,
  poolSettings: false,
  credentialsMode: false,
}

/** Internal: the key of an adapter's `HopSender` method (the platform's hop protocol). */
export const sendHopKey: unique symbol = Symbol.for('fetch-session.sendHop')

/**
 * A feature the platform must supply because its capabilities say it does the job.
 * @throws {TypeError} for a platform whose capabilities and features disagree (a shim bug).
 */
export function required<K extends keyof Features>(
  platform: { readonly name: string; readonly features: Features },
  key: K,
): NonNullable<Features[K]> {
  const feature = platform.features[key]
  if (feature === undefined) {
    throw new TypeError(
      `Session.platform.features.${key}: the ${platform.name} platform's capabilities need it, but it supplies none`,
    )
  }
  return feature
}

/** What a session or a request asks of the platform; each field is checked only when given. */
export interface PlatformUse {
  readonly proxy?: unknown
  readonly tls?: unknown
  /** Cookies other than the platform's own jar: a `CookieJar` or request-level cookies. */
  readonly foreignCookies?: boolean | undefined
  readonly beforeRedirect?: number | undefined
  readonly autosave?: unknown
  readonly connections?: unknown
  readonly allowH2?: unknown
  readonly credentials?: unknown
}

/**
 * What the platform cannot do fails loudly rather than silently doing something else (the
 * browser follows redirects itself and owns its cookie jar). The one check behind the
 * constructor's options, settings assigned later and each request's init; `prefix` names
 * where the value came from (`options.`, `session.`, `init.`).
 * @throws {TypeError} `prefix + field: the <name> platform …`.
 */
export function checkPlatform(platform: Platform, prefix: string, use: PlatformUse): void {
  // `null` and `undefined` both mean "not set" (the default), as everywhere in the options.
  const { name, capabilities: caps } = platform
  const refuse = (field: string, why: string): never => {
    throw unsupported(`${prefix}${field}`, `the ${name} platform ${why}`)
  }
  if (!caps.proxy && use.proxy !== undefined && use.proxy !== null)
    refuse('proxy', 'cannot use a proxy')
  if (!caps.tls && use.tls !== undefined && use.tls !== null) refuse('tls', 'has no TLS settings')
  if (!caps.sendCookie && use.foreignCookies === true)
    refuse('cookies', 'sends the cookies of its own jar only, never those of a CookieJar')
  if (!caps.manualRedirect && (use.beforeRedirect ?? 0) > 0)
    refuse('hooks.beforeRedirect', 'follows redirects itself, so redirect hooks cannot run')
  if (!caps.poolSettings && use.connections !== undefined && use.connections !== null)
    refuse('connections', "has no connection pool of the session's own to size")
  if (!caps.poolSettings && use.allowH2 === true)
    refuse('allowH2', 'lets its fetch choose the HTTP version; it cannot be asked for HTTP/2')
  if (!caps.credentialsMode && use.credentials !== undefined && use.credentials !== null) {
    refuse(
      'credentials',
      "has no browser cookie jar for a credentials mode to apply to; the session's CookieJar decides which cookies are sent",
    )
  }
  if (use.autosave !== undefined && !platform.features.Autosave) {
    refuse(
      'autosave',
      "keeps the session's cookies in its own jar, which no script can read, so responses never change anything autosave would save; call save() instead",
    )
  }
}

/**
 * A platform whose capabilities and features disagree fails when a session is made, not on
 * its first request.
 */
export function checkFeatures(platform: Platform): void {
  if (platform.capabilities.manualRedirect) required(platform, 'followRedirects')
  if (platform.capabilities.proxy) {
    required(platform, 'resolveProxy')
    required(platform, 'selectProxy')
  }
  if (platform.capabilities.tls) required(platform, 'checkTls')
  if (platform.capabilities.sendCookie) {
    required(platform, 'cookieHeader')
    required(platform, 'cookieOverlay')
  }
  if (platform.capabilities.readSetCookie) required(platform, 'storeSetCookie')
}
