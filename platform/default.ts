/**
 * Entry for any runtime with a WHATWG `fetch` and no shim of its own: `globalThis.fetch`
 * looked up at call time (so polyfills and test doubles installed later are used), manual
 * redirects, and conservative capabilities (no proxy, TLS or transport-level timeouts).
 * @module
 */
import { fetchOnly } from '../src/capabilities.ts'
import { CookieJar } from '../src/cookies/index.ts'
import { allFeatures } from '../src/features.ts'
import type { Platform } from '../src/platform.ts'
import { Session as CoreSession } from '../src/session.ts'

const defaultPlatform: Platform = {
  name: 'default',
  capabilities: fetchOnly,
  createAdapter: () => ({
    // The session's redirect mode, not the request's: a hook's `new Request(url)` says 'follow'.
    fetch: (request, ctx) => globalThis.fetch(request, { redirect: ctx.redirect }),
  }),
  env: () => undefined,
  mapError: () => undefined,
  CookieJar,
  features: allFeatures,
}

export * from '../src/index.ts'

/** A `Session` over the runtime's global `fetch`. */
export class Session extends CoreSession {
  static override readonly platform: Platform = defaultPlatform
}
