// The transport suite, for runtimes whose platform has `proxy` and `tls` (Node, Bun, Deno):
// a private CA, a client certificate, an explicit proxy, the environment's HTTP_PROXY, and
// trustEnv: false. The runner starts with HTTP_PROXY pointing at the test proxy; the test
// (test/runtimes/runtimes.test.ts) checks on the proxy's side which requests went through it.
import { createChecks, sessionUser } from './checks.mjs'

/**
 * @param {Record<string, any>} lib the module namespace of 'fetch-session'
 * @param {{ httpBase: string, httpsBase: string, ca: string, cert: string, key: string, proxy: string }} o
 */
export async function transport(lib, { httpBase, httpsBase, ca, cert, key, proxy }) {
  const { Session, ConnectionError } = lib
  const { results, check, equal } = createChecks()
  const using = sessionUser(Session)

  await check('tls.ca trusts a private CA', () =>
    using({ tls: { ca } }, async (s) => {
      equal(await s.get(`${httpsBase}/tls`).json(), { clientCertificate: false }, '/tls')
    }),
  )

  await check('a certificate from an unknown CA fails with ConnectionError', () =>
    using({}, async (s) => {
      try {
        await (await s.get(`${httpsBase}/tls`)).text()
      } catch (error) {
        if (error instanceof ConnectionError) return error.message
        throw error
      }
      throw new Error('the untrusted certificate was accepted')
    }),
  )

  await check('tls.cert and tls.key present a client certificate', () =>
    using({ tls: { ca, cert, key } }, async (s) => {
      equal(await s.get(`${httpsBase}/tls`).json(), { clientCertificate: true }, '/tls')
    }),
  )

  await check('proxy sends the request through that proxy', () =>
    using({ proxy }, async (s) => {
      equal((await s.get(`${httpBase}/echo?via=explicit`).json()).query, 'via=explicit', 'query')
    }),
  )

  await check('HTTP_PROXY from the environment is used (trustEnv default)', () =>
    using({}, async (s) => {
      equal((await s.get(`${httpBase}/echo?via=env`).json()).query, 'via=env', 'query')
    }),
  )

  await check('trustEnv: false goes direct despite HTTP_PROXY', () =>
    using({ trustEnv: false }, async (s) => {
      equal((await s.get(`${httpBase}/echo?via=direct`).json()).query, 'via=direct', 'query')
    }),
  )

  return results
}
