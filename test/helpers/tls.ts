/**
 * Test certificates, made at test time with the `openssl` CLI into a temporary directory:
 * a CA, a server certificate for `localhost` / `127.0.0.1` / `::1` signed by it, a client
 * certificate for mutual TLS signed by it, and a second, unrelated CA (for "unknown issuer"
 * failures). EC P-256 keys, so the whole set takes a few tens of milliseconds.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** PEM strings and the files they were written to. */
export interface TlsFixtures {
  /** The directory holding every file; removed by `dispose()`. */
  readonly dir: string
  /** The test CA certificate (PEM) that signed the server and client certificates. */
  readonly ca: string
  readonly caPath: string
  /** Server certificate (SAN: DNS localhost, IP 127.0.0.1, IP ::1) and key. */
  readonly serverCert: string
  readonly serverKey: string
  /** Client certificate (extendedKeyUsage clientAuth) and key, for mutual TLS. */
  readonly clientCert: string
  readonly clientKey: string
  readonly clientCertPath: string
  readonly clientKeyPath: string
  /** A client certificate signed by `otherCa`, which the server does not trust. */
  readonly strangerCert: string
  readonly strangerKey: string
  /** An unrelated CA certificate (PEM): trusting it alone must fail verification. */
  readonly otherCa: string
  /** Deletes `dir`. */
  dispose(): Promise<void>
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd })
}

async function makeCA(dir: string, name: string, cn: string): Promise<void> {
  await openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`])
  await openssl(dir, [
    'req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '2',
    '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-out', `${name}.pem`,
  ]) // prettier-ignore
}

async function makeLeaf(
  dir: string,
  name: string,
  ca: string,
  cn: string,
  extensions: string,
): Promise<void> {
  await openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`])
  await openssl(dir, [
    'req',
    '-new',
    '-key',
    `${name}.key`,
    '-subj',
    `/CN=${cn}`,
    '-out',
    `${name}.csr`,
  ])
  await writeFile(join(dir, `${name}.ext`), extensions)
  await openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`,
    '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
  ]) // prettier-ignore
}

/**
 * Generates a fresh set of certificates. Call `dispose()` when done.
 * @param options.ips extra IP addresses for the server certificate's subjectAltName.
 */
export async function createTlsFixtures(options: { ips?: string[] } = {}): Promise<TlsFixtures> {
  const san = [
    'DNS:localhost',
    'IP:127.0.0.1',
    'IP:::1',
    ...(options.ips ?? []).map((ip) => `IP:${ip}`),
  ]
  const dir = await mkdtemp(join(tmpdir(), 'fetch-session-tls-'))
  try {
    await Promise.all([
      makeCA(dir, 'ca', 'fetch-session test CA'),
      makeCA(dir, 'other-ca', 'fetch-session untrusted CA'),
    ])
    await Promise.all([
      makeLeaf(
        dir,
        'server',
        'ca',
        'localhost',
        'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' +
          `extendedKeyUsage=serverAuth\nsubjectAltName=${san.join(',')}\n`,
      ),
      makeLeaf(
        dir,
        'client',
        'ca',
        'fetch-session client',
        'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
      ),
      makeLeaf(
        dir,
        'stranger',
        'other-ca',
        'stranger',
        'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
      ),
    ])
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  const read = (file: string): Promise<string> => readFile(join(dir, file), 'utf8')
  const [ca, serverCert, serverKey, clientCert, clientKey, strangerCert, strangerKey, otherCa] =
    await Promise.all(
      [
        'ca.pem',
        'server.pem',
        'server.key',
        'client.pem',
        'client.key',
        'stranger.pem',
        'stranger.key',
        'other-ca.pem',
      ].map(read),
    )
  return {
    dir,
    ca: ca!,
    caPath: join(dir, 'ca.pem'),
    serverCert: serverCert!,
    serverKey: serverKey!,
    clientCert: clientCert!,
    clientKey: clientKey!,
    clientCertPath: join(dir, 'client.pem'),
    clientKeyPath: join(dir, 'client.key'),
    strangerCert: strangerCert!,
    strangerKey: strangerKey!,
    otherCa: otherCa!,
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}
