// Runs the trustEnv and upload suite against `import * from 'fetch-session'`. One argument:
// the suite's options as JSON. Prints one `SMOKE-RESULT <json>` line.
import * as lib from 'fetch-session'
import { trustEnv } from './trust-env.mjs'

const [json] = globalThis.Deno?.args ?? process.argv.slice(2)
const results = await trustEnv(lib, JSON.parse(json))
console.log(`SMOKE-RESULT ${JSON.stringify(results)}`)
