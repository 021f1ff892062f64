// The published surface, guarded mechanically (STYLE B.10): every platform entry exports the
// same names, and the list changes only on purpose.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const entries = readdirSync(new URL('../platform/', import.meta.url))
  .filter((f) => /^(node|deno|bun|workerd|browser|default)\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))

const expected = [
  'CABundleError',
  'ClosedSessionError',
  'ConnectionError',
  'CookieConflictError',
  'CookieJar',
  'HTTPError',
  'InvalidURLError',
  'NoAdapterError',
  'RedirectError',
  'ResponseTooLargeError',
  'Session',
  'SessionError',
  'SessionStateError',
  'StateConflictError',
  'TimeoutError',
  'TooManyRedirectsError',
  'digestAuth',
]

describe('exports', () => {
  it('has the node and default entries at least', () => {
    expect(entries).toEqual(expect.arrayContaining(['node', 'default']))
  })

  it.each(entries)('platform/%s exports the public names', async (entry) => {
    const mod = (await import(`../platform/${entry}.ts`)) as Record<string, unknown>
    const names = Object.keys(mod).sort()
    for (const name of expected) expect(names).toContain(name)
    expect((mod.Session as { platform: { name: string } }).platform.name).toBe(entry)
  })

  it('every entry exports exactly the same names', async () => {
    const lists = await Promise.all(
      entries.map(async (e) =>
        Object.keys((await import(`../platform/${e}.ts`)) as object)
          .sort()
          .join(','),
      ),
    )
    expect(new Set(lists).size).toBe(1)
  })
})
