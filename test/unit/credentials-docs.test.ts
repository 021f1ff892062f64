// The published description of the browser's default credentials mode matches what the
// browser entry does (its behaviour is tested in test/dom/browser-shim.test.ts and in real
// Chromium in test/browser/credentials.test.ts): 'include' to the session's own origins,
// fetch's 'same-origin' elsewhere.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Session } from '../../platform/browser.ts'

/** The TSDoc comment right before `declaration` in `file`. */
function docBefore(file: string, declaration: string): string {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
  const at = text.indexOf(declaration)
  expect(at, `${declaration} in ${file}`).toBeGreaterThan(0)
  const before = text.slice(0, at)
  return before.slice(before.lastIndexOf('/**'))
}

describe('the browser credentials default, as documented', () => {
  it("the platform's fallback is fetch's 'same-origin'", () => {
    expect(Session.platform.defaultCredentials).toBe('same-origin')
    expect(docBefore('src/platform.ts', 'readonly defaultCredentials')).toContain("`'same-origin'`")
  })

  it("SessionOptions.credentials says 'include' to own origins, 'same-origin' elsewhere", () => {
    const doc = docBefore('src/types.ts', 'credentials?: RequestCredentials')
    expect(doc).toMatch(/`'include'` to the session's own origins/)
    expect(doc).toMatch(/`'same-origin'`[\s*]+elsewhere/)
    expect(doc).not.toMatch(/default `'include'`\./)
  })
})
