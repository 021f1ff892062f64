// Bundle budget (issue 6 item 5): what `import { Session } from 'fetch-session'` costs a user.
// Bundles the built package with esbuild the way an app bundler would (export conditions,
// tree shaking, minify), gzips the result and prints the sizes:
// - browser condition: the target is 5 KB (5120 bytes) gzipped. The browser Session (merge
//   rules, hooks, retries, saved state; without the jar, redirect and proxy planners, which
//   the browser entry does not take: src/features.ts) is about 21 KB today, so the target is
//   not met; until a slimmer browser client exists this exits 1 only above the ratchet `gate`,
//   so that the bundle cannot silently grow (README "Runtimes": bundle size);
// - workerd condition (the in-memory jar and the public suffix list included): reported.
// - `--without=src/state.ts,src/retry.ts` also bundles the browser import from the sources with
//   those modules replaced by empty stand-ins, to measure what they cost (README "Bundle size").
// - `--floor` also prints what bounds the budget: peers (ky, ofetch) bundled the same way, and the
//   browser import with its string literals emptied (README "Bundle size").
// Usage: node scripts/size.mjs [--no-build] [--verbose] [--floor] [--without=path,…]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build, transform } from 'esbuild'
import ts from 'typescript'

const root = resolve(import.meta.dirname, '..')
const budget = 5120
// Regression ratchet: the measured size when it was set, plus a little room. Lower it as the
// browser bundle shrinks; never raise it without saying why in the commit. Raised from 15,360
// to 21,504 (21 KB) after this release's browser features landed (the build measured 21,336 B,
// 21,033 B once the tls check and the session's own cookie handling became server-only
// features): request-init key checking with hints, validated setters, the response promise
// and shortcuts, lines()/events()/links, progress, debug, prepareRequest/send, body limits
// (docs/performance.md "Bundle size" has the table). The ~470 B of room is what one more
// validated option or error message costs, so a small fix does not trip CI while a new
// feature in the browser path does. Raised to 22,016 (21.5 KB) when the build measured
// 21,827 B after fixes in the browser path: a Digest retry that resends a replayable body,
// uploads that do not stream where the browser may refuse a streamed body, getAdapter
// resolving against baseURL, s.fetch keeping fetch's contract under raiseForStatus, setters
// taking null/undefined as the constructor does, and options refused where they mean nothing.
// Then to 22,528 (22 KB) at 22,333 B: settings kept as frozen copies, save() running the
// reader's checks so it never writes what load() refuses, and saves queued per destination.
const gate = 22_528
const args = new Set(process.argv.slice(2))
const without = process.argv
  .slice(2)
  .filter((a) => a.startsWith('--without='))
  .flatMap((a) => a.slice('--without='.length).split(','))
  .filter(Boolean)
  .map((file) => resolve(root, file))

if (!args.has('--no-build')) {
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

// A scratch project whose node_modules/fetch-session links to this package, so the import
// resolves through package.json "exports" exactly as it does for a user.
const scratch = mkdtempSync(join(tmpdir(), 'fetch-session-size-'))
mkdirSync(join(scratch, 'node_modules'))
symlinkSync(root, join(scratch, 'node_modules/fetch-session'), 'dir')

const targets = [
  {
    label: 'browser',
    code: "export { Session } from 'fetch-session'",
    source: "export { Session } from './platform/browser.ts'",
    options: { platform: 'browser', conditions: ['browser'] },
    budget,
    gate,
  },
  {
    label: 'workerd',
    code: "export { Session, CookieJar } from 'fetch-session'",
    source: "export { Session, CookieJar } from './platform/workerd.ts'",
    options: { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'] },
  },
]

/** A metafile path (relative to the scratch dir, through the link or not) as a repo path. */
function shortName(file, base) {
  const full = resolve(base, file)
  const linked = join(scratch, 'node_modules/fetch-session')
  return full.startsWith(linked) ? relative(linked, full) : relative(root, full)
}

/** The inputs that contribute most to a bundle, from esbuild's metafile. */
function largestInputs(metafile, base, count = 12) {
  const [output] = Object.values(metafile.outputs)
  return Object.entries(output.inputs)
    .map(([file, { bytesInOutput }]) => [shortName(file, base), bytesInOutput])
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
}

/**
 * An esbuild plugin that loads each of `files` as a module exporting its value names bound to
 * `undefined`: what the bundle weighs without them (the result is measured, never run).
 */
function standIns(files) {
  return {
    name: 'stand-ins',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, ({ path }) => {
        if (!files.includes(path)) return undefined
        const names = [
          ...readFileSync(path, 'utf8').matchAll(
            /^export (?:async )?(?:function\*?|const|let|class) (\w+)/gm,
          ),
        ].map((m) => m[1])
        return {
          contents: names.map((n) => `export const ${n} = undefined`).join('\n'),
          loader: 'js',
        }
      })
    },
  }
}

