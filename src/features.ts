/**
 * The parts of the core a runtime may go without. Each platform entry hands its `Session` the
 * features it can use (`Platform.features`), so a runtime that cannot use one does not bundle
 * it: the browser follows redirects, keeps cookies and picks proxies itself, so its entry
 * supplies none of these and `import { Session }` there stays small (README "Bundle size").
 * @module
 */
import { Autosave } from './autosave.ts'
import { splitSetCookie } from './cookies/split.ts'
import { resolveProxySettings, selectProxy } from './proxy.ts'
import { planRedirect } from './redirect.ts'

/** Optional parts of the core; a platform supplies those its capabilities call for. */
export interface Features {
  /** The redirect planner (needed with `capabilities.manualRedirect`). */
  readonly planRedirect?: typeof planRedirect
  /** Proxy settings: validation and the choice per URL (needed with `capabilities.proxy`). */
  readonly resolveProxy?: typeof resolveProxySettings
  readonly selectProxy?: typeof selectProxy
  /** Splits a combined `Set-Cookie` where `Headers.getSetCookie` is missing (with `capabilities.readSetCookie`). */
  readonly splitSetCookie?: typeof splitSetCookie
  /** `autosave`: meaningful only where responses change the session's own jar. */
  readonly Autosave?: typeof Autosave
}

/** Every feature: what the server-side runtimes (Node, Deno, Bun, workerd, default) use. */
export const allFeatures: Features = {
  planRedirect,
  resolveProxy: resolveProxySettings,
  selectProxy,
  splitSetCookie,
  Autosave,
}

/**
 * A feature the platform must supply because its capabilities say it does the job.
 * @throws {TypeError} for a platform whose capabilities and features disagree (a shim bug).
 */
export function required<K extends keyof Features>(
  platform: { readonly name: string; readonly features: Features },
  key: K,
): NonNullable<Features[K]> {
  const feature = platform.features[key]
  if (feature === undefined) {
    throw new TypeError(
      `Session.platform.features.${key}: the ${platform.name} platform's capabilities need it, but it supplies none`,
    )
  }
  return feature
}
