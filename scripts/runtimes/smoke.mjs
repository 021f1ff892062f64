// The runtime smoke suite: the same checks in Node (ESM and CJS), Bun, Deno and workerd,
// each against the packed tarball and a loopback server started by
// test/runtimes/runtimes.test.ts (routes in test/runtimes/smoke-server.ts).
// Plain JavaScript so every runtime runs it as is. Returns one result per check; it never
// throws, so a runtime reports every failure at once.
import { createChecks } from './checks.mjs'

/**
 * @param {Record<string, any>} lib the module namespace of 'fetch-session'
 * @param {{ base: string, expected: string, closedURL: string }} options
 */
export async function smoke(lib, { base, expected, closedURL }) {
  const { Session, CookieJar, SessionError, HTTPError, ConnectionError } = lib
  const { results, check, equal } = createChecks()

  await check('the expected platform entry is loaded', () => {
    equal(Session.platform?.name, expected, 'Session.platform.name')
  })

  await check('default headers and params merge with the request, which wins per key', async () => {
    const s = new Session({
      baseURL: base,
      headers: { 'x-default': 'session', 'x-override': 'session', 'x-removed': 'session' },
      params: { p: '1' },
    })
    try {
      const echo = await s
        .get('/echo', {
          headers: { 'X-Override': 'request', 'x-removed': null, 'x-request': 'yes' },
          params: { q: '2' },
        })
        .json()
      equal(echo.headers['x-default'], 'session', 'x-default')
      equal(echo.headers['x-override'], 'request', 'x-override')
      equal(echo.headers['x-removed'], undefined, 'x-removed (null deletes for this request)')
      equal(echo.headers['x-request'], 'yes', 'x-request')
      equal(echo.query, 'p=1&q=2', 'query')
      // requests' merge_setting: nothing request-level is written back to the session.
      equal(s.headers.get('x-removed'), 'session', 'session x-removed afterwards')
      equal(s.headers.has('x-request'), false, 'session x-request afterwards')
    } finally {
      await s.close()
    }
  })

  await check(
    'the default User-Agent is fetch-session/<version>; a set one wins; null removes it',
    async () => {
      const s = new Session({ baseURL: base })
      try {
        const sent = (await s.get('/echo').json()).headers['user-agent']
        if (!/^fetch-session\/\d+\.\d+\.\d+/.test(sent ?? '')) {
          throw new Error(
            `user-agent: expected fetch-session/<version>, got ${JSON.stringify(sent)}`,
          )
        }
        const own = await s.get('/echo', { headers: { 'user-agent': 'mine/1' } }).json()
        equal(own.headers['user-agent'], 'mine/1', 'user-agent set by the request')
        // requests: a header set to None is not sent. Deno and Bun then send their own
        // (`Deno/<version>`, `Bun/<version>`), which a script cannot remove.
        const removed = (await s.get('/echo', { headers: { 'user-agent': null } }).json()).headers[
          'user-agent'
        ]
        const runtimeOwn = { deno: /^Deno\//, bun: /^Bun\// }[expected]
        if (runtimeOwn ? !runtimeOwn.test(removed ?? '') : removed !== undefined) {
          throw new Error(
            `user-agent: null: expected ${runtimeOwn ?? 'none'}, got ${JSON.stringify(removed)}`,
          )
        }
      } finally {
        await s.close()
      }
    },
  )

  await check('basic auth sends an Authorization header the server accepts', async () => {
    const s = new Session({ baseURL: base, auth: ['ada', 'lovelace'] })
    try {
      const r = await s.get('/basic')
      equal(r.status, 200, 'status')
      equal(await r.text(), 'hello ada', 'body')
    } finally {
      await s.close()
    }
  })

  let saved
  await check('a cookie set on a redirect hop is stored and sent back', async () => {
    const s = new Session({ baseURL: base, headers: { 'x-default': 'kept' } })
    try {
      const r = await s.get('/login')
      equal(r.status, 200, 'final status')
      equal(new URL(r.url).pathname, '/echo', 'final url path')
      equal(
        r.history.map((h) => h.status),
        [302],
        'history statuses',
      )
      equal((await r.json()).headers.cookie, 'sid=s3cret', 'Cookie on the hop after the redirect')
      const again = await s.get('/echo').json()
      equal(again.headers.cookie, 'sid=s3cret', 'Cookie on the next request')
      equal(s.cookies.get('sid'), 's3cret', "s.cookies.get('sid')")
      saved = s
    } catch (error) {
      await s.close()
      throw error
    }
  })

  await check('toJSON/fromJSON round trip keeps headers and cookies', async () => {
    if (saved === undefined) throw new Error('skipped: the redirect-cookie check failed')
    try {
      if (typeof saved.toJSON !== 'function') throw new Error('Session#toJSON is not implemented')
      if (typeof Session.fromJSON !== 'function')
        throw new Error('Session.fromJSON is not implemented')
      const state = JSON.parse(JSON.stringify(saved))
      const restored = Session.fromJSON(state)
      try {
        if (!(restored instanceof Session)) throw new Error('fromJSON did not return a Session')
        equal(restored.constructor.platform?.name, expected, 'restored platform')
        const echo = await restored.get('/echo').json()
        equal(echo.headers.cookie, 'sid=s3cret', 'restored Cookie')
        equal(echo.headers['x-default'], 'kept', 'restored default header')
      } finally {
        await restored.close()
      }
    } finally {
      await saved.close()
    }
  })

  await check('a standalone CookieJar follows RFC 6265 and the public suffix list', () => {
    const jar = new CookieJar()
    equal(jar.setCookie('a=1; Path=/', 'https://shop.example.co.uk/x')?.name, 'a', 'set a')
    equal(
      jar.setCookie('b=2; Domain=example.co.uk', 'https://shop.example.co.uk/')?.name,
      'b',
      'set b',
    )
    // RFC 6265 §5.3 step 5: a Domain that is a public suffix is rejected.
    equal(jar.setCookie('c=3; Domain=co.uk', 'https://shop.example.co.uk/'), null, 'public suffix')
    equal(jar.getCookieString('https://shop.example.co.uk/'), 'a=1; b=2', 'Cookie for the host')
    equal(jar.getCookieString('https://www.example.co.uk/'), 'b=2', 'Cookie for a sibling')
    equal(jar.size, 2, 'size')
    equal(CookieJar.fromJSON(JSON.parse(JSON.stringify(jar))).size, 2, 'JSON round trip')
  })

  await check('responses are genuine Response objects with the session extras', async () => {
    const s = new Session({ baseURL: base })
    try {
      const r = await s.get('/echo')
      if (!(r instanceof Response)) throw new Error('not instanceof the global Response')
      equal(typeof r.elapsed, 'number', 'typeof elapsed')
      equal(r.request instanceof Request, true, 'request instanceof Request')
      equal(r.raiseForStatus(), r, 'raiseForStatus() on 200')
      await r.text()
      const missing = await s.get('/missing')
      await missing.text()
      try {
        missing.raiseForStatus()
        throw new Error('raiseForStatus() did not throw on 404')
      } catch (error) {
        if (!(error instanceof HTTPError)) throw error
        if (!(error instanceof SessionError)) throw new Error('HTTPError is not a SessionError')
      }
    } finally {
      await s.close()
    }
  })

  await check(
    'digest auth answers the 401 challenge (a POST body resent), then preemptively',
    async () => {
      const s = new Session({
        baseURL: base,
        auth: { type: 'digest', username: 'ada', password: 'lovelace' },
      })
      try {
        const first = await s.get('/digest').text()
        equal(first.replace(/challenges=\d+/, ''), 'hello ada nc=00000001 ', 'first answer')
        const challenges = Number(/challenges=(\d+)/.exec(first)?.[1])
        const second = await s.get('/digest').text()
        equal(second, `hello ada nc=00000002 challenges=${challenges}`, 'second, without a 401')
      } finally {
        await s.close()
      }
      // A new session meets the challenge with a POST: the body is sent again with the answer,
      // although the runtime's fetch read it on the first attempt (Deno, Bun, workerd).
      const p = new Session({
        baseURL: base,
        auth: { type: 'digest', username: 'ada', password: 'lovelace' },
      })
      try {
        const posted = await p.post('/digest', { body: 'sealed' })
        equal(posted.status, 200, 'POST status')
        equal(
          (await posted.text()).replace(/challenges=\d+/, ''),
          'hello ada nc=00000001 body=sealed ',
          'POST answer',
        )
      } finally {
        await p.close()
      }
    },
  )

  await check('lines() and events() read a streamed body', async () => {
    const s = new Session({ baseURL: base })
    try {
      const lines = []
      for await (const line of s.get('/lines').lines()) lines.push(line)
      equal(lines, ['one', 'two', '', 'three'], 'lines')
      const events = []
      for await (const event of s.get('/events').events()) events.push(event)
      equal(
        events,
        [
          { event: 'greet', data: 'hello\nworld', id: '1', retry: undefined },
          { event: 'message', data: '[DONE]', id: '1', retry: 10 },
        ],
        'events',
      )
    } finally {
      await s.close()
    }
  })

  await check('a refused connection rejects with ConnectionError', async () => {
    const s = new Session()
    try {
      await s.get(closedURL)
      throw new Error('the request to a closed port succeeded')
    } catch (error) {
      if (!(error instanceof ConnectionError)) {
        throw new Error(`expected ConnectionError, got ${error?.name}: ${error?.message}`)
      }
      return error.message
    } finally {
      await s.close()
    }
  })

  await check('download progress counts the final body to percent 1', async () => {
    const s = new Session({ baseURL: base })
    try {
      const seen = []
      const r = await s.get('/echo', { onDownloadProgress: (p) => seen.push(p) })
      const length = (await r.arrayBuffer()).byteLength
      equal(seen[0]?.percent, 0, 'first percent')
      equal(seen.at(-1)?.percent, 1, 'last percent')
      equal(seen.at(-1)?.transferredBytes, length, 'transferredBytes at the end')
    } finally {
      await s.close()
    }
  })

  return results
}
