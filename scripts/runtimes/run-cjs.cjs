/* global process, console */
// Runs the smoke suite against `require('fetch-session')` (the CommonJS build).
// Same arguments and output as run-esm.mjs.
const lib = require('fetch-session')

const [base, expected, closedURL] = process.argv.slice(2)
import('./smoke.mjs')
  .then(({ smoke }) => smoke(lib, { base, expected, closedURL }))
  .then((results) => console.log(`SMOKE-RESULT ${JSON.stringify(results)}`))
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
