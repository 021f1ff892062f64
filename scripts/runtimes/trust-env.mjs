// The trustEnv and upload suite, for runtimes that read files and the environment (Node, Bun,
// Deno): `.netrc` credentials from NETRC, a CA bundle from REQUESTS_CA_BUNDLE (and a clear
// CABundleError when the variable names no file), and upload progress. The runner starts with
// NETRC and REQUESTS_CA_BUNDLE naming files in its directory (test/runtimes/runtimes.test.ts).
import { createChecks, sessionUser } from './checks.mjs'

/** Sets a variable of this process (Deno: needs --allow-env). */
function setEnv(key, value) {
  if (globalThis.Deno) {
    if (value === undefined) globalThis.Deno.env.delete(key)
    else globalThis.Deno.env.set(key, value)
  } else if (value === undefined) delete globalThis.process.env[key]
  else globalThis.process.env[key] = value
}

/**
 * @param {Record<string, any>} lib the module namespace of 'fetch-session'
 * @param {{ httpBase: string, httpsBase: string, missing: string }} o
 */
export async function trustEnv(lib, { httpBase, httpsBase, missing }) {
  const { Session, ConnectionError, CABundleError, SessionError } = lib
  const { results, check, equal } = createChecks()
  const using = sessionUser(Session)

  await check('.netrc credentials (NETRC) answer basic auth; never with auth: null', () =>
    using({}, async (s) => {
      const r = await s.get(`${httpBase}/basic`)
      equal(r.status, 200, 'status with .netrc')
      equal(await r.text(), 'hello ada', 'body')
      equal((await s.get(`${httpBase}/basic`, { auth: null })).status, 401, 'auth: null')
    }),
  )

  await check('REQUESTS_CA_BUNDLE trusts a private CA; not with trustEnv: false', async () => {
    await using({}, async (s) => {
      equal(await s.get(`${httpsBase}/tls`).json(), { clientCertificate: false }, '/tls')
    })
    await using({ trustEnv: false }, async (s) => {
      try {
        await (await s.get(`${httpsBase}/tls`)).text()
      } catch (error) {
        if (error instanceof ConnectionError) return
        throw error
      }
      throw new Error('trustEnv: false still trusted the bundle')
    })
  })

  await check(
    'a CA bundle variable naming a missing file fails https with CABundleError',
    async () => {
      const saved = globalThis.Deno
        ? globalThis.Deno.env.get('REQUESTS_CA_BUNDLE')
        : globalThis.process.env.REQUESTS_CA_BUNDLE
      setEnv('REQUESTS_CA_BUNDLE', undefined)
      setEnv('CURL_CA_BUNDLE', missing)
      try {
        await using({}, async (s) => {
          try {
            await s.get(`${httpsBase}/tls`)
            throw new Error('the request succeeded')
          } catch (error) {
            if (!(error instanceof CABundleError) || !(error instanceof SessionError)) throw error
            equal([error.variable, error.path], ['CURL_CA_BUNDLE', missing], 'variable and path')
          }
          equal((await s.get(`${httpBase}/echo`)).status, 200, 'an http request is unaffected')
        })
      } finally {
        setEnv('CURL_CA_BUNDLE', undefined)
        setEnv('REQUESTS_CA_BUNDLE', saved)
      }
    },
  )

  await check('upload progress counts a POST body to percent 1', () =>
    using({}, async (s) => {
      const body = 'x'.repeat(200_000)
      const seen = []
      const r = await s.post(`${httpBase}/upload`, {
        body,
        onUploadProgress: (p) => seen.push(p),
      })
      equal(await r.text(), `received ${body.length}`, 'server side')
      equal(seen[0]?.percent, 0, 'first percent')
      equal(seen.at(-1)?.percent, 1, 'last percent')
      equal(seen.at(-1)?.transferredBytes, body.length, 'transferredBytes at the end')
      equal(seen.at(-1)?.totalBytes, body.length, 'totalBytes')
      if (seen.length < 3) throw new Error(`only ${seen.length} progress events`)
    }),
  )

  return results
}
