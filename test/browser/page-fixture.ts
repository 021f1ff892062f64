// The fixture the browser tests share: the `app` origin serving the page with the package's
// browser build, the CORS-enabled `api` origin, headless Chromium, and a fresh page per test
// that has imported the bundle.
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { Page } from 'playwright-core'
import type * as BrowserEntry from '../../platform/browser.ts'
import { ensureBuilt } from '../runtimes/harness.ts'
import { chromiumMissing, launchChromium, type Chromium } from './chromium.ts'
import { bundleForPage, startApiOrigin, startAppOrigin, type Origin } from './servers.ts'

/** The package's browser entry, as the page sees it on `window.lib`. */
export type Lib = typeof BrowserEntry

/** No Chromium: a skip with the reason locally, a failure on CI (launchChromium throws it). */
export const skip = chromiumMissing !== undefined && !process.env.CI

export interface PageFixtureOptions {
  /**
   * Runs once after the app and api origins start, before Chromium launches (e.g. a third
   * origin); what it returns runs in `afterAll`, after the browser closes.
   */
  setup?: () => Promise<(() => Promise<void>) | void>
  /** Clears the browser's cookies before each test. */
  clearCookies?: boolean
  /** Runs before each test's page opens, after the cookies are cleared. */
  beforePage?: (fixture: PageFixture) => Promise<void>
}

/** What the hooks set up; each getter is valid inside a test (not at registration). */
export interface PageFixture {
  readonly app: Origin
  readonly api: Origin
  readonly browser: Chromium
  readonly page: Page
  /** Runs `fn` in the page with the imported bundle; `arg` must be JSON-serialisable. */
  readonly inPage: <A, R>(fn: (arg: A & { lib: Lib }) => Promise<R>, arg: A) => Promise<R>
}

/** Registers the file's `beforeAll`/`afterAll`/`beforeEach` hooks and returns the fixture. */
export function pageFixture(options: PageFixtureOptions = {}): PageFixture {
  if (skip) console.warn(`browser tests skipped: ${String(chromiumMissing)}`)
  let browser: Chromium | undefined
  let app: Origin | undefined
  let api: Origin | undefined
  let page: Page | undefined
  let teardown: (() => Promise<void>) | undefined

  const ready = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`browser fixture: ${name} is not set up`)
    return value
  }
  const fixture: PageFixture = {
    get app() {
      return ready(app, 'app')
    },
    get api() {
      return ready(api, 'api')
    },
    get browser() {
      return ready(browser, 'browser')
    },
    get page() {
      return ready(page, 'page')
    },
    inPage: <A, R>(fn: (arg: A & { lib: Lib }) => Promise<R>, arg: A): Promise<R> =>
      fixture.page.evaluate(
        async ([source, input]) => {
          const lib = (window as unknown as { lib: Lib }).lib
          const body = new Function(`return (${source})`)() as (a: unknown) => Promise<unknown>
          return body({ ...(input as object), lib })
        },
        [fn.toString(), arg] as const,
      ) as Promise<R>,
  }

  beforeAll(async () => {
    if (skip) return
    await ensureBuilt()
    const appOrigin = await startAppOrigin(await bundleForPage())
    app = appOrigin
    api = await startApiOrigin(() => appOrigin.url)
    teardown = (await options.setup?.()) ?? undefined
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await teardown?.()
    await api?.close()
    await app?.close()
  })

  beforeEach(async () => {
    if (skip) return
    const { context } = fixture.browser
    if (options.clearCookies) await context.clearCookies()
    await options.beforePage?.(fixture)
    const opened = await context.newPage()
    page = opened
    await opened.goto(`${fixture.app.url}/`)
    await opened.waitForFunction(
      () => (window as unknown as { libReady?: boolean }).libReady === true,
    )
    return () => opened.close()
  })

  return fixture
}
