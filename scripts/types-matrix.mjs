#!/usr/bin/env node
// The consumer type-check matrix: the packed package, type-checked from a fresh consumer
// project by the oldest TypeScript we support and the current one, under each module
// resolution (node10, node16, bundler), with and without the DOM lib, with skipLibCheck on
// and off, handing `s.fetch` to ky, ofetch, graphql-request and the openai SDK.
//
// `node scripts/types-matrix.mjs` (a stage of `npm test`; needs dist/, see `npm run build`).
// The old TypeScript is installed at run time into .cache/ts-<version> (never as a
// devDependency: its `tsc` bin would shadow the current one). Prints one line per cell and
// exits 1 when any cell fails.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The oldest TypeScript the published types support (docs/typescript.md says so too). */
export const OLDEST_TYPESCRIPT = '5.0'

const root = resolve(import.meta.dirname, '..')
const work = join(root, '.cache', 'types-matrix')

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options })
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout ?? ''}${r.stderr ?? ''}`)
  }
  return r.stdout
}

/** `tsc` of the oldest supported TypeScript, installed on first use. */
function oldTsc() {
  const prefix = join(root, '.cache', `ts-${OLDEST_TYPESCRIPT}`)
  const tsc = join(prefix, 'node_modules', 'typescript', 'bin', 'tsc')
  if (!existsSync(tsc)) {
    run('npm', [
      'install',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--no-save',
      `typescript@${OLDEST_TYPESCRIPT}`,
    ])
  }
  return tsc
}

/** Packs the package (without rebuilding) and unpacks it as the consumer's dependency. */
function installPacked(nodeModules) {
  if (!existsSync(join(root, 'dist', 'index.d.mts'))) {
    throw new Error('dist/ is missing: run `npm run build` first')
  }
  const packDir = join(work, 'pack')
  rmSync(packDir, { recursive: true, force: true })
  mkdirSync(packDir, { recursive: true })
  const out = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
    cwd: root,
  })
  const [{ filename }] = JSON.parse(out)
  const target = join(nodeModules, 'fetch-session')
  mkdirSync(target, { recursive: true })
  run('tar', ['-xzf', join(packDir, filename), '-C', target, '--strip-components=1'])
}

/** The consumer's node_modules: the packed package plus links to the installed SDKs. */
function setUp() {
  rmSync(work, { recursive: true, force: true })
  const nodeModules = join(work, 'node_modules')
  mkdirSync(join(nodeModules, '@types'), { recursive: true })
  installPacked(nodeModules)
  const links = [
    '@types/node',
    'undici-types',
    'undici',
    'tldts',
    'tldts-core',
    'cookie',
    'set-cookie-parser',
    '@noble/hashes',
    'ky',
    'ofetch',
    'destr',
    'ufo',
    'node-fetch-native',
    'graphql-request',
    '@graphql-typed-document-node',
    'graphql',
    'openai',
  ]
  for (const name of links) {
    const from = join(root, 'node_modules', name)
    if (!existsSync(from)) continue
    const to = join(nodeModules, name)
    mkdirSync(join(to, '..'), { recursive: true })
    symlinkSync(from, to)
  }
}

// What a user writes: every entry point, and `s.fetch` wherever a `fetch` is taken.
const useSession = `
const s = new Session({ baseURL: 'https://api.test', headers: { 'x-client': 'types' } })
const asFetch: typeof fetch = s.fetch
void asFetch
void s.fetch('https://api.test/', { headers: [['x-a', '1']], method: 'POST', body: 'x' })
void s.get('/me', { headers: { accept: 'application/json' }, credentials: 'include' })
const jar: CookieJar = s.cookies
void jar
`
const useSDKs = `
const api = ky.create({ prefixUrl: 'https://api.test', fetch: s.fetch })
void api
const f1 = createFetch({ fetch: s.fetch })
const f2 = $fetch.create({ baseURL: 'https://api.test' }, { fetch: s.fetch })
void f1, void f2
const gql = new GraphQLClient('https://api.test/graphql', { fetch: s.fetch })
void gql
const openai = new OpenAI({ apiKey: 'sk-test', baseURL: 'https://api.test/v1', fetch: s.fetch })
void openai
`
const useStore = `
const store = new FileStore('.sessions')
void s.save(store, 'me')
`
const sdkImports = `import ky from 'ky'
import { createFetch, $fetch } from 'ofetch'
import { GraphQLClient } from 'graphql-request'
import OpenAI from 'openai'
`

/** The source files of one cell (ESM: every SDK; CommonJS: our two entries). */
function sources(resolution, dom) {
  // A DOM project (a web app) has no @types/node and no use for the Node-only file store.
  const store = dom ? '' : useStore
  const ours = `import { Session, CookieJar } from 'fetch-session'
