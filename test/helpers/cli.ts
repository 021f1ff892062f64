/**
 * Runs the built command line (`dist/cli.mjs`) as a subprocess, asynchronously so that a
 * loopback server in the test's own process can answer it.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const cliPath = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url))
export const bunPath = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url))
export const denoPath = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: Buffer
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  runtime?: 'node' | 'bun' | 'deno'
  /** Written to stdin, which is then closed. */
  input?: string
  /** An open file descriptor given as stdin instead (`< file`); `input` is then unused. */
  stdinFd?: number
  timeout?: number
}

/** The command and arguments that run `dist/cli.mjs` with `args` on a runtime. */
export function cliCommand(args: string[], runtime: CliOptions['runtime'] = 'node'): string[] {
  if (runtime === 'bun') return [bunPath, cliPath, ...args]
  if (runtime === 'deno') return [denoPath, 'run', '-A', cliPath, ...args]
  return [process.execPath, cliPath, ...args]
}

/** Runs `fetch-session ...args`; resolves with its exit code and output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const [file, ...rest] = cliCommand(args, options.runtime)
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, rest, {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: undefined, ...options.env },
      stdio: [options.stdinFd ?? 'pipe', 'pipe', 'pipe'],
      timeout: options.timeout ?? 30_000,
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (c: Buffer) => out.push(c))
    child.stderr?.on('data', (c: Buffer) => err.push(c))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') })
    })
    child.stdin?.end(options.input ?? '')
  })
}
