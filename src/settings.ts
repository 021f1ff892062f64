/**
 * Checks of the session settings that have no module of their own (header names, origins,
 * credentials mode, TLS shape), shared by the constructor and the setters so both accept
 * the same values (`new Session({ … })` and `s.x = …`).
 * @module
 */
import { normaliseOrigin } from './origin.ts'
import type { TlsOptions } from './platform.ts'
import { invalid } from './util/validate.ts'

/** A header name: an RFC 9110 §5.6.2 token. */
const tokenPattern = /^[!#$%&'*+\-.^_`|~\w]+$/

/** A list of strings, each passed through `check`; `undefined`/`null` is an empty list. */
export function checkStringList(
  value: unknown,
  field: string,
  check: (v: string, field: string) => void,
): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw invalid(field, 'an array of strings', value)
  return value.map((v: unknown, i) => {
    if (typeof v !== 'string') throw invalid(`${field}[${i}]`, 'a string', v)
    check(v, `${field}[${i}]`)
    return v
  })
}

/** `sensitiveHeaders` entries are header names. */
export function checkHeaderName(name: string, field: string): void {
  if (!tokenPattern.test(name)) throw invalid(field, 'a header name', name)
}

/** `trustedOrigins` entries are bare http(s) origins. */
export function checkOrigin(origin: string, field: string): void {
  normaliseOrigin(origin, field)
}

const credentialModes = ['omit', 'same-origin', 'include']

/** fetch's `RequestCredentials`, or `undefined`. */
export function checkCredentials(value: unknown, field: string): RequestCredentials | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string' || !credentialModes.includes(value)) {
    throw invalid(field, '"omit", "same-origin" or "include"', value)
  }
  return value as RequestCredentials
}

/** A boolean. */
export function checkBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, 'a boolean', value)
  return value
}

/**
 * The shape of `tls` (known keys, PEM strings or paths, a boolean `rejectUnauthorized`); the
 * transport reads the files and pairs `cert` with `key` when it makes its pool.
 */
export function checkTls(value: unknown, field: string): TlsOptions | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'an object', value)
  for (const key of Object.keys(value)) {
    if (!['ca', 'cert', 'key', 'rejectUnauthorized'].includes(key)) {
      throw invalid(
        `${field}.${key}`,
        'a known TLS option (ca, cert, key or rejectUnauthorized)',
        (value as Record<string, unknown>)[key],
      )
    }
  }
  const tls = value as Record<string, unknown>
  const pem = (v: unknown, f: string): void => {
    if (v !== undefined && typeof v !== 'string') {
      throw invalid(f, 'PEM text or the path of a PEM file', v)
    }
  }
  if (Array.isArray(tls.ca)) {
    tls.ca.forEach((v: unknown, i) => {
      pem(v, `${field}.ca[${i}]`)
    })
  } else pem(tls.ca, `${field}.ca`)
  pem(tls.cert, `${field}.cert`)
  pem(tls.key, `${field}.key`)
  if (tls.rejectUnauthorized !== undefined) {
    checkBoolean(tls.rejectUnauthorized, `${field}.rejectUnauthorized`)
  }
  return value
}
