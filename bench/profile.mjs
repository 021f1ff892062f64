// Runs one workload for one client against bench/server.mjs in a loop, for profiling:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs [workload] [client] [seconds]
//
// e.g. `node --cpu-prof bench/profile.mjs redirects fetch-session 10`. Defaults: cookies,
// fetch-session, 8 seconds. Prints the throughput; the profile is what to read.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createClients, loadFetchSession } from './clients.mjs'
import { workloads } from './workloads.mjs'

const [id = 'cookies', name = 'fetch-session', seconds = '8'] = process.argv.slice(2)
const workload = workloads.find((w) => w.id === id)
if (!workload) throw new Error(`unknown workload ${id}`)

const child = fork(fileURLToPath(new URL('./server.mjs', import.meta.url)), [], {
  execArgv: [],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
const base = await new Promise((resolve) =>
  child.once('message', ({ port }) => resolve(`http://127.0.0.1:${port}`)),
)
const fetchSession = await loadFetchSession()
const client = createClients({ fetchSession, redirects: id === 'redirects' }).find(
  (c) => c.name === name,
)
if (!client) throw new Error(`unknown client ${name}`)
const size = id === 'redirects' ? 20 : 100
await workload.run(client, base, size * 4, name)
const end = performance.now() + Number(seconds) * 1000
let ops = 0
let lost = 0
const start = performance.now()
while (performance.now() < end) {
  const r = await workload.run(client, base, size, name)
  ops += r.ops
  lost += r.lost
}
const rate = ops / ((performance.now() - start) / 1000)
console.log(`${name} ${id}: ${Math.round(rate)} ops/s, ${lost} cookies lost`)
await client.close()
child.disconnect()
