// Docs are tested like code. Every fenced `js` block in the README and docs/ runs as pasted
// with plain `node` (Node 20; Node 24 for blocks marked `<!-- run: node24 -->`), from a
// scratch directory whose node_modules/fetch-session is a symlink to this repository, so
// `import 'fetch-session'` resolves to the built package (dist/) through its `exports`. Blocks
// talk to a real httpbin on loopback: `http://127.0.0.1:8080` in a block is its address. The
// openai SDK reads OPENAI_BASE_URL and OPENAI_API_KEY: blocks run with them pointing at a
// loopback stand-in for its chat completions (a streamed answer, as server-sent events).
// `https://http2.example.com` is an HTTP/2-only server on loopback (no HTTP/1.1 fallback, so
// a block that does not negotiate HTTP/2 fails), trusted through REQUESTS_CA_BUNDLE.
// A `console.log(...)` followed by a `// comment` must print what the comment says (the text
// before an em dash), as `util.inspect` writes it. `ts` blocks are type-checked against the
// built `.d.ts`. A block marked `<!-- not-run: reason -->` is parsed and checked for names and
// imports that do not resolve (a missing `import { Session }`).
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { childEnv, ensureBuilt, ensureNode24, repoRoot, run } from '../runtimes/harness.ts'
import { createTlsFixtures, type TlsFixtures } from '../helpers/tls.ts'
import { startHttpbin, type Httpbin } from './httpbin.ts'
import { codeBlocks, docFiles, type CodeBlock } from './markdown.ts'
import { scratchProject, type Scratch } from './scratch.ts'

const runnable = new Set(['js', 'javascript', 'mjs', 'cjs'])
const typed = new Set(['ts', 'typescript'])

let httpbin: Httpbin
let openai: { server: Server; origin: string } | undefined
let tls: TlsFixtures | undefined
let h2: { server: http2.Http2SecureServer; origin: string } | undefined

/** An HTTP/2-only TLS server on loopback answering `200 { httpVersion }` to anything. */
async function startH2(
  fixtures: TlsFixtures,
): Promise<{ server: http2.Http2SecureServer; origin: string }> {
  const server = http2.createSecureServer(
    { cert: fixtures.serverCert, key: fixtures.serverKey, allowHTTP1: false },
    (req, res) => {
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ httpVersion: req.httpVersion }))
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `https://localhost:${(server.address() as AddressInfo).port}` }
}

/** A stand-in for OpenAI's `POST /v1/chat/completions`: `Hello` streamed in two chunks. */
async function startOpenAI(): Promise<{ server: Server; origin: string }> {
  const chunk = (content: string, finish: string | null): string =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-docs',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content }, finish_reason: finish }],
    })}\n\n`
  const server = createServer((req, res) => {
    req.resume()
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(chunk('Hel', null))
    res.write(chunk('lo', null))
    res.end(chunk('', 'stop') + 'data: [DONE]\n\n')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}
let project: Scratch | undefined
let scratch: string

beforeAll(async () => {
  await ensureBuilt()
  httpbin = await startHttpbin()
  openai = await startOpenAI()
  tls = await createTlsFixtures()
  h2 = await startH2(tls)
  project = await scratchProject()
  scratch = project.dir
  await writeFile(
    join(scratch, 'log.mjs'),
    `import { formatWithOptions } from 'node:util'
globalThis.__docsLog = (line, ...values) => {
  const text = formatWithOptions({ breakLength: Infinity, depth: 8 }, ...values)
  console.log('@@' + line + ' ' + text)
}
`,
  )
})

afterAll(async () => {
  await httpbin?.close()
  await new Promise((resolve) => openai?.server.close(resolve) ?? resolve(undefined))
  await new Promise((resolve) => h2?.server.close(resolve) ?? resolve(undefined))
  await tls?.dispose()
  await project?.dispose()
})

/** The end of a call that starts at `open` (the index of its `(`), or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0
  let quote: string | undefined
  for (let i = open; i < text.length; i++) {
    const c = text[i]!
    if (quote !== undefined) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
    } else if (c === "'" || c === '"' || c === '`') quote = c
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return -1
}

interface Expectation {
  line: number
  printed: string
}

/**
 * Rewrites `console.log(x) // comment` into a call that prints `@@<line> inspect(x)`, and
 * returns what each comment promises.
 */
