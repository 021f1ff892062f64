// Runs the smoke suite inside workerd: bundles scripts/runtimes/worker.mjs with the
// `workerd` export condition (as wrangler does), writes a capnp config whose outbound
// network may reach loopback, starts `workerd serve`, and fetches the worker.
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { build } from 'esbuild'
import { workerdBin, childEnv, type SmokeCheck } from './harness.ts'
import { freePort } from './smoke-server.ts'

/** Bundles the worker the way wrangler does: `workerd`, `worker`, `browser` conditions. */
export async function bundleWorker(dir: string): Promise<string> {
  const outfile = join(dir, 'worker.bundle.mjs')
  await build({
    absWorkingDir: dir,
    entryPoints: ['worker.mjs'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  })
  return outfile
}

function capnpConfig(port: number, bundle: string): string {
  // https://github.com/cloudflare/workerd/blob/main/src/workerd/server/workerd.capnp
  // "local" lets the worker reach 127.0.0.1, where the smoke server listens.
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smokeWorker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const smokeWorker :Workerd.Worker = (
  modules = [(name = "worker", esModule = embed ${JSON.stringify(basename(bundle))})],
  compatibilityDate = "2025-09-01",
  globalOutbound = "internet",
);
`
}

/** Starts workerd with the bundled worker, runs the suite once, and stops workerd. */
export async function runWorkerdSmoke(
  dir: string,
  query: { base: string; expected: string; closed: string },
): Promise<SmokeCheck[]> {
  const bundle = await bundleWorker(dir)
  const port = await freePort()
  const config = join(dir, 'smoke.capnp')
  await writeFile(config, capnpConfig(port, bundle))
  const child = spawn(workerdBin, ['serve', config], {
    cwd: dir,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c))
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) =>
      reject(new Error(`workerd exited with ${String(code)}:\n${output}`)),
    ),
  )
  try {
    const url = `http://127.0.0.1:${port}/?${new URLSearchParams(query).toString()}`
    // workerd prints nothing when it is ready: retry while the socket refuses connections.
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await Promise.race([fetch(url), exited])
        const text = await response.text()
        if (!response.ok) throw new Error(`worker answered ${response.status}: ${text}\n${output}`)
        return JSON.parse(text) as SmokeCheck[]
      } catch (error) {
        const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'
        if (!refused || attempt >= 100) throw error
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  } finally {
    child.kill()
  }
}
