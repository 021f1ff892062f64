// Runs the smoke suite against `import * from 'fetch-session'` as resolved by this runtime
// (Node, Bun or Deno pick their own export condition). Arguments: base URL, expected
// platform name, a URL whose port is closed. Prints one `SMOKE-RESULT <json>` line.
import * as lib from 'fetch-session'
import { smoke } from './smoke.mjs'

const args = globalThis.Deno?.args ?? process.argv.slice(2)
const [base, expected, closedURL] = args
const results = await smoke(lib, { base, expected, closedURL })
console.log(`SMOKE-RESULT ${JSON.stringify(results)}`)