function instrument(code: string): { code: string; expected: Expectation[] } {
  const expected: Expectation[] = []
  const lines = code.split('\n').map((text, index) => {
    const start = text.indexOf('console.log(')
    if (start === -1) return text
    const end = closingParen(text, start + 'console.log'.length)
    if (end === -1) return text
    const comment = /^[\s)]*;?\s*\/\/ (.*)$/.exec(text.slice(end + 1))
    if (comment === null) return text
    const printed = comment[1]!.split(' — ')[0]!.trim()
    expected.push({ line: index + 1, printed })
    return `${text.slice(0, start)}__docsLog(${index + 1}, ${text.slice(start + 'console.log('.length)}`
  })
  return { code: lines.join('\n'), expected }
}

const normalise = (s: string): string => s.replace(/\s+/g, ' ').trim()

async function runBlock(block: CodeBlock, index: number): Promise<void> {
  const instrumented = instrument(block.code)
  const code = instrumented.code
    .replaceAll('http://127.0.0.1:8080', httpbin.origin)
    .replaceAll('https://http2.example.com', h2!.origin)
  const { expected } = instrumented
  const commonJS = /\brequire\(/.test(code) && !/^\s*import\s/m.test(code)
  const file = join(scratch, `block-${index}.${commonJS ? 'cjs' : 'mjs'}`)
  await writeFile(file, code)
  const node = block.marker?.kind === 'node24' ? await ensureNode24() : process.execPath
  const result = await run(node, ['--import', './log.mjs', file], {
    cwd: scratch,
    env: childEnv({
      NODE_NO_WARNINGS: '1',
      OPENAI_BASE_URL: `${openai!.origin}/v1`,
      OPENAI_API_KEY: 'sk-docs',
      REQUESTS_CA_BUNDLE: tls!.caPath,
    }),
    timeout: 30_000,
  })
  const where = `${block.file}:${block.line}`
  const hint =
    'A block that cannot run against a local httpbin gets `<!-- not-run: reason -->` on the ' +
    'line before it; one that needs `await using` gets `<!-- run: node24 -->`.'
  expect(
    result.code,
    `${where} exited with ${String(result.code)}\n${result.stdout}\n${result.stderr}\n${hint}`,
  ).toBe(0)
  const printed = new Map<number, string[]>()
  for (const line of result.stdout.split('\n')) {
    const m = /^@@(\d+) (.*)$/.exec(line)
    if (m === null) continue
    const list = printed.get(Number(m[1])) ?? []
    list.push(m[2]!.replaceAll(httpbin.origin, 'http://127.0.0.1:8080'))
    printed.set(Number(m[1]), list)
  }
  for (const { line, printed: comment } of expected) {
    const got = printed.get(line)
    expect(got, `${where}, line ${line} of the block never printed`).toBeDefined()
    for (const text of got!) {
      expect(normalise(text), `${where}, line ${line} of the block`).toBe(normalise(comment))
    }
  }
}

/** Syntax only: the TypeScript parser's diagnostics for a block that cannot run here. */
function parseErrors(block: CodeBlock): string[] {
  const kind = typed.has(block.lang) ? ts.ScriptKind.TS : ts.ScriptKind.JS
  const source = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.ESNext, true, kind)
  const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
}

/**
 * Writes each block as its own module under `scratch/<dir>` (`file` gives its extension and
 * text), checks them together in one program, and gives each block its diagnostics that `keep`
 * lets through, as `line: message`.
 */
async function diagnose(
  blocks: CodeBlock[],
  dir: string,
  file: (block: CodeBlock) => { ext: string; code: string },
  options: ts.CompilerOptions,
  keep: (d: ts.Diagnostic) => boolean = () => true,
): Promise<Map<CodeBlock, string[]>> {
  const at = join(scratch, dir)
  await mkdir(at, { recursive: true })
  const names = await Promise.all(
    blocks.map(async (block, i) => {
      const { ext, code } = file(block)
      const name = join(at, `block-${i}.${ext}`)
      await writeFile(name, code)
      return name
    }),
  )
  const program = ts.createProgram(names, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules/@types')],
    noEmit: true,
    skipLibCheck: true,
    ...options,
  })
  const out = new Map<CodeBlock, string[]>()
  for (const [i, name] of names.entries()) {
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).filter(keep)
    out.set(
      blocks[i]!,
      diagnostics.map(
        (d) =>
          `${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : '?'}: ` +
          ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      ),
    )
  }
  return out
}

/** Type-checks the `ts` blocks together, each as its own module, against dist's types. */
function typeErrors(blocks: CodeBlock[]): Promise<Map<CodeBlock, string[]>> {
  return diagnose(
    blocks,
    'typed',
    (block) => {
      const isModule = /^\s*(import|export)\s/m.test(block.code)
      return { ext: 'ts', code: block.code + (isModule ? '' : '\nexport {}\n') }
    },
    { strict: true },
  )
}

