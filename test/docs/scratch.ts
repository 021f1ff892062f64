// Scratch directories where docs and examples run as a user's project would: fetch-session
// in node_modules is this repository (its `exports` pick dist/), next to the libraries the
// docs show it with (ky, ofetch, openai…), which are the repository's own installs.
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../runtimes/harness.ts'

export async function linkPackages(dir: string): Promise<void> {
  await mkdir(join(dir, 'node_modules'), { recursive: true })
  for (const name of await readdir(join(repoRoot, 'node_modules'))) {
    if (name.startsWith('.') || name === 'fetch-session') continue
    await symlink(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name), 'dir')
  }
  await symlink(repoRoot, join(dir, 'node_modules/fetch-session'), 'dir')
}

export interface Scratch {
  dir: string
  dispose(): Promise<void>
}

/** A new project directory, optionally holding a copy of one examples/ folder. */
export async function scratchProject(example?: string): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), 'fetch-session-docs-'))
  await linkPackages(dir)
  await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n')
  if (example !== undefined) await cp(join(repoRoot, 'examples', example), dir, { recursive: true })
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) }
}
