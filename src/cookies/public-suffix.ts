/**
 * The public suffix list, through `tldts` (the one file that imports it, so the dependency
 * can be swapped or made optional in one place). Private-domain rules are included, as
 * browsers include them: `github.io` is a public suffix for cookies.
 * @module
 */
import { getDomain, getPublicSuffix } from 'tldts'
import { isIPAddress } from './domain.ts'

const options = {
  allowPrivateDomains: true,
  detectIp: false,
  extractHostname: false,
  mixedInputs: false,
  validateHostname: false,
} as const

/**
 * True when `domain` (canonical) is itself a public suffix: `com`, `co.uk`, `github.io`,
 * and, by the list's implicit `*` rule, any single label such as `localhost`.
 */
export function isPublicSuffix(domain: string): boolean {
  // Servers repeat the same Domain attributes; the list lookup is the costliest step of
  // storing a cookie, so answers are remembered (bounded).
  let answer = known.get(domain)
  if (answer === undefined) {
    answer = getPublicSuffix(domain, options) === domain
    if (known.size >= 2048) known.clear()
    known.set(domain, answer)
  }
  return answer
}

const known = new Map<string, boolean>()

/**
 * The registrable domain (eTLD+1) of a canonical host, or the host itself when it has none
 * (an IP address, a public suffix): the key under which per-site cookie limits are counted.
 */
export function registrableDomain(host: string): string {
  if (isIPAddress(host)) return host
  return getDomain(host, options) ?? host
}
