// Debian's Chromium driven by playwright-core (no browser download: STYLE B.8).
import { mkdtemp, rm } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const chromiumPath = '/usr/bin/chromium'

export interface Chromium {
  context: BrowserContext
  close(): Promise<void>
}

/** Headless Chromium with a fresh profile directory, removed by `close()`. */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: apt-get install -y chromium (.ci/run does this on CI)`,
    )
  }
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
