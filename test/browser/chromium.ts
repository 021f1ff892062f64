// A system Chromium driven by playwright-core (no browser download: STYLE B.8). The browser
// is `CHROMIUM_PATH` when set, else the first one found: Debian's /usr/bin/chromium,
// chromium-browser, google-chrome, or a browser playwright already downloaded.
import { mkdtemp, rm } from 'node:fs/promises'
import { existsSync, readdirSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

const systemCandidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
]

/** Browsers in playwright's download cache (`npx playwright install chromium`). */
function playwrightCandidates(): string[] {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), '.cache', 'ms-playwright')
  if (!existsSync(cache)) return []
  return readdirSync(cache)
    .filter((dir) => dir.startsWith('chromium-'))
    .sort()
    .reverse()
    .flatMap((dir) => [
      join(cache, dir, 'chrome-linux64', 'chrome'),
      join(cache, dir, 'chrome-linux', 'chrome'),
    ])
}

/** Where the browser was looked for, for the message when there is none. */
export function chromiumSearch(): { path: string | undefined; tried: string[] } {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) return { path: existsSync(fromEnv) ? fromEnv : undefined, tried: [fromEnv] }
  const tried = [...systemCandidates, ...playwrightCandidates()]
  return { path: tried.find((candidate) => existsSync(candidate)), tried }
}

const search = chromiumSearch()

/** The Chromium the browser tests use, or `undefined` when none was found. */
export const chromiumPath: string | undefined = search.path

/**
 * Why the browser tests cannot run here, or `undefined` when they can. On CI (`CI` set) a
 * missing browser is a failure, not a skip.
 */
export const chromiumMissing: string | undefined =
  chromiumPath === undefined
    ? `no Chromium found (tried ${search.tried.join(', ')}): install one ` +
      '(Debian: apt-get install -y chromium; see CONTRIBUTING.md) or set CHROMIUM_PATH ' +
      'to a Chromium or Chrome executable'
    : undefined

export interface Chromium {
  context: BrowserContext
  close(): Promise<void>
}

/** Headless Chromium with a fresh profile directory, removed by `close()`. */
export async function launchChromium(): Promise<Chromium> {
  if (chromiumPath === undefined) throw new Error(chromiumMissing)
  const profile = await mkdtemp(join(tmpdir(), 'fetch-session-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
