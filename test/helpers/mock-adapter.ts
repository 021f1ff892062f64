/**
 * MockAdapter (after httpx's MockTransport): answers each request with a handler and
 * records what was sent. For unit tests of the core; integration tests use real servers.
 */
import type { Adapter, AdapterContext } from '../../src/platform.ts'

export type MockHandler = (request: Request, ctx: AdapterContext) => Response | Promise<Response>

export class MockAdapter implements Adapter {
  readonly requests: Request[] = []
  readonly contexts: AdapterContext[] = []
  closed = false
  readonly #handler: MockHandler

  constructor(handler: MockHandler = () => new Response('ok')) {
    this.#handler = handler
  }

  async fetch(request: Request, ctx: AdapterContext): Promise<Response> {
    this.requests.push(request)
    this.contexts.push(ctx)
    return this.#handler(request, ctx)
  }

  close(): void {
    this.closed = true
  }
}