/**
 * What a `not-run` js block can be checked for without running it: every name and import
 * resolves (TypeScript's checker over JavaScript, against the built types). Type mismatches in
 * plain JavaScript are not errors, so only these codes count: a name that is not defined
 * (2304, 2552: "did you mean"), a module that does not resolve (2307) and an import the
 * module does not export (2305, 2614, 2724).
 */
const unresolved = new Set([2304, 2552, 2307, 2305, 2614, 2724])

/** The unresolved names and imports of `js` and `ts` blocks, each checked as its own module. */
function unresolvedNames(blocks: CodeBlock[]): Promise<Map<CodeBlock, string[]>> {
  return diagnose(
    blocks,
    'checked-js',
    (block) => {
      const commonJS = /\brequire\(/.test(block.code) && !/^\s*import\s/m.test(block.code)
      return { ext: typed.has(block.lang) ? 'mts' : commonJS ? 'cjs' : 'mjs', code: block.code }
    },
    { allowJs: true, checkJs: true },
    (d) =>
      unresolved.has(d.code) &&
      // A file of the reader's own that the page shows (`./redis-store.js`, the recipe above).
      !(d.code === 2307 && /'\.\.?\//.test(ts.flattenDiagnosticMessageText(d.messageText, ''))),
  )
}

/** A `js` block of the checker's own self-tests. */
function selfTest(code: string, marker?: CodeBlock['marker']): CodeBlock {
  return { file: 'self-test.md', line: 1, lang: 'js', code, marker }
}

const all = docFiles().flatMap(codeBlocks)
const toRun = all.filter((b) => runnable.has(b.lang) && b.marker?.kind !== 'not-run')
const toType = all.filter((b) => typed.has(b.lang) && b.marker?.kind !== 'not-run')
const toParse = all.filter(
  (b) => (runnable.has(b.lang) || typed.has(b.lang)) && b.marker?.kind === 'not-run',
)

describe('fenced js blocks run as pasted with plain node', () => {
  it('there are blocks to run', () => {
    expect(toRun.length).toBeGreaterThan(0)
  })

  it('the checker fails a block whose comment is not what it prints, or that throws', async () => {
    await expect(runBlock(selfTest('console.log(1 + 1) // 2\n'), 9001)).resolves.toBeUndefined()
    await expect(runBlock(selfTest('console.log(1 + 1) // 3\n'), 9002)).rejects.toThrow(/line 1/)
    await expect(runBlock(selfTest("throw new Error('x')\n"), 9003)).rejects.toThrow(/exited/)
    const never = selfTest('if (false) console.log(1) // 1\n')
    await expect(runBlock(never, 9004)).rejects.toThrow(/never printed/)
  })
  for (const [index, block] of toRun.entries()) {
    it(`${block.file}:${block.line}${block.marker?.kind === 'node24' ? ' (Node 24)' : ''}`, async () => {
      await expect(runBlock(block, index)).resolves.toBeUndefined()
    }, 180_000)
  }
})

describe('fenced ts blocks type-check against the built types', () => {
  let errors: Map<CodeBlock, string[]>
  beforeAll(async () => {
    errors = await typeErrors(toType)
  }, 120_000)
  for (const block of toType) {
    it(`${block.file}:${block.line}`, () => {
      expect(errors.get(block)).toEqual([])
    })
  }
})

describe('blocks marked not-run still parse, and their names and imports resolve', () => {
  let names: Map<CodeBlock, string[]>
  beforeAll(async () => {
    names = await unresolvedNames(toParse)
  }, 120_000)

  it('the name check finds a missing import and an unknown export', async () => {
    const block = (code: string) => selfTest(code, { kind: 'not-run', reason: 'self-test' })
    const missing = block("const s = new Session()\nawait s.get('https://x.test/')\n")
    const unknown = block("import { Sesion } from 'fetch-session'\nnew Sesion()\n")
    const fine = block(
      "import { Session } from 'fetch-session'\nconst s = new Session({ timeout: 5 })\nawait s.get('https://x.test/').json()\n",
    )
    const found = await unresolvedNames([missing, unknown, fine])
    expect(found.get(missing)).toEqual([expect.stringMatching(/^1: Cannot find name 'Session'/)])
    expect(found.get(unknown)).toEqual([expect.stringMatching(/^1: .*Sesion/)])
    expect(found.get(fine)).toEqual([])
  })

  for (const block of toParse) {
    it(`${block.file}:${block.line} (${block.marker?.kind === 'not-run' ? block.marker.reason : ''})`, () => {
      expect(parseErrors(block)).toEqual([])
      expect(names.get(block)).toEqual([])
    })
  }
})
