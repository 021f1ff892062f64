/**
 * HTTP Digest authentication (RFC 7616): requests' `HTTPDigestAuth` as an {@link AuthHandler}.
 *
 * - A 401 carrying a `Digest` challenge is answered once: the request is sent again with
 *   `Authorization: Digest …` (RFC 7616 §3.4), its body included. A one-shot body (a stream)
 *   cannot be sent again, so the 401 is returned as it is.
 * - The challenge is remembered per protection space (the origin and, when the server names
 *   them, the `domain` URIs; RFC 7616 §3.3, RFC 7235 §2.2): later requests there carry the
 *   answer at once, with the nonce count advanced (§3.4 `nc`).
 * - `stale=true` on a 401 means the nonce expired, not the password: answered once more with
 *   the new nonce. A 401 to an answer whose nonce was not stale is final (wrong password).
 * - Algorithms MD5, MD5-sess, SHA-256, SHA-256-sess; `qop=auth` (or no `qop`, RFC 2069);
 *   `userhash=true`. A challenge offering only `auth-int` or another algorithm is not answered.
 *
 * MD5 and SHA-256 come from `@noble/hashes` (WebCrypto has no MD5 and is async), so this
 * works the same in every runtime. This module is loaded only when digest auth is used.
 * @module
 */
import { md5 } from '@noble/hashes/legacy'
import { sha256 } from '@noble/hashes/sha2'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils'
import type { AuthHandler } from '../types.ts'
import { readQuoted } from '../util/text.ts'

/** One `Digest` challenge from `WWW-Authenticate`, parameter names lower-cased. */
export type DigestChallenge = Readonly<Record<string, string>>

const hashes: Record<string, (text: string) => string> = {
  MD5: (text) => bytesToHex(md5(utf8ToBytes(text))),
  'SHA-256': (text) => bytesToHex(sha256(utf8ToBytes(text))),
}

/**
 * The challenges of a `WWW-Authenticate` value (RFC 7235 §4.1: `scheme param=value, …`,
 * several challenges in one header), each as `{ scheme, ...params }`; linear time.
 */
export function parseChallenges(header: string): Record<string, string>[] {
  const out: Record<string, string>[] = []
  let current: Record<string, string> | undefined
  const n = header.length
  let i = 0
  while (i < n) {
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ',')) i++
    let start = i
    while (i < n && !' \t,='.includes(header.charAt(i))) i++
    const word = header.slice(start, i)
    if (!word) break
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++
    if (header[i] !== '=' || !current) {
      // A new challenge: `scheme` (maybe followed by params or a token68).
      current = { scheme: word }
      out.push(current)
      continue
    }
    // `name=value`, the value a token or a quoted string.
    i++
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++
    let value = ''
    if (header[i] === '"') {
      const quoted = readQuoted(header, i)
      value = quoted.value
      i = quoted.end
    } else {
      start = i
      while (i < n && header[i] !== ',' && header[i] !== ' ' && header[i] !== '\t') i++
      value = header.slice(start, i)
    }
    const name = word.toLowerCase()
    if (!(name in current)) current[name] = value
  }
  return out
}

/** The algorithm's name as the RFC writes it (`MD5`, `MD5-sess`, `SHA-256`…), or `undefined`. */
function algorithmOf(
  challenge: DigestChallenge,
): { name: string; hash: string; sess: boolean } | undefined {
  const raw = challenge.algorithm ?? 'MD5'
  const sess = /-sess$/i.test(raw)
  const hash = (sess ? raw.slice(0, -5) : raw).toUpperCase()
  if (!(hash in hashes)) return undefined
  return { name: sess ? `${hash}-sess` : hash, hash, sess }
}

/**
 * The challenge to answer among those of a 401: the first `Digest` challenge with an
 * algorithm and `qop` this client supports, SHA-256 preferred over MD5 (RFC 7616 §3.7).
 */
export function selectChallenge(header: string | null): DigestChallenge | undefined {
  if (!header) return undefined
  const usable = parseChallenges(header).filter(
    (c) =>
      c.scheme?.toLowerCase() === 'digest' &&
      typeof c.nonce === 'string' &&
      algorithmOf(c) !== undefined &&
      (c.qop === undefined || qopList(c).includes('auth')),
  )
  return usable.find((c) => algorithmOf(c)?.hash === 'SHA-256') ?? usable[0]
}

function qopList(challenge: DigestChallenge): string[] {
  return (challenge.qop ?? '').split(',').map((q) => q.trim().toLowerCase())
}

