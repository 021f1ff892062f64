// Upload progress where the platform does not stream replayable bodies (the browser,
// `streamUploads: false`): the body goes as it is, progress is reported at 0 and at 1.
import { describe, expect, it } from 'vitest'
import type { Progress } from '../../src/progress.ts'
import { mockSession } from '../helpers/test-session.ts'

describe('upload progress with streamUploads: false', () => {
  it('sends a string body as it is and reports 0, then 1 once the response arrived', async () => {
    const order: string[] = []
    const { session, adapter } = mockSession(
      async (request) => {
        order.push('sent')
        return new Response(`received ${String((await request.text()).length)}`)
      },
      {},
      { streamUploads: false },
    )
    const seen: Progress[] = []
    const response = await session.post('http://a.test/upload', {
      body: 'x'.repeat(1000),
      onUploadProgress: (p) => {
        seen.push(p)
        order.push(String(p.percent))
      },
    })
    expect(await response.text()).toBe('received 1000')
    expect(seen).toEqual([
      { percent: 0, transferredBytes: 0, totalBytes: 1000 },
      { percent: 1, transferredBytes: 1000, totalBytes: 1000 },
    ])
    expect(order).toEqual(['0', 'sent', '1'])
    // Not a stream: the request is not chunked and keeps its length.
    expect(adapter.requests[0]?.headers.get('content-type')).toBe('text/plain;charset=UTF-8')
  })

  it('a one-shot stream body is still counted as it streams', async () => {
    const { session } = mockSession(
      async (request) => new Response(String((await request.arrayBuffer()).byteLength)),
      {},
      { streamUploads: false },
    )
    const seen: number[] = []
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(10))
        c.close()
      },
    })
    const r = await session.post('http://a.test/upload', {
      body,
      duplex: 'half',
      onUploadProgress: (p) => seen.push(p.transferredBytes),
    })
    expect(await r.text()).toBe('10')
    expect(seen.at(-1)).toBe(10)
  })
})
