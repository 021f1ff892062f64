/**
 * The package version and the default `User-Agent` built from it. `package.json` is the
 * source of truth: `npm version` rewrites this file (`scripts/version.mjs`), and the build
 * refuses to run when the two differ.
 * @module
 */

/** This package's version, as in its `package.json`. */
export const VERSION = '0.1.0'

/**
 * Sent as `User-Agent` when a request has none, on runtimes that let a script set it (Node,
 * Deno, Bun, Workers; browsers send their own): servers can tell the client, as
 * python-requests sends `python-requests/<version>`. A `User-Agent` the user sets wins, and a
 * request's `headers: { 'user-agent': null }` sends none (requests drops a header set to `None`).
 */
export const defaultUserAgent: string = `fetch-session/${VERSION}`

/**
 * Adds {@link defaultUserAgent} to a hop's headers when they carry no `User-Agent` and the
 * hop wants it (`AdapterContext.defaultUserAgent`: `false` when the request removed it).
 * Headers that cannot change (an immutable guard) are left as they are.
 */
export function addDefaultUserAgent(headers: Headers, wanted: boolean | undefined): void {
  if (wanted === false || headers.has('user-agent')) return
  try {
    headers.set('user-agent', defaultUserAgent)
  } catch {
    // Fetch §5.2 "immutable" guard: the runtime's own request; it sends its own default.
  }
}
