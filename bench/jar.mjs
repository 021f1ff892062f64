// Cookie-jar microbenchmarks: fetch-session's CookieJar against tough-cookie's sync API, side
// by side in one process, interleaved rounds, medians. Prints ratios (ours / tough-cookie),
// never absolute times: above 1.00× means fetch-session is faster (or, for heap, smaller is
// better and the ratio is tough-cookie / ours).
//
//   node bench/jar.mjs [--quick] [--json]
//
// Workloads (issue 3):
//   getCookieString  a matching URL on a jar of 10,000 cookies over 100 domains   goal ≥ 10×
//   setCookie        inserting 10,000 cookies, and replacing cookies in that jar   goal ≥ 3×
//                    (4 Set-Cookie headers per response URL, as a session calls it)
//   heap             bytes retained per 1,000 stored cookies (needs --expose-gc;
//                    a child process is started with it when this one lacks it)    goal > 1×
//
// The jar is compiled from src/cookies with esbuild on the fly, so the numbers always match the
// sources (dist/ may be stale).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { CookieJar as ToughJar } from 'tough-cookie'

const root = fileURLToPath(new URL('..', import.meta.url))
const goals = { getCookieString: 10, setCookie: 3, heap: 1 }

async function loadJar() {
  const dir = mkdtempSync(join(tmpdir(), 'jar-bench-'))
  const outfile = join(dir, 'cookies.mjs')
  try {
    await build({
      entryPoints: [join(root, 'src/cookies/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      outfile,
      logLevel: 'error',
    })
    return (await import(pathToFileURL(outfile).href)).CookieJar
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

// 100 sites × 100 cookies: per site 10 at "/", 5 at "/a", 5 at "/a/b" (these 20 match the
// probe URL), 80 under sections "/s0" … "/s79" that do not; half host-only on www.siteN.com,
// half Domain=siteN.com.
const DOMAINS = 100
const PER_DOMAIN = 100

function fixture() {
  const sets = []
  for (let d = 0; d < DOMAINS; d++) {
    const url = `https://www.site${d}.com/a/b/index.html`
    for (let k = 0; k < PER_DOMAIN; k++) {
      const path = k < 10 ? '/' : k < 15 ? '/a' : k < 20 ? '/a/b' : `/s${k - 20}`
      const domain = k % 2 === 0 ? '' : `; Domain=site${d}.com`
      const expiry =
        k % 3 === 0
          ? ''
          : k % 3 === 1
            ? '; Max-Age=86400'
            : '; Expires=Wed, 01 Jan 2070 00:00:00 GMT'
      sets.push([
        `c${k}=value-${d}-${k}-0123456789abcdef; Path=${path}${domain}${expiry}; SameSite=Lax`,
        url,
      ])
    }
  }
  return sets
}

function makeJars(CookieJar, sets) {
  const ours = new CookieJar({ maxCookies: Infinity })
  const tough = new ToughJar(undefined, { rejectPublicSuffixes: true })
  for (const [header, url] of sets) {
    ours.setCookie(header, url)
    tough.setCookieSync(header, url)
  }
  return { ours, tough }
}

/** ops/s of `fn` run `n` times. */
function rate(fn, n) {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) fn(i)
  return (n * 1000) / (performance.now() - t0)
}

/** Interleaved rounds (the order alternates); returns the median of per-round ratios. */
function compare(oursFn, toughFn, n, rounds) {
  rate(oursFn, n) // warm-up
  rate(toughFn, n)
  const ratios = []
  for (let r = 0; r < rounds; r++) {
    let a
    let b
    if (r % 2 === 0) {
      a = rate(oursFn, n)
      b = rate(toughFn, n)
    } else {
      b = rate(toughFn, n)
      a = rate(oursFn, n)
    }
    ratios.push(a / b)
  }
  return median(ratios)
}

function heapPerThousand(CookieJar, sets) {
  const gc = globalThis.gc
  const kept = []
  // Each jar stays referenced until the end, so a sample is exactly what one jar retains; the
  // two libraries alternate so neither always runs first.
  const sample = (make) => {
    gc()
    gc()
    const before = process.memoryUsage().heapUsed
    kept.push(make())
    gc()
    gc()
    return ((process.memoryUsage().heapUsed - before) / sets.length) * 1000
  }
  const makeOurs = () => {
    const jar = new CookieJar({ maxCookies: Infinity })
    for (const [h, u] of sets) jar.setCookie(h, u)
    return jar
  }
  const makeTough = () => {
    const jar = new ToughJar(undefined, { rejectPublicSuffixes: true })
    for (const [h, u] of sets) jar.setCookieSync(h, u)
    return jar
  }
  makeOurs() // warm-up: compile both before measuring
  makeTough()
  const ours = []
  const tough = []
  for (let r = 0; r < 3; r++) {
    ours.push(sample(makeOurs))
    tough.push(sample(makeTough))
  }
  return { ours: median(ours), tough: median(tough) }
}

/**
 * Runs the jar benchmarks and returns the ratios (ours / tough-cookie for speed, tough-cookie
 * / ours for heap) with the goals of issue 3.
 */
export async function runJarBench({ quick = false } = {}) {
  const CookieJar = await loadJar()
  const sets = fixture()
  const rounds = quick ? 7 : 11
  const { ours, tough } = makeJars(CookieJar, sets)
  if (ours.size !== sets.length)
    throw new Error(`expected ${sets.length} cookies, got ${ours.size}`)

  // getCookieString: the probe URL matches 20 cookies of one site; rotate over the sites.
  const probes = Array.from({ length: DOMAINS }, (_, d) => `https://www.site${d}.com/a/b/page?q=1`)
  const check = ours.getCookieString(probes[7]).split('; ').length
  const checkTough = tough.getCookieStringSync(probes[7]).split('; ').length
  if (check !== 20 || checkTough !== 20) throw new Error(`probe matched ${check} / ${checkTough}`)
  const getN = quick ? 4000 : 10000
  const get = compare(
    (i) => ours.getCookieString(probes[i % DOMAINS]),
    (i) => tough.getCookieStringSync(probes[i % DOMAINS]),
    getN,
    rounds,
  )

  // setCookie (insert): fill an empty jar with the 10,000 cookies.
  const insertN = quick ? 1 : 2
  const insert = compare(
    () => {
      const jar = new CookieJar({ maxCookies: Infinity })
      for (const [h, u] of sets) jar.setCookie(h, u)
    },
    () => {
      const jar = new ToughJar(undefined, { rejectPublicSuffixes: true })
      for (const [h, u] of sets) jar.setCookieSync(h, u)
    },
    insertN,
    rounds,
  )

  // setCookie (replace): servers re-sending cookies to the jar of 10,000, as a session calls
  // the jar: one response at a time, each with 4 Set-Cookie headers for its URL, the sites
  // rotating between responses.
  const replaceN = quick ? 4000 : 20000
  const responseURLs = Array.from(
    { length: DOMAINS },
    (_, d) => `https://www.site${d}.com/a/b/page`,
  )
  const ops = Array.from({ length: 4000 }, (_, i) => {
    const r = i >> 2
    const d = (r * 37) % DOMAINS
    const k = (r * 13 + (i % 4) * 29) % PER_DOMAIN
    return [sets[d * PER_DOMAIN + k][0], responseURLs[d]]
  })
  const replace = compare(
    (i) => ours.setCookie(ops[i % ops.length][0], ops[i % ops.length][1]),
    (i) => tough.setCookieSync(ops[i % ops.length][0], ops[i % ops.length][1]),
    replaceN,
    rounds,
  )

  let heap
  if (typeof globalThis.gc === 'function') {
    const h = heapPerThousand(CookieJar, sets)
    heap = {
      ratio: h.tough / h.ours,
      oursBytesPer1000: Math.round(h.ours),
      toughBytesPer1000: Math.round(h.tough),
    }
  } else {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), '--heap-only'],
      {
        encoding: 'utf8',
      },
    )
    heap =
      child.status === 0 ? JSON.parse(child.stdout) : { ratio: null, error: child.stderr.trim() }
  }

  const setCookie = Math.min(insert, replace)
  return {
    getCookieString: {
      ratio: get,
      goal: goals.getCookieString,
      pass: get >= goals.getCookieString,
    },
    setCookie: {
      ratio: setCookie,
      insert,
      replace,
      goal: goals.setCookie,
      pass: setCookie >= goals.setCookie,
    },
    heap: { ...heap, goal: goals.heap, pass: heap.ratio !== null && heap.ratio > goals.heap },
  }
}

