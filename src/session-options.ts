/**
 * The checks and conversions behind `Session`'s options and setters, apart from the class
 * that holds them: the option names, the cookie-jar option, `proxy`, `debug`,
 * `maxResponseSize`, the method token, a request init's mistakes, and the platform of the
 * bare core class. Pure: no I/O.
 * @module
 */
import type { CookieJar } from './cookies/jar.ts'
import { fetchOnly } from './capabilities.ts'
import { checkRequestInit, hintFor, sessionAliases } from './init.ts'
import type { Platform, TlsOptions } from './platform.ts'
import type { ResolvedProxy } from './proxy.ts'
import type { DebugHandler, ProxyInit } from './types.ts'
import { checkNonNegative, invalid } from './util/validate.ts'

function missing(what: string): never {
  throw new TypeError(
    `Session.platform.${what}: this Session class has no platform; import Session from 'fetch-session' (or a platform entry), not from its core`,
  )
}

/** The platform of the bare core class: every use fails with a clear message. */
export const noPlatform: Platform = {
  name: 'none',
  capabilities: fetchOnly,
  createAdapter: () => missing('createAdapter'),
  env: () => undefined,
  mapError: () => undefined,
  get CookieJar(): never {
    return missing('CookieJar')
  },
  features: {},
}

const knownOptions = new Set([
  'baseURL',
  'headers',
  'params',
  'auth',
  'cookies',
  'timeout',
  'maxRedirects',
  'sensitiveHeaders',
  'trustedOrigins',
  'retry',
  'hooks',
  'proxy',
  'trustEnv',
  'tls',
  'credentials',
  'connections',
  'allowH2',
  'autosave',
  'raiseForStatus',
  'maxResponseSize',
  'onDownloadProgress',
  'onUploadProgress',
  'debug',
])

/**
 * @throws {TypeError} for options that are not an object, or a key that is no session option
 * (with the key meant where another client's name or a typo is recognised).
 */
export function checkOptionKeys(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid('options', 'an object', options)
  }
  for (const key of Object.keys(options)) {
    if (!knownOptions.has(key)) {
      const hint = hintFor(key, knownOptions, sessionAliases)
      throw invalid(
        `options.${key}`,
        'a known session option',
        (options as Record<string, unknown>)[key],
        hint === undefined ? {} : { hint },
      )
    }
  }
}

/** @throws {TypeError} unless `method` is an HTTP method token (RFC 9110 §9.1). */
export function checkMethod(method: unknown): void {
  if (typeof method !== 'string' || !/^[!#$%&'*+\-.^_`|~\w]+$/.test(method)) {
    throw invalid('method', 'an HTTP method token', method)
  }
}

/** `debug`: a boolean, a handler, or `undefined`/`null` (the environment decides). */
export function checkDebug(value: unknown, field: string): boolean | DebugHandler | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'boolean' || typeof value === 'function')
    return value as boolean | DebugHandler | undefined
  throw invalid(field, 'a boolean or a function', value)
}

/** `maxResponseSize`: a whole number of bytes, or `undefined`/`null` for no limit. */
export function checkSize(value: unknown, field: string): number | undefined {
  return value === undefined || value === null ? undefined : checkNonNegative(value, field, true)
}

/** Whether `value` is a cookie jar (this library's, or a stand-in with the same methods). */
export function isJar(value: unknown): value is CookieJar {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CookieJar).getCookieString === 'function' &&
    typeof (value as CookieJar).setCookie === 'function'
  )
}

/**
 * A `CookieJar` as is, or a record of cookie values in a new jar of the platform's class.
 * @throws {TypeError} naming the field (or the cookie) at fault.
 */
export function toJar(
  platform: Platform,
  init: unknown,
  field: string,
  baseURL: string | undefined,
): CookieJar {
  if (isJar(init)) return init
  const jar = new platform.CookieJar()
  if (init === undefined || init === null) return jar
  if (typeof init !== 'object' || Array.isArray(init)) {
    throw invalid(field, 'a CookieJar or a record of cookie values', init)
  }
  // Dict cookies (requests' cookiejar_from_dict) are bound to the baseURL's host when there is one.
  const domain = baseURL === undefined ? undefined : new URL(baseURL).hostname
  for (const [name, value] of Object.entries(init)) {
    if (typeof value !== 'string')
      throw invalid(`${field}[${JSON.stringify(name)}]`, 'a string', value)
    jar.set(name, value, domain === undefined ? {} : { domain })
  }
  return jar
}

/** Proxy settings where none can be set: the environment decides, and a proxy-less platform reads none. */
const environmentProxy: ResolvedProxy = { mode: 'environment' }

/**
 * Validates a `tls` setting with the platform's check, if it has one. Without it (the
 * browser) `tls` is refused: by the constructor, and by send() for one assigned later.
 */
export function resolveTls(
  platform: Platform,
  value: TlsOptions | undefined,
  field: string,
): TlsOptions | undefined {
  const check = platform.features.checkTls
  return check ? check(value, field) : (value ?? undefined)
}

/** Validates and resolves a `proxy` setting with the platform's proxy feature, if it has one. */
export function resolveProxy(
  platform: Platform,
  value: ProxyInit | undefined,
  field: string,
): ResolvedProxy {
  // Without the feature (the browser) a proxy is refused: by the constructor, and by send()
  // for one assigned later.
  const resolve = platform.features.resolveProxy
  return resolve ? resolve(value, undefined, field) : environmentProxy
}

/** A request init's mistake as an error (the promise rejects with it, as fetch's would). */
export function initError(init: unknown): Error | undefined {
  try {
    checkRequestInit(init)
    return undefined
  } catch (error) {
    return error as Error
  }
}
