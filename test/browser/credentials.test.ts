// Browser credentials defaults and page-relative URLs, in real headless Chromium: a page on
// `app` uses Session against a wildcard-CORS public origin (`*`, no credentials) and a
// credentialed-CORS one (`api`, which allows `app` with credentials).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type * as BrowserEntry from '../../platform/browser.ts'
import { ensureBuilt } from '../runtimes/harness.ts'
import { chromiumMissing, launchChromium, type Chromium } from './chromium.ts'
import {
  bundleForPage,
  startApiOrigin,
  startAppOrigin,
  startPublicOrigin,
  type Origin,
} from './servers.ts'

type Lib = typeof BrowserEntry
interface Echo {
  headers: Record<string, string | undefined>
}
interface Outcome {
  ok: boolean
  cookie?: string | undefined
  error?: string
}

// No Chromium: a skip with the reason locally, a failure on CI (launchChromium throws it).
const skip = chromiumMissing !== undefined && !process.env.CI
if (skip) console.warn(`browser tests skipped: ${chromiumMissing}`)

let browser: Chromium
let app: Origin
let api: Origin
let pub: Origin
let page: Page

beforeAll(async () => {
  if (skip) return
  await ensureBuilt()
  app = await startAppOrigin(await bundleForPage())
  api = await startApiOrigin(() => app.url)
  pub = await startPublicOrigin()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await pub?.close()
  await api?.close()
  await app?.close()
})

beforeEach(async () => {
  if (skip) return
  await browser.context.clearCookies()
  // A cookie on each origin (cookies are per host, not per port: one for 127.0.0.1).
  await browser.context.addCookies([{ name: 'sid', value: 'abc', url: app.url }])
  page = await browser.context.newPage()
  await page.goto(`${app.url}/`)
  await page.waitForFunction(() => (window as unknown as { libReady?: boolean }).libReady === true)
  return () => page.close()
})

/** Runs a GET in the page and reports whether it passed CORS, and the cookie the server saw. */
function getInPage(options: Record<string, unknown>, url: string, init: object = {}) {
  return page.evaluate(
    async ([options, url, init]) => {
      const lib = (window as unknown as { lib: Lib }).lib
      try {
        const s = new lib.Session(options)
        const echo = (await s.get(url, init).json()) as Echo
        return { ok: true, cookie: echo.headers.cookie }
      } catch (error) {
        return { ok: false, error: String((error as Error).message) }
      }
    },
    [options, url, init] as const,
  ) as Promise<Outcome>
}

describe.skipIf(skip)('browser credentials defaults in Chromium', () => {
  it('a wildcard-CORS public API works from a session with a baseURL elsewhere', async () => {
    // 'include' here would fail the CORS check (Fetch §3.2.5: `*` with credentials).
    const outcome = await getInPage({ baseURL: app.url }, `${pub.url}/echo`)
    expect(outcome).toEqual({ ok: true, cookie: undefined })
  })

  it('the same public API works from a session without a baseURL', async () => {
    expect(await getInPage({}, `${pub.url}/echo`)).toEqual({ ok: true, cookie: undefined })
  })

  it("an explicit credentials: 'include' still wins (and fails CORS against `*`)", async () => {
    const outcome = await getInPage({}, `${pub.url}/echo`, { credentials: 'include' })
    expect(outcome.ok).toBe(false)
    expect(outcome.error).toMatch(/CORS/)
  })

  it("sends cookies to the baseURL's origin under credentialed CORS", async () => {
    const outcome = await getInPage({ baseURL: api.url }, '/echo')
    expect(outcome).toEqual({ ok: true, cookie: 'sid=abc' })
  })

  it('sends cookies to a trusted origin, not to an untrusted one', async () => {
    const trusted = await getInPage(
      { baseURL: app.url, trustedOrigins: [api.url] },
      `${api.url}/echo`,
    )
    expect(trusted).toEqual({ ok: true, cookie: 'sid=abc' })
    const untrusted = await getInPage({ baseURL: app.url }, `${api.url}/echo`)
    expect(untrusted).toEqual({ ok: true, cookie: undefined })
  })

  it("sends cookies to the page's own origin when there is no baseURL", async () => {
    expect(await getInPage({}, `${app.url}/echo`)).toEqual({ ok: true, cookie: 'sid=abc' })
  })

  it('resolves a relative URL against the page when there is no baseURL', async () => {
    expect(await getInPage({}, '/echo')).toEqual({ ok: true, cookie: 'sid=abc' })
    expect(await getInPage({}, 'echo')).toEqual({ ok: true, cookie: 'sid=abc' })
  })
})
