/**
 * TLS through the Node platform against a loopback HTTPS server whose certificates the test
 * generates with openssl: a custom CA (PEM text, file path, list), mutual TLS, opting out of
 * verification, and every failure as a `ConnectionError` carrying Node's error code.
 */
import { once } from 'node:events'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, Session } from '../../platform/node.ts'
import { createTlsFixtures, type TlsFixtures } from '../helpers/tls.ts'

let tls: TlsFixtures
let server: https.Server
let mutual: https.Server
let origin: string
let mutualOrigin: string

async function listen(s: https.Server): Promise<string> {
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  return `https://127.0.0.1:${(s.address() as AddressInfo).port}`
}

beforeAll(async () => {
  tls = await createTlsFixtures()
  server = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (req, res) => {
    res.end(`hello over ${(req.socket as TLSSocket).getProtocol() ?? 'tls'}`)
  })
  // Mutual TLS: the server demands a client certificate signed by the test CA.
  mutual = https.createServer(
    {
      cert: tls.serverCert,
      key: tls.serverKey,
      ca: tls.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate()
      res.end(`client ${peer.subject.CN}`)
    },
  )
  origin = await listen(server)
  mutualOrigin = await listen(mutual)
})
afterAll(async () => {
  for (const s of [server, mutual]) {
    s.closeAllConnections()
    await new Promise((resolve) => s.close(resolve))
  }
  await tls.dispose()
})

async function expectConnectionError(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConnectionError)
  return error as ConnectionError
}

describe('server verification', () => {
  it('a certificate from an unknown CA is a ConnectionError with the TLS code', async () => {
    await using s = new Session()
    const error = await expectConnectionError(s.get(`${origin}/`))
    expect(error.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(error.message).toContain(`${origin}/`)
  })

  it('a custom CA given as PEM text is trusted', async () => {
    await using s = new Session({ tls: { ca: tls.ca } })
    expect(await (await s.get(`${origin}/`)).text()).toMatch(/^hello over TLSv1\.[23]$/)
  })

  it('a custom CA given as a file path is read and trusted', async () => {
    await using s = new Session({ tls: { ca: tls.caPath } })
    expect((await s.get(`${origin}/`)).status).toBe(200)
  })

  it('a list of CAs is trusted', async () => {
    await using s = new Session({ tls: { ca: [tls.otherCa, tls.ca] } })
    expect((await s.get(`${origin}/`)).status).toBe(200)
  })

  it('an unrelated CA alone does not verify the server', async () => {
    await using s = new Session({ tls: { ca: tls.otherCa } })
    await expectConnectionError(s.get(`${origin}/`))
  })

  it('the host name must match the certificate (127.0.0.2 is not in its subjectAltName)', async () => {
    const port = (server.address() as AddressInfo).port
    const other = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (_req, res) =>
      res.end('x'),
    )
    other.listen(port, '127.0.0.2')
    await once(other, 'listening')
    try {
      await using s = new Session({ tls: { ca: tls.ca } })
      const error = await expectConnectionError(s.get(`https://127.0.0.2:${port}/`))
      expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    } finally {
      await new Promise((resolve) => other.close(resolve))
    }
  })

  it('rejectUnauthorized: false accepts any certificate', async () => {
    await using s = new Session({ tls: { rejectUnauthorized: false } })
    expect((await s.get(`${origin}/`)).status).toBe(200)
  })

  it('replacing s.tls takes effect on the next request', async () => {
    await using s = new Session()
    await expectConnectionError(s.get(`${origin}/`))
    s.tls = { ca: tls.ca }
    expect((await s.get(`${origin}/`)).status).toBe(200)
  })
})

describe('mutual TLS', () => {
  it('a client certificate and key (PEM) are presented to the server', async () => {
    await using s = new Session({ tls: { ca: tls.ca, cert: tls.clientCert, key: tls.clientKey } })
    expect(await (await s.get(`${mutualOrigin}/`)).text()).toBe('client fetch-session client')
  })

  it('a client certificate and key given as file paths work too', async () => {
    await using s = new Session({
      tls: { ca: tls.caPath, cert: tls.clientCertPath, key: tls.clientKeyPath },
    })
    expect(await (await s.get(`${mutualOrigin}/`)).text()).toBe('client fetch-session client')
  })

  it('without a client certificate the handshake fails: ConnectionError', async () => {
    await using s = new Session({ tls: { ca: tls.ca } })
    await expectConnectionError(s.get(`${mutualOrigin}/`))
  })

  it('a client certificate from an untrusted CA fails: ConnectionError', async () => {
    await using s = new Session({
      tls: { ca: tls.ca, cert: tls.strangerCert, key: tls.strangerKey },
    })
    await expectConnectionError(s.get(`${mutualOrigin}/`))
  })
})

describe('bad TLS options', () => {
  it.each([
    [{ ca: 42 }, /^options\.tls\.ca: expected PEM text or the path of a PEM file, got number/],
    [{ ca: ['x', ''] }, /^tls\.ca\[0\]: expected a readable PEM file, got string "x" \(ENOENT\)/],
    [
      { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' },
      /^tls\.cert: expected a readable PEM file/,
    ],
    [
      { cert: '-----BEGIN CERTIFICATE-----' },
      /^tls: expected cert and key together \(a client certificate\), got cert without key/,
    ],
    [
      { rejectUnauthorized: 'no' },
      /^options\.tls\.rejectUnauthorized: expected a boolean, got string/,
    ],
    [{ verify: false }, /^options\.tls\.verify: expected a known TLS option/],
  ])(
    '%j fails with a TypeError naming the field, before anything is sent',
    async (options, message) => {
      let constructed = false
      const error: unknown = await (async () => {
        await using s = new Session({ tls: options as never })
        constructed = true
        return s.get(`${origin}/`)
      })().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TypeError)
      expect((error as TypeError).message).toMatch(message)
      // Shape errors fail at construction; unreadable files when the transport is made.
      expect(constructed).toBe(/^tls[.:]/.test((error as TypeError).message))
    },
  )
})
