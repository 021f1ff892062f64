/**
 * The parts of a request URL that cookies depend on: the canonical host, the path, and
 * whether the origin counts as secure.
 * @module
 */
import { isIPAddress, isSecureOrigin } from './domain.ts'
import { invalid } from '../util/validate.ts'

/** What the jar needs from a request URL. */
export interface Target {
  /** Canonical host (RFC 6265 §5.1.2): the WHATWG URL host name. */
  host: string
  /** The URL path (the uri-path of §5.1.4), as the URL parser normalises it. */
  path: string
  secure: boolean
  /** The host is an IP address (known for free on the fast path: its last label is a name). */
  ip: boolean
}

// Cookies belong to HTTP (and WebSocket, which starts as HTTP); other schemes get none.
const isWebScheme = (p: string): boolean =>
  p === 'https:' || p === 'http:' || p === 'wss:' || p === 'ws:'

// A fast path for the common absolute URL whose host and path the WHATWG parser would return
// unchanged: lower-case ASCII labels whose last one starts with a letter (so the IPv4 parser
// is not involved), an optional port, and a path of characters the path state neither
// percent-encodes nor rewrites (no "\", no dot segments, no "%2e"), and no "xn--" label.
// Anything else, including
// every string with whitespace or control characters, goes through `new URL()`. The
// equivalence is checked by a property test against `new URL()`.
const simpleURL =
  /^(https?|wss?):\/\/((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*)(?::(\d{1,5}))?(\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*)?(?:[?#][^\s]*)?$/
const dotSegment = /\/\.|%2e/i

function fromString(href: string): Target | null {
  const m = simpleURL.exec(href)
  if (m !== null) {
    const path = m[4] ?? '/'
    const port = m[3]
    const host = m[2] as string
    // "xn--" labels are IDNA-validated by the URL parser, which may refuse them.
    if (
      (port === undefined || Number(port) <= 65535) &&
      !dotSegment.test(path) &&
      !host.includes('xn--')
    ) {
      const scheme = m[1] as string
      return { host, path, secure: isSecureOrigin(`${scheme}:`, host), ip: false }
    }
  }
  let u: URL
  try {
    u = new URL(href)
  } catch {
    throw invalid('url', 'an absolute URL', href)
  }
  return fromURL(u)
}

function fromURL(u: URL): Target | null {
  if (!isWebScheme(u.protocol)) return null
  const host = u.hostname
  return { host, path: u.pathname, secure: isSecureOrigin(u.protocol, host), ip: isIPAddress(host) }
}

/**
 * Reads a request URL (a string, a `URL`, or any object with a string `href`). Returns `null`
 * for schemes that carry no cookies (anything but http, https, ws, wss).
 * @throws {TypeError} for something that is not an absolute URL.
 */
export function toTarget(url: unknown): Target | null {
  if (typeof url === 'string') return fromString(url)
  if (url instanceof URL) return fromURL(url)
  if (
    typeof url === 'object' &&
    url !== null &&
    typeof (url as { href?: unknown }).href === 'string'
  ) {
    return fromString((url as { href: string }).href)
  }
  throw invalid('url', 'a string or URL', url)
}
