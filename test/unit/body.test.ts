// The core's body wrapper (src/body.ts): what every transport that does not guard its own
// bodies gets — timeout.body, maxResponseSize, and body failures as SessionErrors.
import { describe, expect, it } from 'vitest'
import {
  ClosedSessionError,
  ConnectionError,
  ResponseTooLargeError,
  SessionError,
  TimeoutError,
} from '../../src/errors.ts'
import { mockSession } from '../helpers/test-session.ts'

/** A body of `chunks` chunks of `size` bytes, then an error or the end. */
function body(chunks: number, size: number, fail?: Error): ReadableStream<Uint8Array> {
  let sent = 0
  return new ReadableStream({
    pull(c) {
      if (sent++ < chunks) c.enqueue(new Uint8Array(size))
      else if (fail) c.error(fail)
      else c.close()
    },
  })
}

describe('body limits in the core', () => {
  it('a body cut short errors with ConnectionError, the runtime error as cause', async () => {
    const cause = new TypeError('terminated')
    const { session } = mockSession(() => new Response(body(2, 10, cause)))
    const r = await session.get('https://a.test/x')
    const error: unknown = await r.text().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error).toBeInstanceOf(SessionError)
    expect((error as ConnectionError).cause).toBe(cause)
    expect((error as Error).message).toContain('GET https://a.test/x')
  })

  it("the user's abort stays an AbortError", async () => {
    const abort = new DOMException('stop', 'AbortError')
    const { session } = mockSession(() => new Response(body(1, 10, abort)))
    const r = await session.get('https://a.test/x')
    await expect(r.arrayBuffer()).rejects.toBe(abort)
  })

  it('maxResponseSize errors past the limit, and stops pulling the source', async () => {
    let pulled = 0
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++
        c.enqueue(new Uint8Array(1000))
      },
    })
    const { session } = mockSession(() => new Response(source), { maxResponseSize: 5000 })
    const error: unknown = await session
      .get('https://a.test/x')
      .arrayBuffer()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseTooLargeError)
    expect(error).toMatchObject({ limit: 5000 })
    expect(pulled).toBeLessThan(10)
  })

  it('a body within maxResponseSize reads whole, with the session fields kept', async () => {
    const { session } = mockSession(() => new Response(body(5, 1000)), { maxResponseSize: 5000 })
    const r = await session.get('https://a.test/x')
    expect((await r.arrayBuffer()).byteLength).toBe(5000)
    expect(r.url).toBe('https://a.test/x')
    expect(r.request.url).toBe('https://a.test/x')
    expect(r.history).toEqual([])
    expect(r.raiseForStatus()).toBe(r)
  })

  it('keeps what the runtime set on its Response (url, redirected, type)', async () => {
    const { session } = mockSession(() => {
      const response = new Response(body(1, 10))
      Object.defineProperty(response, 'redirected', { value: true })
      Object.defineProperty(response, 'type', { value: 'cors' })
      return response
    })
    const r = await session.get('https://a.test/x')
    expect([r.url, r.redirected, r.type]).toEqual(['https://a.test/x', true, 'cors'])
  })

  it('timeout.body errors a body that never ends with TimeoutError(body)', async () => {
    const { session } = mockSession(
      () => new Response(new ReadableStream({ pull: () => new Promise(() => undefined) })),
      {
        timeout: { body: 50 },
      },
    )
    const r = await session.get('https://a.test/x')
    const error: unknown = await r.text().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ limit: 'body', timeout: 50 })
  })

  it('rejects a bad maxResponseSize where it is given', async () => {
    expect(() => mockSession(undefined, { maxResponseSize: -1 })).toThrow(/maxResponseSize/)
    const { session } = mockSession()
    await expect(session.get('https://a.test/', { maxResponseSize: 1.5 })).rejects.toThrow(
      /init\.maxResponseSize/,
    )
  })
})

describe('close() where the core sends and reads (transports that do not end their own work)', () => {
  it('a request waiting for headers rejects with ClosedSessionError; the transport sees the abort', async () => {
    let aborted: unknown
    const { session } = mockSession(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => {
            aborted = request.signal.reason
            reject(request.signal.reason as Error)
          })
        }),
    )
    const pending = session.get('https://a.test/x').catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 10))
    await session.close()
    expect(await pending).toBeInstanceOf(ClosedSessionError)
    expect(aborted).toBeInstanceOf(ClosedSessionError)
  })

  it('a body still being read errors with ClosedSessionError and its source is cancelled', async () => {
    let cancelled = false
    const source = new ReadableStream<Uint8Array>({
      pull: () => new Promise(() => undefined),
      cancel: () => {
        cancelled = true
      },
    })
    const { session } = mockSession(() => new Response(source))
    const r = await session.get('https://a.test/x')
    const text = r.text().catch((e: unknown) => e)
    await session.close()
    expect(await text).toBeInstanceOf(ClosedSessionError)
    expect(cancelled).toBe(true)
  })
})
