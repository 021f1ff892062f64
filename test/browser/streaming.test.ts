// In real headless Chromium over HTTP/1.1 loopback: lines(), events(), download and upload
// progress, and Digest auth through `digestAuth`, from the package's browser build.
import { describe, expect, it } from 'vitest'
import { pageFixture, skip } from './page-fixture.ts'

const fx = pageFixture()
const { inPage } = fx

describe.skipIf(skip)('streams and progress in Chromium', () => {
  it('lines() and events() read a streamed body, also from the promise', async () => {
    const got = await inPage(async ({ lib }) => {
      const s = new lib.Session()
      const lines: string[] = []
      for await (const line of s.get('/lines').lines()) lines.push(line)
      const events: unknown[] = []
      for await (const event of (await s.get('/events')).events()) events.push(event)
      return { lines, events }
    }, {})
    expect(got.lines).toEqual(['one', 'two', '', 'three'])
    expect(got.events).toEqual([
      { event: 'greet', data: 'hello\nworld', id: '1' },
      { event: 'message', data: '[DONE]', id: '1', retry: 10 },
    ])
  })

  it('download progress counts the body to percent 1', async () => {
    const seen = await inPage(async ({ lib }) => {
      const s = new lib.Session()
      const events: { percent: number; transferredBytes: number; totalBytes: number }[] = []
      const r = await s.get('/bytes?n=300000', { onDownloadProgress: (p) => events.push(p) })
      const length = (await r.arrayBuffer()).byteLength
      return { events, length }
    }, {})
    expect(seen.length).toBe(300000)
    expect(seen.events[0]).toEqual({ percent: 0, transferredBytes: 0, totalBytes: 300000 })
    expect(seen.events.at(-1)).toEqual({
      percent: 1,
      transferredBytes: 300000,
      totalBytes: 300000,
    })
    expect(seen.events.length).toBeGreaterThan(2)
  })

  // Chromium answers a 401 challenge to a request sent with credentials itself (it asks the
  // user; headless, it waits forever), even under CORS, so Digest goes without credentials.
  it('digestAuth answers a CORS challenge, a POST body included, then preemptively', async () => {
    const got = await inPage(
      async ({ lib, base }) => {
        const s = new lib.Session({
          baseURL: base,
          credentials: 'same-origin',
          auth: lib.digestAuth('ada', 'lovelace'),
        })
        const first = await s.post('/digest', { body: 'sealed' })
        const second = await s.get('/digest')
        return { status: first.status, first: await first.text(), second: await second.text() }
      },
      { base: fx.api.url },
    )
    expect(got.status).toBe(200)
    expect(got.first).toBe('hello ada nc=00000001 body=sealed')
    expect(got.second).toBe('hello ada nc=00000002 body=')
  })

  it("digestAuth answers a same-origin challenge with credentials: 'omit'", async () => {
    const got = await inPage(async ({ lib }) => {
      const s = new lib.Session({ credentials: 'omit', auth: lib.digestAuth('ada', 'lovelace') })
      const r = await s.put('/digest', { json: { a: 1 } })
      return { status: r.status, text: await r.text() }
    }, {})
    expect(got).toEqual({ status: 200, text: 'hello ada nc=00000001 body={"a":1}' })
  })

  it('upload progress over HTTP/1.1: the request succeeds; progress at 0 and at 1', async () => {
    const got = await inPage(async ({ lib }) => {
      const s = new lib.Session()
      const events: { percent: number; transferredBytes: number; totalBytes: number }[] = []
      const body = 'x'.repeat(200000)
      const r = await s.post('/upload', { body, onUploadProgress: (p) => events.push(p) })
      const form = new FormData()
      form.set('file', new Blob(['abc']), 'a.txt')
      const formEvents: number[] = []
      const f = await s.post('/upload', {
        body: form,
        onUploadProgress: (p) => formEvents.push(p.percent),
      })
      return { text: await r.text(), events, form: await f.text(), formEvents }
    }, {})
    expect(got.text).toBe('received 200000')
    expect(got.events).toEqual([
      { percent: 0, transferredBytes: 0, totalBytes: 200000 },
      { percent: 1, transferredBytes: 200000, totalBytes: 200000 },
    ])
    expect(got.form).toMatch(/^received \d+$/)
    expect(got.formEvents).toEqual([0, 1])
  })
})
