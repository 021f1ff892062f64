/**
 * Host names: canonicalisation (RFC 6265 §5.1.2), domain-match (§5.1.3), IP-literal
 * detection, and which origins count as secure.
 * @module
 */

// A WHATWG URL host is either a bracketed IPv6 literal or a dotted IPv4 address in decimal
// (the URL parser normalises 0x7f.1 and friends), so these two shapes are exhaustive.
const ipv4 = /^(?:\d{1,3}\.){3}\d{1,3}$/

/** True for an IPv4 address or a (bracketed or bare) IPv6 literal. */
export function isIPAddress(host: string): boolean {
  return host.includes(':') || ipv4.test(host)
}

/**
 * The canonical form of a host name (RFC 6265 §5.1.2): lower case, without a leading dot
 * (§5.2.3 ignores it). Hosts taken from a `URL` are already lower case and IDNA-encoded;
 * non-ASCII input returns `null` because 6265bis §5.7 step 7 rejects a Domain attribute
 * that is not ASCII.
 */
export function canonicalDomain(domain: string): string | null {
  const d = domain.charCodeAt(0) === 0x2e ? domain.slice(1) : domain
  // eslint-disable-next-line no-control-regex -- the ASCII range is the point
  if (!/^[\x00-\x7f]*$/.test(d)) return null
  return d.toLowerCase()
}

/**
 * RFC 6265 §5.1.3 domain-match: `host` domain-matches `domain` when they are identical, or
 * when `domain` is a suffix of `host` preceded by a `.` in `host` and `host` is a host
 * name, not an IP address. Both arguments must already be canonical.
 * @example
 * domainMatch('www.example.com', 'example.com') // true
 * domainMatch('example.com', 'www.example.com') // false
 * domainMatch('1.2.3.4', '2.3.4')               // false: IP addresses match only exactly
 */
export function domainMatch(host: string, domain: string): boolean {
  return host === domain || (isDomainSuffix(host, domain) && !isIPAddress(host))
}

/**
 * The suffix half of §5.1.3: `domain` is a non-empty suffix of `host` and the character of
 * `host` just before it is a `.`. (The caller checks that `host` is not an IP address.)
 */
export function isDomainSuffix(host: string, domain: string): boolean {
  const cut = host.length - domain.length
  return cut > 0 && host.charCodeAt(cut - 1) === 0x2e && host.endsWith(domain) && domain !== ''
}

/**
 * Whether a request to `url` travels over a "secure" channel as browsers define it
 * (6265bis §5.7 step 15 leaves "secure" to the user agent): `https:` and `wss:`, and plain
 * `http:`/`ws:` to `localhost`, `*.localhost` and loopback addresses, which browsers treat
 * as potentially trustworthy origins (Secure Contexts §3.1).
 */
export function isSecureOrigin(protocol: string, host: string): boolean {
  if (protocol === 'https:' || protocol === 'wss:') return true
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    (host.startsWith('127.') && ipv4.test(host))
  )
}
