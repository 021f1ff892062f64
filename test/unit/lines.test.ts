import { describe, expect, it } from 'vitest'
import { iterLines, LineSplitter } from '../../src/lines.ts'
import { chunked } from '../helpers/chunked.ts'

const encoder = new TextEncoder()

async function collect(chunks: (string | number[])[]): Promise<string[]> {
  const out: string[] = []
  for await (const line of iterLines(chunked(chunks))) out.push(line)
  return out
}

describe('iterLines (requests iter_lines)', () => {
  it.each([
    [['a\nb\n'], ['a', 'b']],
    [['a\r\nb\r\n'], ['a', 'b']],
    [['a\rb\r'], ['a', 'b']],
    [['a\nb'], ['a', 'b']], // a last line without a line end
    [['a\n\nb\n'], ['a', '', 'b']], // empty lines kept
    [['\n'], ['']],
    [[], []],
    [[''], []],
    // chunk boundaries
    [
      ['he', 'llo\nwor', 'ld\n'],
      ['hello', 'world'],
    ],
    [
      ['a\r', '\nb\n'],
      ['a', 'b'],
    ], // CRLF split across chunks is one line end (requests yields '' here)
    [
      ['a\r', 'b\n'],
      ['a', 'b'],
    ],
    [
      ['a\r', '\r\n'],
      ['a', ''],
    ],
    [
      ['a', '\n', '\n', 'b'],
      ['a', '', 'b'],
    ],
  ])('%j → %j', async (chunks, expected) => {
    expect(await collect(chunks)).toEqual(expected)
  })

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = [...encoder.encode('é✓\n')]
    expect(await collect([bytes.slice(0, 1), bytes.slice(1, 3), bytes.slice(3)])).toEqual(['é✓'])
  })

  it('yields nothing for a null body', async () => {
    const out: string[] = []
    for await (const line of iterLines(null)) out.push(line)
    expect(out).toEqual([])
  })

  it('breaking out of the loop cancels the body', async () => {
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(encoder.encode('x\n'))
      },
      cancel() {
        cancelled = true
      },
    })
    for await (const line of iterLines(body)) {
      expect(line).toBe('x')
      break
    }
    expect(cancelled).toBe(true)
  })
})

describe('LineSplitter', () => {
  it('end() gives the unterminated rest once', () => {
    const s = new LineSplitter()
    expect(s.push('a\nb')).toEqual(['a'])
    expect(s.end()).toBe('b')
    expect(s.end()).toBeUndefined()
  })
})