/** Bundles `contents` as an app bundler would: tree-shaken, minified, with the target's conditions. */
function bundle(dir, contents, loader, options, plugins = []) {
  return build({
    plugins,
    absWorkingDir: dir,
    stdin: { contents, resolveDir: dir, loader },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...options,
  })
}

let failed = false
/** Minified bundles by label, `<label> without` for `--without` (`--floor` reads the browser ones). */
const bundled = new Map()
try {
  for (const target of targets) {
    const result = await bundle(scratch, target.code, 'js', target.options)
    const bytes = result.outputFiles[0].contents
    bundled.set(target.label, result.outputFiles[0].text)
    const gzipped = gzipSync(bytes, { level: 9 }).length
    const over = target.budget !== undefined && gzipped > target.budget
    const broken = target.gate !== undefined && gzipped > target.gate
    failed ||= broken
    const limit =
      target.budget === undefined
        ? '(reported)'
        : `(target ${target.budget} B, gate ${target.gate} B)`
    const verdict = broken ? '  OVER THE GATE' : over ? '  over target' : ''
    console.log(
      `${target.label.padEnd(8)} ${target.code.padEnd(52)} ${String(bytes.length).padStart(7)} B min  ${String(gzipped).padStart(6)} B gzip  ${limit}${verdict}`,
    )
    if (over || args.has('--verbose')) {
      // The built chunks say little; bundling the same import from the TypeScript sources
      // names the source files (and dependencies) that take the space.
      const sources = await bundle(root, target.source, 'ts', target.options)
      const fromSources = sources.outputFiles[0].contents
      console.log(
        `           the same import bundled from the TypeScript sources: ${fromSources.length} B min, ${gzipSync(fromSources, { level: 9 }).length} B gzip; minified bytes by file:`,
      )
      for (const [file, size] of largestInputs(sources.metafile, root)) {
        console.log(`           ${String(size).padStart(7)} B  ${file}`)
      }
    }
    if (without.length > 0 && target.budget !== undefined) {
      const result = await bundle(root, target.source, 'ts', target.options, [standIns(without)])
      const code = result.outputFiles[0].contents
      bundled.set(`${target.label} without`, result.outputFiles[0].text)
      console.log(
        `           from the sources without ${without.map((f) => relative(root, f)).join(', ')}: ${code.length} B min, ${gzipSync(code, { level: 9 }).length} B gzip`,
      )
    }
  }
  if (args.has('--floor')) await printFloor()
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

/**
 * `--floor`: what bounds the browser budget. Peers bundled the same way (ky and ofetch: a
 * fetch wrapper with retries, timeouts, hooks and errors, without saved state), and the
 * browser `Session` with the text of every string and template literal emptied: the size of
 * its code alone, a lower bound for any wording of its messages (measured, never run).
 */
async function printFloor() {
  const browser = targets[0].options
  for (const code of ["export { default } from 'ky'", "export { ofetch } from 'ofetch'"]) {
    const out = (await bundle(root, code, 'js', browser)).outputFiles[0].contents
    console.log(
      `peer     ${code.padEnd(52)} ${String(out.length).padStart(7)} B min  ${String(gzipSync(out, { level: 9 }).length).padStart(6)} B gzip`,
    )
  }
  // With --without, the floor of the import bundled from the sources without those modules.
  const full = bundled.get(without.length > 0 ? 'browser without' : 'browser')
  const emptied = await transform(emptyStrings(full), { minify: true, format: 'esm' })
  const label = without.length > 0 ? ', without the modules above' : ''
  console.log(
    `floor    the browser Session with every string literal emptied${label}: ${emptied.code.length} B min, ${gzipSync(emptied.code, { level: 9 }).length} B gzip`,
  )
}

/** `code` with the text of every string and template literal replaced by nothing. */
function emptyStrings(code) {
  const file = ts.createSourceFile(
    'bundle.js',
    code,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.JS,
  )
  const { factory } = ts
  const empty = (context) => {
    const visit = (node) => {
      if (ts.isStringLiteral(node)) return factory.createStringLiteral('')
      if (ts.isNoSubstitutionTemplateLiteral(node))
        return factory.createNoSubstitutionTemplateLiteral('')
      if (ts.isTemplateExpression(node)) {
        const spans = node.templateSpans.map((span, i, all) =>
          factory.createTemplateSpan(
            ts.visitNode(span.expression, visit),
            i === all.length - 1
              ? factory.createTemplateTail('')
              : factory.createTemplateMiddle(''),
          ),
        )
        return factory.createTemplateExpression(factory.createTemplateHead(''), spans)
      }
      return ts.visitEachChild(node, visit, context)
    }
    return (node) => ts.visitNode(node, visit)
  }
  const [result] = ts.transform(file, [empty]).transformed
  return ts.createPrinter().printFile(result)
}

if (failed) {
  console.error(`The browser bundle grew past its ${gate} B gzip gate (inputs listed above).`)
  process.exit(1)
}
