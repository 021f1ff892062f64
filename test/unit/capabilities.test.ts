// Options a runtime cannot honour are refused with a TypeError naming them, never accepted and
// ignored: `connections` and `allowH2` shape Node's own pool, `credentials` is the browser's.
import { describe, expect, it } from 'vitest'
import { Session as BunSession } from '../../platform/bun.ts'
import { Session as DefaultSession } from '../../platform/default.ts'
import { Session as DenoSession } from '../../platform/deno.ts'
import { Session as NodeSession } from '../../platform/node.ts'
import { Session as WorkerdSession } from '../../platform/workerd.ts'
import { mockSession } from '../helpers/test-session.ts'

const withoutPool = [
  ['workerd', WorkerdSession],
  ['default', DefaultSession],
  ['deno', DenoSession],
  ['bun', BunSession],
] as const

function refusal(make: () => unknown): TypeError & { field?: string } {
  try {
    make()
  } catch (error) {
    return error as TypeError & { field?: string }
  }
  throw new Error('expected a TypeError, nothing was thrown')
}

describe('connections and allowH2 (Node only)', () => {
  it.each(withoutPool)('the %s build refuses connections, naming it', (name, Session) => {
    const error = refusal(() => new Session({ connections: 4 }))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.field).toBe('options.connections')
    expect(error.message).toBe(
      `options.connections: the ${name} platform has no connection pool of the session's own to size`,
    )
  })

  it.each(withoutPool)('the %s build refuses allowH2: true', (name, Session) => {
    const error = refusal(() => new Session({ allowH2: true }))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toMatch(new RegExp(`^options\\.allowH2: the ${name} platform lets`))
  })

  it.each(withoutPool)('the %s build takes allowH2: false and no connections', (_, Session) => {
    const s = new Session({ allowH2: false })
    expect([s.allowH2, s.connections]).toEqual([false, undefined])
  })

  it('the Node build takes both', async () => {
    await using s = new NodeSession({ connections: 2, allowH2: true })
    expect([s.connections, s.allowH2]).toEqual([2, true])
  })

  it('the check reads the platform capability, not its name', () => {
    expect(() => mockSession(undefined, { connections: 1 }, { poolSettings: false })).toThrow(
      /^options\.connections: the test platform has no connection pool/,
    )
    expect(() => mockSession(undefined, { connections: 1 })).not.toThrow()
  })
})

describe('credentials (browsers only)', () => {
  it.each([['node', NodeSession] as const, ...withoutPool])(
    'the %s build refuses the session option and its assignment',
    async (name, Session) => {
      const error = refusal(() => new Session({ credentials: 'include' }))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.field).toBe('options.credentials')
      expect(error.message).toMatch(
        new RegExp(`^options\\.credentials: the ${name} platform has no browser cookie jar`),
      )
      await using s = new Session()
      expect(() => {
        s.credentials = 'omit'
      }).toThrow(/^session\.credentials: the \w+ platform has no browser cookie jar/)
      expect(s.credentials).toBeUndefined()
      s.credentials = undefined
      s.credentials = null as unknown as undefined
      expect(new Session({ credentials: null as unknown as undefined }).credentials).toBeUndefined()
    },
  )

  it('a platform with a credentials mode takes it', () => {
    const { session } = mockSession(undefined, { credentials: 'omit' })
    session.credentials = 'include'
    expect(session.credentials).toBe('include')
  })
})

describe('saved state from a runtime with other settings', () => {
  it('a Worker restores what Node saved, leaving out the pool settings it has none of', async () => {
    await using saved = new NodeSession({ connections: 3, allowH2: true, maxRedirects: 7 })
    const state = saved.toJSON()
    expect([state.connections, state.allowH2]).toEqual([3, true])
    const restored = WorkerdSession.fromJSON(state)
    expect([restored.connections, restored.allowH2, restored.maxRedirects]).toEqual([
      undefined,
      false,
      7,
    ])
    const again = NodeSession.fromJSON(state)
    expect([again.connections, again.allowH2]).toEqual([3, true])
    await again.close()
  })

  it("Node restores a browser's state without its credentials mode", () => {
    const { session } = mockSession(undefined, { credentials: 'include' })
    const state = session.toJSON()
    expect(state.credentials).toBe('include')
    expect(NodeSession.fromJSON(state).credentials).toBeUndefined()
  })
})

describe('tls (not in Workers or the default build)', () => {
  it.each([
    ['workerd', WorkerdSession],
    ['default', DefaultSession],
  ] as const)('the %s build refuses tls but takes null, as its setter does', (name, Session) => {
    expect(refusal(() => new Session({ tls: { rejectUnauthorized: false } })).message).toMatch(
      new RegExp(`^options\\.tls: the ${name} platform`),
    )
    const s = new Session({ tls: null as unknown as undefined })
    s.tls = null as unknown as undefined
    expect(s.tls).toBeUndefined()
  })
})
