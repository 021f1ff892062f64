// `npm pack` on a fresh clone ships the built package: a copy of the tracked files (what a
// clone has: no dist/) with the shared node_modules linked in, packed, and the tarball's
// file list checked.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
let clone: string
let files: string[]
/** The package.json and LICENSE inside the tarball (what users install). */
let manifest: Manifest
let license: string

interface Manifest {
  license?: string
  repository?: { type?: string; url?: string } | string
  homepage?: string
  bugs?: { url?: string } | string
  engines?: Record<string, string>
  dependencies?: Record<string, string>
}

beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'fetch-session-pack-'))
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((path) => path && path !== 'node_modules')
  for (const path of tracked) {
    mkdirSync(dirname(join(clone, path)), { recursive: true })
    try {
      copyFileSync(join(root, path), join(clone, path))
    } catch (error) {
      // A tracked file deleted in the working tree is not in a clone of it either.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'))
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', clone], {
    cwd: clone,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const [report] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }]
  files = report.files.map((f) => f.path)
  const read = (path: string): string =>
    execFileSync('tar', ['-xzOf', join(clone, report.filename), `package/${path}`], {
      encoding: 'utf8',
    })
  manifest = JSON.parse(read('package.json')) as Manifest
  license = read('LICENSE')
}, 180_000)

afterAll(() => {
  if (clone) rmSync(clone, { recursive: true, force: true })
})

describe('npm pack on a fresh clone', () => {
  it('builds first and ships dist/ with every entry and its types', () => {
    for (const runtime of ['node', 'deno', 'bun', 'workerd', 'browser', 'default']) {
      expect(files).toContain(`dist/${runtime}.mjs`)
      expect(files).toContain(`dist/${runtime}.cjs`)
    }
    for (const file of [
      'dist/index.d.mts',
      'dist/index.d.cts',
      'dist/file-store.mjs',
      'dist/file-store.cjs',
      'dist/file-store.d.mts',
      'dist/file-store.d.cts',
      // `moduleResolution: node` (node10) finds the subpath through this stub.
      'file-store/package.json',
    ]) {
      expect(files).toContain(file)
    }
    expect(files.some((f) => f.startsWith('dist/lib/'))).toBe(true)
  })

  it('ships the license, readme, changelog and package.json', () => {
    for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
      expect(files).toContain(file)
    }
  })

  it('ships no sources, tests or tooling', () => {
    const stray = files.filter(
      (f) =>
        !/^(dist\/|file-store\/package\.json$|LICENSE$|README\.md$|CHANGELOG\.md$|package\.json$)/.test(
          f,
        ),
    )
    expect(stray).toEqual([])
  })
})

describe('the packed package.json', () => {
  it('points repository, homepage and bugs at the one GitHub repository', () => {
    const repository = manifest.repository
    expect(typeof repository).toBe('object')
    const url = typeof repository === 'object' ? repository.url : undefined
    const match = /^git\+https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)\.git$/.exec(url ?? '')
    expect(url).toMatch(/^git\+https:\/\/github\.com\//)
    expect(match).not.toBeNull()
    const web = `https://github.com/${match![1]}`
    expect(manifest.homepage).toBe(`${web}#readme`)
    expect(typeof manifest.bugs === 'object' ? manifest.bugs.url : manifest.bugs).toBe(
      `${web}/issues`,
    )
  })

  it('takes runtime dependencies as ranges (pinned in the lockfile, not here)', () => {
    const dependencies = Object.entries(manifest.dependencies ?? {})
    expect(dependencies.length).toBeGreaterThan(0)
    for (const [name, range] of dependencies) {
      expect([name, range]).toEqual([name, expect.stringMatching(/^(\^|~|>=)\d+\.\d+\.\d+$/)])
    }
  })

  it('supports Node >= 20.18.1 and ships the MIT license it declares', () => {
    expect(manifest.engines).toEqual({ node: '>=20.18.1' })
    expect(manifest.license).toBe('MIT')
    expect(license).toMatch(/^MIT License/)
  })
})
