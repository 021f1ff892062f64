// The README's quick start must run as written (issue 2: "the README quick start runs as
// written against a local server"): its code block is extracted, pointed at a loopback server
// that answers like httpbin, run, and what it prints is compared with its own comments.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { json, startServer, type TestServer } from '../helpers/server.ts'

const root = new URL('../../', import.meta.url).pathname
let server: TestServer
let dir: string

beforeAll(async () => {
  server = await startServer({
    '/headers': (req, res) => json(res, { headers: req.headers }),
    '/get': (req, res) =>
      json(res, { args: Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams) }),
  })
  dir = await mkdtemp(join(root, 'test/integration/.readme-'))
})
afterAll(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

async function codeBlockAfter(heading: string): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8')
  const start = readme.indexOf(`\n${heading}\n`)
  expect(start, `README has a "${heading}" section`).toBeGreaterThan(-1)
  const match = /```js\n([\s\S]*?)```/.exec(readme.slice(start))
  expect(match).not.toBeNull()
  return match![1]!
}

describe('README', () => {
  it('the quick start runs as written and prints what its comments say', async () => {
    const code = (await codeBlockAfter('## Quick start'))
      .replaceAll("'fetch-session'", JSON.stringify(join(root, 'platform/node.ts')))
      .replaceAll('http://127.0.0.1:8080', server.origin)
    const file = join(dir, 'quick-start.ts')
    await writeFile(file, code)
    const printed: unknown[][] = []
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args)
    })
    try {
      await import(/* @vite-ignore */ file)
    } finally {
      spy.mockRestore()
    }
    expect(printed).toEqual([
      [{ sessioncookie: '123456789' }],
      ['true', 'true'],
      [{ sessioncookie: '123456789', 'from-my': 'browser' }],
      [{ sessioncookie: '123456789' }],
      [undefined],
      [{ lang: 'en', page: '2' }],
    ])
  })
})
