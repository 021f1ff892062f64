// How the tests find python3, curl, redis-server and util-linux's script (test/helpers/tools.ts):
// the variable wins, else fixed places and PATH in order, skipping programs that do not fit;
// nothing found is an error naming the program and the variable. Stand-in programs are
// small shell scripts in a temporary directory; the last cases find the real ones here.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  curlSpec,
  findTool,
  python,
  pythonSpec,
  redisServer,
  script,
  scriptSpec,
} from '../helpers/tools.ts'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tools-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** An executable shell script `name` in a new directory under `dir`; returns its path. */
function program(folder: string, name: string, body: string): string {
  mkdirSync(join(dir, folder), { recursive: true })
  const path = join(dir, folder, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

describe('findTool', () => {
  it('finds a program on PATH, in PATH order', () => {
    const first = program('a', 'curl', 'exit 0')
    program('b', 'curl', 'exit 0')
    const PATH = [join(dir, 'empty'), join(dir, 'a'), join(dir, 'b')].join(delimiter)
    expect(findTool(curlSpec, { PATH })).toBe(first)
  })

  it('takes the variable over PATH, and refuses a variable naming no program', () => {
    const chosen = program('c', 'my-curl', 'exit 0')
    program('a', 'curl', 'exit 0')
    expect(findTool(curlSpec, { PATH: join(dir, 'a'), CURL: chosen })).toBe(chosen)
    // A relative path is made absolute; a bare name is looked up on PATH.
    expect(findTool(curlSpec, { CURL: relative(process.cwd(), chosen) })).toBe(chosen)
    expect(findTool(curlSpec, { PATH: join(dir, 'c'), CURL: 'my-curl' })).toBe(chosen)
    expect(() => findTool(curlSpec, { PATH: join(dir, 'a'), CURL: join(dir, 'nope') })).toThrow(
      /^curl: CURL=.*nope is not an executable file/,
    )
  })

  it('names the program, what was tried and the variable when none is found', () => {
    expect(() => findTool(curlSpec, { PATH: join(dir, 'empty') })).toThrow(
      /curl not found \(none of .*empty\/curl\).*set CURL to its path/,
    )
  })

  it('skips a python3 that cannot import httpbin and requests, and says why', () => {
    const without = program('py1', 'python3', 'exit 1')
    const withThem = program('py2', 'python3', 'exit 0')
    const spec = { ...pythonSpec, before: [] }
    const PATH = [join(dir, 'py1'), join(dir, 'py2')].join(delimiter)
    expect(findTool(spec, { PATH })).toBe(withThem)
    expect(() => findTool(spec, { PATH: join(dir, 'py1') })).toThrow(
      `${without} cannot import httpbin and requests`,
    )
    expect(() => findTool(spec, { PATH, PYTHON: without })).toThrow(
      /^python3 with httpbin and requests: PYTHON=.* cannot import httpbin and requests/,
    )
  })

  it("takes util-linux's script and refuses a BSD one", () => {
    const bsd = program('bsd', 'script', 'echo "script: illegal option -- -" >&2; exit 1')
    const util = program('util', 'script', 'echo "script from util-linux 2.38.1"')
    const spec = { ...scriptSpec, after: [] }
    expect(findTool(spec, { PATH: [join(dir, 'bsd'), join(dir, 'util')].join(delimiter) })).toBe(
      util,
    )
    expect(() => findTool(spec, { PATH: join(dir, 'bsd') })).toThrow(
      new RegExp(`${bsd} is not util-linux's script.*brew install util-linux.*set SCRIPT`),
    )
    // Homebrew's keg-only util-linux, after PATH's BSD script.
    expect(findTool({ ...scriptSpec, after: [util] }, { PATH: join(dir, 'bsd') })).toBe(util)
  })
})

describe('the programs on this machine', () => {
  it('python() is a python3 that imports httpbin and requests, even behind one that does not', () => {
    const run = spawnSync(python(), ['-c', 'import httpbin, requests'])
    expect(run.status).toBe(0)
    // A python3 without them first on PATH (as pyenv's shim here) is passed over.
    const without = program('shadow', 'python3', 'exit 1')
    const PATH = [join(dir, 'shadow'), dirname(python())].join(delimiter)
    const found = findTool(pythonSpec, { PATH })
    expect(found).not.toBe(without)
    expect(spawnSync(found, ['-c', 'import httpbin, requests']).status).toBe(0)
  })

  it("script() is util-linux's, redis-server() runs", () => {
    expect(spawnSync(script(), ['--version'], { encoding: 'utf8' }).stdout).toContain('util-linux')
    expect(spawnSync(redisServer(), ['--version'], { encoding: 'utf8' }).stdout).toMatch(
      /Redis server/,
    )
  })
})
