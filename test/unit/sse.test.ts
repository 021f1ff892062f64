import { describe, expect, it } from 'vitest'
import { iterEvents } from '../../src/sse.ts'
import type { ServerSentEvent } from '../../src/types.ts'
import { chunked } from '../helpers/chunked.ts'

async function events(chunks: (string | number[])[]): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = []
  for await (const e of iterEvents(chunked(chunks))) out.push(e)
  return out
}

const msg = (data: string, more: Partial<ServerSentEvent> = {}): ServerSentEvent => ({
  event: 'message',
  data,
  id: '',
  retry: undefined,
  ...more,
})

describe('iterEvents (HTML standard, server-sent events)', () => {
  // The examples of the HTML standard §9.2.6 "Interpreting an event stream" and §9.2.5.
  it('stock ticker example: two events, multi-line data joined with LF', async () => {
    const stream = 'data: YHOO\ndata: +2\ndata: 10\n\n'
    expect(await events([stream])).toEqual([msg('YHOO\n+2\n10')])
  })

  it('four-block example: comment, ids, and an event without id after one with', async () => {
    const stream =
      ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n'
    // The comment block dispatches nothing; `id` with no value resets the last event ID;
    // the third block is not ended by a blank line, so it is discarded.
    expect(await events([stream])).toEqual([msg('first event', { id: '1' }), msg('second event')])
  })

  it('empty data example: "data" and "data:" make empty-string events; a field without colon', async () => {
    const stream = 'data\n\ndata\ndata\n\ndata:\n'
    expect(await events([stream])).toEqual([msg(''), msg('\n')])
  })

  it('only one leading space is removed: "data:test" and "data: test" are the same', async () => {
    expect(await events(['data:test\n\ndata: test\n\ndata:  two\n\n'])).toEqual([
      msg('test'),
      msg('test'),
      msg(' two'),
    ])
  })

  it('event names the type; it resets after each dispatch; ids persist', async () => {
    const stream = 'event: add\nid: 7\ndata: 73857293\n\ndata: plain\n\n'
    expect(await events([stream])).toEqual([
      msg('73857293', { event: 'add', id: '7' }),
      msg('plain', { id: '7' }),
    ])
  })

  it.each([
    ['CRLF', 'data: a\r\ndata: b\r\n\r\n'],
    ['CR only', 'data: a\rdata: b\r\r'],
    ['LF', 'data: a\ndata: b\n\n'],
  ])('%s line endings', async (_name, stream) => {
    expect(await events([stream])).toEqual([msg('a\nb')])
  })

  it('a leading BOM is ignored (only one)', async () => {
    expect(await events([[0xef, 0xbb, 0xbf], 'data: x\n\n'])).toEqual([msg('x')])
    // A second BOM makes the first field name "\uFEFFdata", an unknown field.
    expect(await events([[0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'data: x\n\n'])).toEqual([])
  })

  it('events split across arbitrary chunk boundaries', async () => {
    const stream = 'event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2\r\n\r\n'
    const chunks = [...stream]
    expect(await events(chunks)).toEqual([msg('1', { event: 'a' }), msg('2', { event: 'b' })])
  })

  it('retry: digits set the reconnection time; anything else is ignored', async () => {
    const stream =
      'retry: 3000\n\ndata: a\n\nretry: 1.5\ndata: b\n\nretry: x\nretry: 20\ndata: c\n\n'
    expect(await events([stream])).toEqual([
      msg('a', { retry: 3000 }),
      msg('b', { retry: 3000 }),
      msg('c', { retry: 20 }),
    ])
  })

  it('an id with NULL is ignored; unknown fields and comments are ignored', async () => {
    const stream = 'id: 1\n\nid: a\0b\nfoo: bar\n: comment\ndata: x\n\n'
    expect(await events([stream])).toEqual([msg('x', { id: '1' })])
  })

  it('an unfinished event at the end of the stream is discarded', async () => {
    expect(await events(['data: done\n\ndata: partial'])).toEqual([msg('done')])
  })

  it('an LLM-style stream of JSON chunks', async () => {
    const stream = [
      'data: {"delta":"Hel',
      'lo"}\n\ndata: {"delta":" world"}\n\n',
      'data: [DONE]\n\n',
    ]
    const out = (await events(stream)).map((e) => e.data)
    expect(out).toEqual(['{"delta":"Hello"}', '{"delta":" world"}', '[DONE]'])
  })
})