/** `"value"` with `\` and `"` escaped (RFC 7230 quoted-string). */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`
}

/** What one answer needs besides the challenge. */
export interface DigestInput {
  readonly username: string
  readonly password: string
  readonly method: string
  /** The request-target: path and query (RFC 7616 §3.4 `uri`). */
  readonly uri: string
  /** The nonce count, from 1. */
  readonly nc: number
  readonly cnonce: string
}

/**
 * The `Authorization` value answering `challenge` (RFC 7616 §3.4): `response =
 * KD(H(A1), nonce:nc:cnonce:qop:H(A2))`, with `A1 = user:realm:password` (and
 * `H(A1):nonce:cnonce` for a `-sess` algorithm), `A2 = method:uri`.
 * @throws {TypeError} for a challenge whose algorithm is not supported.
 */
export function digestAuthorization(challenge: DigestChallenge, input: DigestInput): string {
  const algorithm = algorithmOf(challenge)
  if (!algorithm)
    throw new TypeError(`digest: unsupported algorithm ${String(challenge.algorithm)}`)
  const H = hashes[algorithm.hash] as (text: string) => string
  const realm = challenge.realm ?? ''
  const nonce = challenge.nonce ?? ''
  const { method, uri, cnonce } = input
  const qop = challenge.qop === undefined ? undefined : 'auth'
  const nc = input.nc.toString(16).padStart(8, '0')
  let ha1 = H(`${input.username}:${realm}:${input.password}`)
  if (algorithm.sess) ha1 = H(`${ha1}:${nonce}:${cnonce}`)
  const ha2 = H(`${method}:${uri}`)
  const response =
    qop === undefined
      ? H(`${ha1}:${nonce}:${ha2}`)
      : H(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
  // RFC 7616 §3.4.4: with userhash=true the username is H(username:realm).
  const userhash = challenge.userhash?.toLowerCase() === 'true'
  const username = userhash ? H(`${input.username}:${realm}`) : input.username
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${algorithm.name}`,
    `response=${quote(response)}`,
  ]
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`)
  if (qop !== undefined) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`)
  if (userhash) parts.push('userhash=true')
  return `Digest ${parts.join(', ')}`
}

function randomCnonce(): string {
  return bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(16)))
}

/** A remembered challenge: where it applies and the nonce count reached. */
interface Space {
  readonly challenge: DigestChallenge
  /** URL prefixes of the space (the challenge's `domain`), or the origin. */
  readonly prefixes: readonly string[]
  nc: number
}

function prefixesOf(challenge: DigestChallenge, url: URL): string[] {
  const domain = challenge.domain?.trim()
  if (!domain) return [url.origin + '/']
  // RFC 7616 §3.3 domain: space-separated URIs, absolute or relative to the origin.
  return domain
    .split(/\s+/)
    .map((uri) => {
      try {
        return new URL(uri, url).href
      } catch {
        return undefined
      }
    })
    .filter((u): u is string => u !== undefined && new URL(u).origin === url.origin)
}

function requestTarget(url: URL): string {
  return (url.pathname || '/') + url.search
}

/**
 * Digest auth as an {@link AuthHandler}: what `auth: { type: 'digest', username, password }`
 * uses. One handler keeps the protection spaces it has seen (and their nonce counts), so
 * a session's auth answers later requests without a round trip.
 * @example
 * const s = new Session({ auth: digestAuth('user', 'passwd') })
 */
export function digestAuth(username: string, password: string): AuthHandler {
  const spaces: Space[] = []
  const spaceFor = (url: URL): Space | undefined => {
    const href = url.href
    for (let i = spaces.length - 1; i >= 0; i--) {
      const space = spaces[i] as Space
      if (space.prefixes.some((p) => href.startsWith(p))) return space
    }
    return undefined
  }
  const answer = (request: Request, space: Space): void => {
    space.nc++
    const value = digestAuthorization(space.challenge, {
      username,
      password,
      method: request.method,
      uri: requestTarget(new URL(request.url)),
      nc: space.nc,
      cnonce: randomCnonce(),
    })
    request.headers.set('authorization', value)
  }

  const handler: AuthHandler = (request) => {
    // Preemptive: a request into a known protection space carries the answer at once.
    const space = spaceFor(new URL(request.url))
    if (space) answer(request, space)
    return request
  }
  handler.onResponse = async (response, retry, request) => {
    if (response.status !== 401 || !request) return response
    const challenge = selectChallenge(response.headers.get('www-authenticate'))
    if (!challenge) return response
    const url = new URL(request.url)
    const known = spaceFor(url)
    const sent = request.headers.get('authorization')?.startsWith('Digest ') === true
    // An answer already sent for this nonce, and the server does not call it stale: the
    // credentials are wrong (RFC 7616 §3.3 stale). A new nonce gets one answer.
    const stale = challenge.stale?.toLowerCase() === 'true'
    if (sent && known && !stale && known.challenge.nonce === challenge.nonce) return response
    // A one-shot body the transport has read cannot be sent again (the hop hands replayable
    // bodies over unread; RFC 7616 gives no way around it).
    if (request.body !== null && request.bodyUsed) return response
    const space: Space = { challenge, prefixes: prefixesOf(challenge, url), nc: 0 }
    const at = known ? spaces.indexOf(known) : -1
    if (at === -1) spaces.push(space)
    else spaces[at] = space
    await response.body?.cancel().catch(() => undefined)
    const again = new Request(request)
    answer(again, space)
    return retry(again)
  }
  return handler
}
