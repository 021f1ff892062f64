// The documentation's links and file references: every relative link points at a file (and a
// heading, when it names one) inside the repository, every repository path written in inline
// code exists, and nothing points outside the repository or at internal notes.
import { existsSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../runtimes/harness.ts'
import { anchorOf, anchors, docFiles, linkTargets, referencedPaths } from './markdown.ts'

const files = docFiles()

/** Words that belong in the team's notes, not in user docs; checked over the whole file. */
const internal = [
  /\.\.\/shared\b/,
  /\bAPI\.md\b/,
  /\bSTYLE(?:\.md)?\b/,
  /\bthe seeds?\b/i,
  /\bthe seed's\b/i,
  // Our own tracker: "issue 16", "issue #16", "PR 3", "fixes #4".
  /\b(?:issues?|PRs?|pull requests?)\s+#?\d+\b/i,
  /\b(?:fix(?:es|ed)?|close[sd]?|resolve[sd]?|see)\s+#\d+\b/i,
  // Release and review history: "this release added", "the second round".
  /\bthis release\b/i,
  /\b(?:first|second|third|fourth|fifth|this|next|last|previous|earlier|later|tuning|review)[ -]rounds?\b/i,
  /\bround (?:\d+|one|two|three|four|five)\b/i,
  /\brounds? of (?:tuning|review|fixes)\b/i,
]

/**
 * The internal notes in a Markdown text: the phrases above anywhere, and a bare issue
 * reference (`#16`) in prose. Another project's issue stays welcome when written in full
 * (`nodejs/undici#872`, or a link); code blocks, inline code and link targets (`#heading`
 * anchors) are not prose.
 */
export function internalNotes(text: string): string[] {
  const found = internal.flatMap((pattern) => pattern.exec(text)?.[0] ?? [])
  let fenced = false
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced
    if (fenced || /^\s*```/.test(line)) continue
    const prose = line.replace(/`[^`]*`/g, '').replace(/\]\([^)]*\)/g, ']')
    for (const m of prose.matchAll(/#\d+\b/g)) {
      if (!/[\w.-]+\/[\w.-]+$/.test(prose.slice(0, m.index))) found.push(m[0])
    }
  }
  return found
}

describe('documentation links and references', () => {
  it('the README and the docs index exist', () => {
    expect(files).toContain('README.md')
    expect(files).toContain('docs/index.md')
  })

  for (const file of files) {
    it(`${file}: relative links point at files and headings in the repository`, () => {
      const broken: string[] = []
      for (const { line, target } of linkTargets(file)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // https:, mailto:
        const [path, anchor] = target.split('#') as [string, string | undefined]
        const resolved = path === '' ? file : normalize(join(dirname(file), decodeURI(path)))
        if (resolved.startsWith('..')) {
          broken.push(`${file}:${line} ${target} is outside the repository`)
          continue
        }
        if (!existsSync(join(repoRoot, resolved))) {
          broken.push(`${file}:${line} ${target}: no such file`)
          continue
        }
        if (anchor !== undefined && resolved.endsWith('.md')) {
          if (!anchors(resolved).has(anchor)) {
            broken.push(`${file}:${line} ${target}: no heading "#${anchor}" in ${resolved}`)
          }
        }
      }
      expect(broken).toEqual([])
    })

    it(`${file}: paths in inline code exist`, () => {
      const missing = referencedPaths(file)
        .filter(({ path }) => !existsSync(join(repoRoot, path.replace(/\/$/, ''))))
        .map(({ line, path }) => `${file}:${line} ${path}`)
      expect(missing).toEqual([])
    })

    it(`${file}: no internal notes`, () => {
      expect(internalNotes(readFileSync(join(repoRoot, file), 'utf8'))).toEqual([])
    })
  }

  it('the internal-notes check finds the notes and lets user prose be', () => {
    const notes = [
      'See ../shared/seeds for the reference.',
      'As API.md says, sessions are reusable.',
      'The layout follows STYLE.',
      'This closes issue 16.',
      'Fixed in issue #7.',
      'Tracked as PR 12.',
      'The body shortcut (#9) is faster.',
      'fixes #3',
      'Before this release the bundle was smaller.',
      'The modules this release added cost 4 KB.',
      'Added in the second round.',
      'After three tuning rounds it was 1.1×.',
      'Measured in round 2.',
      "the seeds' story",
    ]
    expect(notes.filter((note) => internalNotes(note).length === 0)).toEqual([])
    const prose = [
      'undici: nodejs/undici#872, CVE-2022-31151',
      "the Fetch standard's rule, whatwg/fetch#1544",
      'See [the merge rules](sessions.md#merge-rules) and [Runtimes](#what-each-runtime-can-do).',
      'A private field `#1` never appears, nor `color: #333` in code.',
      '```css\np { color: #333 }\n```',
      '# Performance',
      'then 5 interleaved rounds (the order rotates each round) on a two-core machine',
      'so they take one round trip instead of two, and the other way round',
      'Cookies are round-tripped; CVE-2014-1829 is one of the issues it closes.',
    ]
    expect(prose.filter((text) => internalNotes(text).length > 0)).toEqual([])
  })

  it('anchors follow GitHub: punctuation dropped, spaces to hyphens', () => {
    expect(anchorOf('Use it with ky, ofetch, openai…')).toBe('use-it-with-ky-ofetch-openai')
    expect(anchorOf('`s.fetch` and streaming')).toBe('sfetch-and-streaming')
  })
})
