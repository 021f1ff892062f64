// Browser credentials defaults and page-relative URLs, in real headless Chromium: a page on
// `app` uses Session against a wildcard-CORS public origin (`*`, no credentials) and a
// credentialed-CORS one (`api`, which allows `app` with credentials).
import { describe, expect, it } from 'vitest'
import { pageFixture, skip, type Lib } from './page-fixture.ts'
import { startPublicOrigin, type Origin } from './servers.ts'

interface Echo {
  headers: Record<string, string | undefined>
}
interface Outcome {
  ok: boolean
  cookie?: string | undefined
  error?: string
}

let pub: Origin

const fx = pageFixture({
  setup: async () => {
    pub = await startPublicOrigin()
    return () => pub.close()
  },
  clearCookies: true,
  // A cookie on each origin (cookies are per host, not per port: one for 127.0.0.1).
  beforePage: async ({ app, browser }) => {
    await browser.context.addCookies([{ name: 'sid', value: 'abc', url: app.url }])
  },
})

/** Runs a GET in the page and reports whether it passed CORS, and the cookie the server saw. */
function getInPage(options: Record<string, unknown>, url: string, init: object = {}) {
  return fx.page.evaluate(
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
    const outcome = await getInPage({ baseURL: fx.app.url }, `${pub.url}/echo`)
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
    const outcome = await getInPage({ baseURL: fx.api.url }, '/echo')
    expect(outcome).toEqual({ ok: true, cookie: 'sid=abc' })
  })

  it('sends cookies to a trusted origin, not to an untrusted one', async () => {
    const trusted = await getInPage(
      { baseURL: fx.app.url, trustedOrigins: [fx.api.url] },
      `${fx.api.url}/echo`,
    )
    expect(trusted).toEqual({ ok: true, cookie: 'sid=abc' })
    const untrusted = await getInPage({ baseURL: fx.app.url }, `${fx.api.url}/echo`)
    expect(untrusted).toEqual({ ok: true, cookie: undefined })
  })

  it("sends cookies to the page's own origin when there is no baseURL", async () => {
    expect(await getInPage({}, `${fx.app.url}/echo`)).toEqual({ ok: true, cookie: 'sid=abc' })
  })

  it('resolves a relative URL against the page when there is no baseURL', async () => {
    expect(await getInPage({}, '/echo')).toEqual({ ok: true, cookie: 'sid=abc' })
    expect(await getInPage({}, 'echo')).toEqual({ ok: true, cookie: 'sid=abc' })
  })
})