const fmt = (x) => (x == null ? '–' : `${x.toFixed(2)}×`)

async function main() {
  const args = new Set(process.argv.slice(2))
  if (args.has('--heap-only')) {
    const CookieJar = await loadJar()
    const h = heapPerThousand(CookieJar, fixture())
    process.stdout.write(
      JSON.stringify({
        ratio: h.tough / h.ours,
        oursBytesPer1000: Math.round(h.ours),
        toughBytesPer1000: Math.round(h.tough),
      }),
    )
    return
  }
  const r = await runJarBench({ quick: args.has('--quick') })
  if (args.has('--json')) {
    console.log(JSON.stringify(r, null, 2))
    return
  }
  console.log(
    'CookieJar vs tough-cookie (sync API), medians of interleaved rounds; ratios, higher is better',
  )
  console.log(
    `  getCookieString, 10,000 cookies / 100 domains  ${fmt(r.getCookieString.ratio)}  (goal ≥ ${goals.getCookieString}×) ${r.getCookieString.pass ? 'ok' : 'MISSED'}`,
  )
  console.log(
    `  setCookie (min of insert ${fmt(r.setCookie.insert)}, replace ${fmt(r.setCookie.replace)})  ${fmt(r.setCookie.ratio)}  (goal ≥ ${goals.setCookie}×) ${r.setCookie.pass ? 'ok' : 'MISSED'}`,
  )
  console.log(
    `  heap per 1,000 cookies (tough / ours)  ${fmt(r.heap.ratio)}  (goal > ${goals.heap}×) ${r.heap.pass ? 'ok' : 'MISSED'}`,
  )
  if (!r.getCookieString.pass || !r.setCookie.pass || !r.heap.pass) process.exitCode = 1
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
