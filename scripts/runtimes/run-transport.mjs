// Runs the transport suite against `import * from 'fetch-session'`. One argument: the
// suite's options as JSON. Prints one `SMOKE-RESULT <json>` line.
import * as lib from 'fetch-session'
import { transport } from './transport.mjs'

const [json] = globalThis.Deno?.args ?? process.argv.slice(2)
const results = await transport(lib, JSON.parse(json))
console.log(`SMOKE-RESULT ${JSON.stringify(results)}`)
