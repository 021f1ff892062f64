/**
 * A transport double that speaks the platform's hop protocol (`HopSender`, as the Node
 * adapter does), so unit tests reach the fast path and the body shortcut without sockets.
 * Each hop is answered by a handler from the plain data sent; what was sent, and which of
 * `response()`, `read()` and `discard()` the core chose, is recorded.
 */
import { sendHopKey } from '../../src/capabilities.ts'
import { CookieJar } from '../../src/cookies/index.ts'
import { plainHop } from '../../src/direct.ts'
import { allFeatures } from '../../src/features.ts'
import type {
  Adapter,
  HopContext,
  HopResponse,
  HopSender,
  OutgoingHop,
  Platform,
} from '../../src/platform.ts'
import { Session } from '../../src/session.ts'

export interface HopAnswer {
  status?: number
  headers?: Record<string, string | string[]>
  body?: string
}

export class HopDouble implements Adapter, HopSender {
  readonly hops: OutgoingHop[] = []
  readonly contexts: HopContext[] = []
  /** Per hop: how its body was taken. */
  readonly taken: ('response' | 'read' | 'discard')[] = []
  /** Requests that went through `fetch` (the `Request` variant of a hop). */
  readonly requests: Request[] = []

  constructor(readonly handler: (hop: OutgoingHop) => HopAnswer) {}

  async fetch(request: Request): Promise<Response> {
    this.requests.push(request)
    const answer = this.handler({
      url: new URL(request.url),
      href: request.url,
      method: request.method,
      headers: request.headers,
      body: null,
    })
    return new Response(answer.body ?? null, {
      status: answer.status ?? 200,
      headers: toHeaders(answer.headers),
    })
  }

  [sendHopKey](hop: OutgoingHop, ctx: HopContext): Promise<HopResponse> {
    this.hops.push(hop)
    this.contexts.push(ctx)
    const answer = this.handler(hop)
    const status = answer.status ?? 200
    const headers = toHeaders(answer.headers)
    const bytes = new TextEncoder().encode(answer.body ?? '')
    const index = this.hops.length - 1
    const head = (body: Uint8Array<ArrayBuffer> | null): Response => {
      const response = new Response(body, { status, headers })
      Object.defineProperty(response, 'url', { value: hop.href })
      return response
    }
    return Promise.resolve({
      status,
      statusText: '',
      header: (name) => headers.get(name),
      location: headers.get('location'),
      getSetCookie: () => headers.getSetCookie(),
      head: () => head(null),
      response: () => {
        this.taken[index] = 'response'
        return head(bytes)
      },
      read: () => {
        this.taken[index] = 'read'
        return Promise.resolve(bytes)
      },
      discard: () => {
        this.taken[index] = 'discard'
        return Promise.resolve()
      },
    })
  }
}

function toHeaders(init: HopAnswer['headers']): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(init ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return headers
}

/** A session whose platform has the fast path, its transport a {@link HopDouble}. */
export function hopSession(
  handler: (hop: OutgoingHop) => HopAnswer,
  options: ConstructorParameters<typeof Session>[0] = {},
): { session: Session; transport: HopDouble } {
  const transport = new HopDouble(handler)
  const platform: Platform = {
    name: 'hop-double',
    capabilities: {
      manualRedirect: true,
      readSetCookie: true,
      sendCookie: true,
      proxy: true,
      tls: true,
      transportTimeouts: true,
      keepAlive: false,
      poolSettings: true,
      credentialsMode: false,
    },
    createAdapter: () => transport,
    env: () => undefined,
    mapError: () => undefined,
    CookieJar,
    features: { ...allFeatures, plainHop },
  }
  class HopSession extends Session {
    static override readonly platform: Platform = platform
  }
  return { session: new HopSession(options), transport }
}