${dom ? '' : "import { FileStore } from 'fetch-session/file-store'"}
`
  const esm = ours + sdkImports + useSession + useSDKs + store + 'export {}\n'
  const cjs = ours + useSession + store + 'export {}\n'
  if (resolution === 'node16') return { 'consumer.mts': esm, 'consumer.cts': cjs }
  if (resolution === 'node10') return { 'consumer.ts': cjs, 'sdks.ts': esm }
  return { 'consumer.ts': esm }
}

function cells() {
  const list = []
  for (const ts of [OLDEST_TYPESCRIPT, 'current']) {
    for (const resolution of ['node10', 'node16', 'bundler']) {
      for (const dom of [false, true]) {
        for (const skipLibCheck of [true, false]) list.push({ ts, resolution, dom, skipLibCheck })
      }
    }
  }
  return list
}

function cellName({ ts, resolution, dom, skipLibCheck }) {
  return `ts-${ts} ${resolution} ${dom ? 'dom' : 'no-dom'} skipLibCheck=${skipLibCheck}`
}

function writeCell(cell) {
  const dir = join(work, cellName(cell).replace(/[ =]/g, '_'))
  mkdirSync(dir, { recursive: true })
  const module = { node10: 'commonjs', node16: 'node16', bundler: 'esnext' }[cell.resolution]
  const compilerOptions = {
    // @tsconfig/node20's settings, except where a cell varies them.
    target: 'es2022',
    lib: cell.dom ? ['es2023', 'dom', 'dom.iterable'] : ['es2023'],
    types: cell.dom ? [] : ['node'],
    strict: true,
    esModuleInterop: true,
    module,
    moduleResolution: cell.resolution,
    skipLibCheck: cell.skipLibCheck,
    noEmit: true,
    // TypeScript 6 deprecates node10 resolution; users who keep it set this.
    ...(cell.ts === 'current' && cell.resolution === 'node10' ? { ignoreDeprecations: '6.0' } : {}),
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }, null, 2))
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n')
  for (const [file, text] of Object.entries(sources(cell.resolution, cell.dom))) {
    writeFileSync(join(dir, file), text)
  }
  return dir
}

function tscOf(ts) {
  return ts === 'current' ? join(root, 'node_modules', 'typescript', 'bin', 'tsc') : oldTsc()
}

function check(cell) {
  const dir = writeCell(cell)
  return new Promise((done) => {
    const child = spawn(process.execPath, [tscOf(cell.ts), '-p', dir], { cwd: dir })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('close', (code) => {
      // With skipLibCheck off, some SDKs' own declarations need the DOM lib (ofetch and
      // graphql-request name `HeadersInit`, `RequestInfo`): errors located in another
      // package's files are theirs, counted but not failures. Errors in our declarations
      // or in the consumer's code are.
      const errors = output.split('\n').filter((line) => /error TS\d+/.test(line))
      const theirs = errors.filter(
        (line) => line.includes('node_modules/') && !line.includes('node_modules/fetch-session/'),
      )
      const ours = errors.length - theirs.length
      done({ cell, ok: code === 0 || (ours === 0 && theirs.length > 0), theirs, output })
    })
  })
}

/** Runs every cell, two at a time; resolves to the failed ones. */
export async function runMatrix({ only } = {}) {
  setUp()
  oldTsc()
  const queue = cells().filter((c) => !only || cellName(c).includes(only))
  const failed = []
  const worker = async () => {
    for (let cell = queue.shift(); cell; cell = queue.shift()) {
      const result = await check(cell)
      const note = result.theirs.length
        ? ` (${result.theirs.length} errors in SDKs' own types)`
        : ''
      console.log(`${result.ok ? '✓' : '✖'} ${cellName(cell)}${note}`)
      if (!result.ok) {
        failed.push(result)
        console.log(result.output.trim().replaceAll(work, '<consumer>'))
      }
    }
  }
  await Promise.all([worker(), worker()])
  return failed
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  const failed = await runMatrix({ only: process.argv[2] })
  const total = readdirSync(work).filter((d) => d.startsWith('ts-')).length
  console.log(`${total - failed.length}/${total} type-check cells passed`)
  process.exit(failed.length ? 1 : 0)
}
