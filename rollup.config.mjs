// Builds one ESM and one CommonJS entry per runtime with the core as a shared chunk,
// and bundles the type declarations once (every entry exports the same names).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import esbuild from 'rollup-plugin-esbuild'
import { dts } from 'rollup-plugin-dts'

// The default User-Agent carries src/version.ts's VERSION: it must be package.json's.
execFileSync(process.execPath, ['scripts/version.mjs', '--check'], { stdio: 'inherit' })

const runtimes = ['node', 'deno', 'bun', 'workerd', 'browser', 'default']
const input = Object.fromEntries(
  runtimes.filter((r) => existsSync(`platform/${r}.ts`)).map((r) => [r, `platform/${r}.ts`]),
)
// Subpath entries (`fetch-session/file-store`): Node-only helpers kept out of the main entries.
const subpaths = ['file-store'].filter((name) => existsSync(`platform/${name}.ts`))
for (const name of subpaths) input[name] = `platform/${name}.ts`
const external = [
  /^node:/,
  'undici',
  /^undici\//,
  'tldts',
  'cookie',
  'set-cookie-parser',
  /^@noble\/hashes\//,
]

const js = {
  input,
  external,
  // Neither our modules nor our dependencies (tldts, cookie, set-cookie-parser) have import
  // side effects; without this rollup keeps bare `import 'tldts'` lines where a module
  // re-exports the jar, and the public suffix list lands in bundles that never use it.
  treeshake: { moduleSideEffects: false },
  plugins: [esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' })],
  // One output file per module (under dist/lib/) rather than merged chunks: with
  // `"sideEffects": false`, an app bundler then drops every module a user does not import
  // (the in-memory jar and the public suffix list, for a browser app importing `Session`).
  output: ['es', 'cjs'].map((format) => {
    const ext = format === 'es' ? 'mjs' : 'cjs'
    return {
      dir: 'dist',
      format,
      exports: 'named',
      preserveModules: true,
      entryFileNames: (chunk) => (chunk.isEntry ? `[name].${ext}` : `lib/[name].${ext}`),
    }
  }),
}

// Fetch's `RequestCredentials`, `RequestRedirect` and `BodyInit` are DOM-lib globals: a
// project on `@tsconfig/node20` (no DOM lib) has none of them. The declarations declare
// module-local equivalents (same members, so they stay assignable both ways), which shadow
// the globals where these exist. `RequestInit` itself is global in both the DOM lib and
// @types/node. `Symbol.dispose`/`Symbol.asyncDispose` (the session's `using` support) are
// in neither lib es2023 nor a DOM-only project: declared here too (TypeScript merges
// repeated `unique symbol` declarations with lib esnext or @types/node). Checked by
// `scripts/types-matrix.mjs`, which type-checks the packed package in each setup.
const localFetchTypes = `declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol
    readonly dispose: unique symbol
  }
}
type RequestCredentials = 'omit' | 'same-origin' | 'include'
type RequestRedirect = 'follow' | 'error' | 'manual'
type BodyInit = Exclude<RequestInit['body'], null | undefined>
`

const types = {
  input: 'src/index.ts',
  external,
  plugins: [dts({ tsconfig: 'tsconfig.json', compilerOptions: { stripInternal: true } })],
  output: [
    { file: 'dist/index.d.mts', format: 'es', banner: localFetchTypes },
    { file: 'dist/index.d.cts', format: 'es', banner: localFetchTypes },
  ],
}

const subpathTypes = subpaths.map((name) => ({
  input: `platform/${name}.ts`,
  external,
  plugins: [dts({ tsconfig: 'tsconfig.json', compilerOptions: { stripInternal: true } })],
  output: [
    { file: `dist/${name}.d.mts`, format: 'es' },
    { file: `dist/${name}.d.cts`, format: 'es' },
  ],
}))

// The command line (`bin`): its own bundle, loading the library's entries beside it at run
// time, so the library's bundles do not change by a byte.
const fileStore = resolve('platform/file-store.ts')
const cli = existsSync('cli/main.ts')
  ? [
      {
        input: 'cli/main.ts',
        external: (id) => id.startsWith('node:') || resolve(id) === fileStore,
        plugins: [esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' })],
        output: {
          file: 'dist/cli.mjs',
          format: 'es',
          banner: '#!/usr/bin/env node',
          paths: (id) => (resolve(id) === fileStore ? './file-store.mjs' : id),
        },
      },
    ]
  : []

export default [js, types, ...subpathTypes, ...cli]
