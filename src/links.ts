/**
 * The `Link` header (RFC 8288 §3), parsed as requests' `response.links`: each link keyed
 * by its relation type, else by its URL.
 * @module
 */
import type { Link } from './types.ts'

// One token per match, from where the last ended: a link's `<url>` (after commas and
// white space), a `; name[=value]` parameter (the value a quoted string or a token), or
// anything else up to the next comma (skipped). No nested quantifiers: linear time.
const token =
  /[\s,]*<([^>]*)>|\s*;\s*([^=;,\s]*)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"?|([^;,]*)))?|[^,]+|,/y

/**
 * Parses a `Link` header value into links: `{ url, rel?, ...params }`. Parameter names are
 * lower-cased; a parameter given twice keeps its first value (RFC 8288 §3.3 for `rel`);
 * quoted values are unquoted. Text that is not a link is skipped up to the next comma.
 */
export function parseLinkHeader(value: string): Link[] {
  const links: Link[] = []
  let link: Link | undefined
  token.lastIndex = 0
  for (let m; (m = token.exec(value));) {
    const [, url, name, quoted, bare] = m
    if (url !== undefined) links.push((link = { url: url.trim() }))
    else if (name === undefined) link = undefined
    else if (link && name && !(name.toLowerCase() in link) && name.toLowerCase() !== 'url') {
      link[name.toLowerCase()] = quoted?.replace(/\\(.)/g, '$1') ?? bare?.trim() ?? ''
    }
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
