/** A Session bound to a test platform whose default transport is a MockAdapter. */
import { CookieJar } from '../../src/cookies/index.ts'
import { allFeatures } from '../../src/features.ts'
import type { Capabilities, Platform } from '../../src/platform.ts'
import { Session } from '../../src/session.ts'
import { MockAdapter, type MockHandler } from './mock-adapter.ts'

export function mockSession(
  handler?: MockHandler,
  options: ConstructorParameters<typeof Session>[0] = {},
  capabilities: Partial<Capabilities> = {},
): { session: Session; adapter: MockAdapter } {
  const adapter = new MockAdapter(handler)
  const platform: Platform = {
    name: 'test',
    capabilities: {
      manualRedirect: true,
      readSetCookie: true,
      sendCookie: true,
      proxy: true,
      tls: true,
      transportTimeouts: false,
      keepAlive: false,
      poolSettings: true,
      credentialsMode: true,
      ...capabilities,
    },
    createAdapter: () => adapter,
    env: () => undefined,
    mapError: () => undefined,
    CookieJar,
    features: allFeatures,
  }
  class TestSession extends Session {
    static override readonly platform: Platform = platform
  }
  return { session: new TestSession(options), adapter }
}
