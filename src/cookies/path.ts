/**
 * Cookie paths: default-path and path-match, RFC 6265 §5.1.4.
 * @module
 */

/**
 * RFC 6265 §5.1.4 default-path of a request path: `/` when the path is empty, does not
 * start with `/` or holds only one `/`; otherwise everything before the right-most `/`.
 * @example
 * defaultPath('/docs/guide/intro') // '/docs/guide'
 * defaultPath('/index.html')       // '/'
 */
export function defaultPath(uriPath: string): string {
  if (uriPath.charCodeAt(0) !== 0x2f) return '/'
  const last = uriPath.lastIndexOf('/')
  return last === 0 ? '/' : uriPath.slice(0, last)
}

/**
 * RFC 6265 §5.1.4 path-match: the paths are identical, or `cookiePath` is a prefix of
 * `requestPath` and either ends with `/` or is followed in `requestPath` by `/`.
 * @example
 * pathMatch('/docs/intro', '/docs') // true
 * pathMatch('/docsearch', '/docs')  // false
 */
export function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (!requestPath.startsWith(cookiePath)) return false
  return (
    requestPath.length === cookiePath.length ||
    cookiePath.charCodeAt(cookiePath.length - 1) === 0x2f ||
    requestPath.charCodeAt(cookiePath.length) === 0x2f
  )
}
