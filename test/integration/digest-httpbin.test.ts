import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Session } from '../../platform/node.ts'
import { startHttpbin, type Httpbin } from '../helpers/httpbin.ts'
import { python } from '../helpers/tools.ts'

let httpbin: Httpbin
beforeAll(async () => {
  httpbin = await startHttpbin()
})
afterAll(async () => {
  await httpbin.close()
})

/** What python-requests' HTTPDigestAuth does against the same URL: status and Authorization. */
function requestsDigest(
  url: string,
  user: string,
  password: string,
): { status: number; authorization: string | null } {
  const script = [
    'import json, sys, requests',
    'from requests.auth import HTTPDigestAuth',
    'r = requests.get(sys.argv[1], auth=HTTPDigestAuth(sys.argv[2], sys.argv[3]))',
    "print(json.dumps({'status': r.status_code, 'authorization': r.request.headers.get('Authorization')}))",
  ].join('\n')
  const run = spawnSync(python(), ['-c', script, url, user, password], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout) as { status: number; authorization: string | null }
}

/** The parameter names and the values that do not change per answer (nonces aside). */
function shape(authorization: string | null): Record<string, string> {
  const out: Record<string, string> = {}
  if (!authorization) return out
  for (const m of authorization.replace(/^Digest /, '').matchAll(/(\w+)=("([^"]*)"|[^,\s]*)/g)) {
    const name = m[1] as string
    const value = m[3] ?? (m[2] as string)
    out[name] = ['nonce', 'cnonce', 'response', 'opaque'].includes(name) ? '*' : value
  }
  return out
}

describe('Digest auth against httpbin (python3-httpbin), with python-requests parity', () => {
  it.each(['MD5', 'SHA-256'])('%s: the 401 challenge is answered once', async (algorithm) => {
    const url = `${httpbin.origin}/digest-auth/auth/user/passwd/${algorithm}/never`
    const s = new Session({ auth: { type: 'digest', username: 'user', password: 'passwd' } })
    const response = await s.get(url)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ authenticated: true, user: 'user' })
    const ours = response.request.headers.get('authorization')
    expect(ours).toMatch(/^Digest /)

    const theirs = requestsDigest(url, 'user', 'passwd')
    expect(theirs.status).toBe(200)
    // The same parameters with the same values (requests quotes algorithm and qop, which
    // RFC 7616 §3.4 writes as tokens; the parse is the same).
    expect(shape(ours)).toEqual(shape(theirs.authorization))
    await s.close()
  })

  it('a wrong password gets the 401 back after one retry, as with requests', async () => {
    const url = `${httpbin.origin}/digest-auth/auth/user/passwd/MD5/never`
    const s = new Session()
    const response = await s.get(url, {
      auth: { type: 'digest', username: 'user', password: 'wrong' },
    })
    expect(response.status).toBe(401)
    expect(requestsDigest(url, 'user', 'wrong').status).toBe(401)
    await s.close()
  })

  it('later requests answer preemptively with nc advanced, and a stale nonce is renewed', async () => {
    // stale_after=2: httpbin accepts the nonce twice, then answers 401 with stale=true.
    const url = `${httpbin.origin}/digest-auth/auth/user/passwd/MD5/2`
    const s = new Session({ auth: { type: 'digest', username: 'user', password: 'passwd' } })
    const seen: { status: number; authorization: string | null }[] = []
    s.hooks.beforeRequest.push(({ request }) => {
      seen.push({ status: 0, authorization: request.headers.get('authorization') })
    })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await s.get(url)).status)
    expect(statuses).toEqual([200, 200, 200, 200])
    // The first request went without auth (a 401 answered by a retry); the next ones carried
    // an answer from the start, the nonce count advancing.
    expect(seen[0]?.authorization).toBeNull()
    const nc = seen.slice(1).map((r) => /nc=(\w+)/.exec(r.authorization ?? '')?.[1])
    expect(nc.slice(0, 2)).toEqual(['00000002', '00000003'])
    await s.close()
  })
})
