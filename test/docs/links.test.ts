// The documentation's links and file references: every relative link points at a file (and a
// heading, when it names one) inside the repository, every repository path written in inline
// code exists, and nothing points outside the repository or at internal notes.
import { existsSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../runtimes/harness.ts'
import { anchorOf, anchors, docFiles, linkTargets, referencedPaths } from './markdown.ts'

const files = docFiles()

/** Words that belong in the team's notes, not in user docs. */
const internal = [
  /\.\.\/shared\b/,
  /\bAPI\.md\b/,
  /\bSTYLE\.md\b/,
  /\bissue #\d+/i,
  /\bsecond round\b/i,
  /\bthe seeds\b/i,
]

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
      const text = readFileSync(join(repoRoot, file), 'utf8')
      const found = internal
        .map((pattern) => pattern.exec(text)?.[0])
        .filter((m): m is string => m !== undefined)
      expect(found).toEqual([])
      expect(relative(repoRoot, join(repoRoot, file)).startsWith('..')).toBe(false)
    })
  }

  it('anchors follow GitHub: punctuation dropped, spaces to hyphens', () => {
    expect(anchorOf('Use it with ky, ofetch, openai…')).toBe('use-it-with-ky-ofetch-openai')
    expect(anchorOf('`s.fetch` and streaming')).toBe('sfetch-and-streaming')
  })
})
