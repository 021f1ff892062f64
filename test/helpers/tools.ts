/**
 * The system programs the integration tests drive (python3 with httpbin and requests, curl,
 * redis-server, util-linux's `script`), found the same way on Linux and macOS: the
 * environment variable named for each (`PYTHON`, `CURL`, `REDIS_SERVER`, `SCRIPT`, as
 * `CHROMIUM_PATH` names the browser) when it is set, else the first fitting candidate from
 * fixed places and `PATH`. A program that cannot be found is an error that names it, what
 * was tried and the variable to set: never a skipped test (CONTRIBUTING.md, "Prerequisites").
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join, resolve, sep } from 'node:path'

/** How one program is looked for. */
export interface ToolSpec {
  /** The program, as messages name it. */
  readonly name: string
  /** The environment variable that names its path. */
  readonly variable: string
  /** Paths tried before `PATH`. */
  readonly before?: readonly string[]
  /** Names looked up on `PATH`, in order. */
  readonly commands: readonly string[]
  /** Paths tried after `PATH`. */
  readonly after?: readonly string[]
  /** Why `path` does not fit (not the right program), or `undefined` when it does. */
  readonly unfit?: (path: string) => string | undefined
  /** How to install it, for the message. */
  readonly install: string
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function pathDirs(env: NodeJS.ProcessEnv): string[] {
  return (env.PATH ?? '').split(delimiter).filter(Boolean)
}

/**
 * The path of the program `spec` describes.
 * @throws {Error} naming the program, every path tried (with why it did not fit) and the
 * variable to set.
 */
export function findTool(spec: ToolSpec, env: NodeJS.ProcessEnv = process.env): string {
  const { name, variable } = spec
  const given = env[variable]
  if (given) {
    // A bare name is looked up on PATH; a path is made absolute (tests run programs elsewhere).
    const chosen = given.includes(sep)
      ? resolve(given)
      : (pathDirs(env)
          .map((dir) => join(dir, given))
          .find(isExecutable) ?? given)
    const why = isExecutable(chosen) ? spec.unfit?.(chosen) : 'is not an executable file'
    if (why === undefined) return chosen
    throw new Error(`${name}: ${variable}=${chosen} ${why}; ${spec.install}`)
  }
  const onPath = pathDirs(env).flatMap((dir) => spec.commands.map((command) => join(dir, command)))
  const candidates = [...new Set([...(spec.before ?? []), ...onPath, ...(spec.after ?? [])])]
  const rejected: string[] = []
  for (const path of candidates) {
    if (!isExecutable(path)) continue
    const why = spec.unfit?.(path)
    if (why === undefined) return path
    rejected.push(`${path} ${why}`)
  }
  const tried = rejected.length > 0 ? rejected.join('; ') : `none of ${candidates.join(', ')}`
  throw new Error(
    `${name} not found (${tried}): ${spec.install}, or set ${variable} to its path ` +
      '(see CONTRIBUTING.md, "Prerequisites")',
  )
}

/** What `path --version` (or other `args`) prints, or why it could not run. */
function output(path: string, args: string[]): { ok: boolean; text: string } {
  const run = spawnSync(path, args, { encoding: 'utf8', timeout: 20_000 })
  return {
    ok: run.status === 0,
    text: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`.trim(),
  }
}

/**
 * A Python 3 that can `import httpbin, requests`. Debian's `/usr/bin/python3` first (the
 * one `apt-get install python3-httpbin python3-requests` fills), because a pyenv or
 * Homebrew `python3` earlier on `PATH` often lacks them.
 */
export const pythonSpec: ToolSpec = {
  name: 'python3 with httpbin and requests',
  variable: 'PYTHON',
  before: ['/usr/bin/python3'],
  commands: ['python3'],
  unfit: (path) => {
    const run = output(path, ['-c', 'import httpbin, requests'])
    return run.ok ? undefined : 'cannot import httpbin and requests'
  },
  install:
    'install them (Debian: apt-get install python3-httpbin python3-requests; elsewhere: ' +
    'python3 -m venv .cache/venv && .cache/venv/bin/pip install httpbin requests, then ' +
    'PYTHON=.cache/venv/bin/python3)',
}

export const curlSpec: ToolSpec = {
  name: 'curl',
  variable: 'CURL',
  commands: ['curl'],
  install: 'install curl (Debian: apt-get install curl; macOS ships one)',
}

export const redisServerSpec: ToolSpec = {
  name: 'redis-server',
  variable: 'REDIS_SERVER',
  commands: ['redis-server'],
  install: 'install it (Debian: apt-get install redis-server; macOS: brew install redis)',
}

/**
 * util-linux's `script` (the tests run `script -qec COMMAND /dev/null`). macOS's own
 * `/usr/bin/script` is BSD's, which has neither flag: Homebrew's util-linux is keg-only, so
 * its `script` is looked for where Homebrew puts it.
 */
export const scriptSpec: ToolSpec = {
  name: "util-linux's script",
  variable: 'SCRIPT',
  commands: ['script'],
  after: ['/opt/homebrew/opt/util-linux/bin/script', '/usr/local/opt/util-linux/bin/script'],
  unfit: (path) => {
    const run = output(path, ['--version'])
    return run.ok && run.text.includes('util-linux')
      ? undefined
      : "is not util-linux's script (a BSD script has no -e or -c)"
  },
  install:
    'install util-linux (Debian: apt-get install bsdutils; macOS: brew install util-linux, ' +
    'then SCRIPT=$(brew --prefix util-linux)/bin/script)',
}

const found = new Map<ToolSpec, string>()
/** `findTool(spec)` under this process's environment, looked up once. */
function cached(spec: ToolSpec): string {
  let path = found.get(spec)
  if (path === undefined) {
    path = findTool(spec)
    found.set(spec, path)
  }
  return path
}

/** A Python 3 with httpbin and requests: `PYTHON`, else `/usr/bin/python3`, else `PATH`. */
export const python = (): string => cached(pythonSpec)
/** curl: `CURL`, else `PATH`. */
export const curl = (): string => cached(curlSpec)
/** redis-server: `REDIS_SERVER`, else `PATH`. */
export const redisServer = (): string => cached(redisServerSpec)
/** util-linux's script: `SCRIPT`, else `PATH`, else Homebrew's util-linux. */
export const script = (): string => cached(scriptSpec)
