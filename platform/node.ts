/**
 * Node entry (>= 20.18.1): each Session owns undici keep-alive dispatchers; proxy and TLS
 * supported; `close()` releases the sockets.
 * @module
 */
import { CookieJar } from '../src/cookies/index.ts'
import { allFeatures } from '../src/features.ts'
import { plainHop } from '../src/direct.ts'
import type { Platform } from '../src/platform.ts'
import { Session as CoreSession } from '../src/session.ts'
import { createUndiciAdapter } from './node/adapter.ts'
import { mapNodeError } from './node/errors.ts'
import { readTextFile } from './read-file.ts'

const nodePlatform: Platform = {
  name: 'node',
  capabilities: {
    manualRedirect: true,
    readSetCookie: true,
    sendCookie: true,
    proxy: true,
    tls: true,
    transportTimeouts: true,
    keepAlive: true,
    poolSettings: true,
    credentialsMode: false,
  },
  createAdapter: createUndiciAdapter,
  env: (key) => process.env[key],
  readFile: readTextFile,
  mapError: mapNodeError,
  CookieJar,
  features: { ...allFeatures, plainHop },
}

export * from '../src/index.ts'

/** A `Session` bound to Node's undici transport. */
export class Session extends CoreSession {
  static override readonly platform: Platform = nodePlatform
}
