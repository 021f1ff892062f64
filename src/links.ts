/**
 * The `Link` header (RFC 8288 §3), parsed as requests' `response.links`: each link keyed
 * by its relation type, else by its URL.
 * @module
 */
import type { Link } from './types.ts'

const ws = (c: string | undefined): boolean => c === ' ' || c === '\t'

/**
 * Parses a `Link` header value into links: `{ url, rel?, ...params }`. Parameter names are
 * lower-cased; a parameter given twice keeps its first value (RFC 8288 §3.3 for `rel`);
 * quoted values are unquoted. A malformed link is skipped up to the next comma. Linear time.
 */
export function parseLinkHeader(value: string): Link[] {
  const links: Link[] = []
  const n = value.length
  let i = 0
  while (i < n) {
    while (i < n && (ws(value[i]) || value[i] === ',')) i++
    if (i >= n) break
    if (value[i] !== '<') {
      // Not a link: skip to the next one.
      while (i < n && value[i] !== ',') i++
      continue
    }
    const close = value.indexOf('>', i + 1)
    if (close === -1) break
    const link: Link = { url: value.slice(i + 1, close).trim() }
    i = close + 1
    // Parameters: `; name[=value]` until a comma ends the link.
    for (;;) {
      while (i < n && ws(value[i])) i++
      if (value[i] !== ';') break
      i++
      while (i < n && ws(value[i])) i++
      let start = i
      while (i < n && !'=;,'.includes(value[i] as string)) i++
      const name = value.slice(start, i).trim().toLowerCase()
      let param = ''
      if (value[i] === '=') {
        i++
        while (i < n && ws(value[i])) i++
        if (value[i] === '"') {
          i++
          while (i < n && value[i] !== '"') {
            if (value[i] === '\\') i++
            if (i < n) param += value.charAt(i)
            i++
          }
          i++
        } else {
          start = i
          while (i < n && value[i] !== ';' && value[i] !== ',') i++
          param = value.slice(start, i).trim()
        }
      }
      if (name && name !== 'url' && !(name in link)) link[name] = param
    }
    while (i < n && value[i] !== ',') i++
    links.push(link)
  }
  return links
}

/**
 * requests' `Response.links`: the links keyed by `rel` (each relation type of a
 * space-separated `rel`, lower-cased, RFC 8288 §2.1.1), else by URL; a later link with the
 * same key wins, as in requests.
 */
export function linksByRel(header: string | null): Record<string, Link> {
  const out: Record<string, Link> = {}
  if (!header) return out
  for (const link of parseLinkHeader(header)) {
    const rels =
      link.rel
        ?.toLowerCase()
        .split(/[ \t]+/)
        .filter(Boolean) ?? []
    if (rels.length === 0) out[link.url] = link
    for (const rel of rels) out[rel] = link
  }
  return out
}
