/**
 * The parts of the core a runtime may go without. Each platform entry hands its `Session` the
 * features it can use (`Platform.features`), so a runtime that cannot use one does not bundle
 * it: the browser follows redirects, keeps cookies and picks proxies itself, so its entry
 * supplies none of these and `import { Session }` there stays small (docs/runtimes.md, "Bundle size").
 * @module
 */
import { Autosave } from './state/autosave.ts'
import { splitSetCookie } from './cookies/split.ts'
import { resolveProxySettings, selectProxy } from './proxy.ts'
import { followRedirects } from './follow.ts'
import { rejectForeignState } from './state/foreign.ts'
import type { Features } from './platform.ts'
import { digestAuth } from './auth/digest.ts'
import { envTls, netrcAuth } from './trust-env.ts'
import { checkTls } from './settings.ts'
import { cookieHeader, toCookieOverlay } from './prepare.ts'
import { storeSetCookie } from './hop.ts'

/** Every feature: what the server-side runtimes (Node, Deno, Bun, workerd, default) use. */
export const allFeatures: Features = {
  followRedirects,
  resolveProxy: resolveProxySettings,
  selectProxy,
  splitSetCookie,
  Autosave,
  digestAuth,
  trustEnv: { netrcAuth, envTls },
  rejectForeignState,
  checkTls,
  cookieHeader,
  cookieOverlay: toCookieOverlay,
  storeSetCookie,
}
