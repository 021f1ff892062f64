// The workloads. Each `run(client, base, size)` performs `size` operations and returns
// { ops, lost, expected }: `ops` counted for throughput, `lost` of `expected` cookies the
// client failed to send back (both 0 where the workload sets none).

let nonce = 0

/** Sequential small-JSON GETs on a kept-alive connection. */
export const sequential = {
  id: 'sequential',
  title: 'sequential GET (small JSON)',
  cookies: false,
  async run(client, base, size) {
    const url = `${base}/json`
    for (let i = 0; i < size; i++) await client.get(url)
    return { ops: size, lost: 0, expected: 0 }
  },
}

/** 50 requests in flight at all times until `size` have completed. */
export const concurrent = {
  id: 'concurrent',
  title: '50 concurrent GETs',
  cookies: false,
  async run(client, base, size) {
    const url = `${base}/json`
    let next = 0
    const worker = async () => {
      while (next < size) {
        next++
        await client.get(url)
      }
    }
    await Promise.all(Array.from({ length: 50 }, worker))
    return { ops: size, lost: 0, expected: 0 }
  },
}

/**
 * Every response sets two cookies that must come back on the next request; the server
 * checks them (per client id `k`) and answers `{ ok, sent, expected }`.
 */
export const cookies = {
  id: 'cookies',
  title: 'two Set-Cookie per response, sent back',
  cookies: true,
  async run(client, base, size, key) {
    const url = `${base}/cookies?k=${encodeURIComponent(key)}`
    let lost = 0
    let expected = 0
    for (let i = 0; i < size; i++) {
      const body = await client.get(url)
      lost += body.expected - body.sent
      expected += body.expected
    }
    return { ops: size, lost, expected }
  },
}

/**
 * A 5-hop redirect chain (302s) setting a fresh cookie on every hop; the final endpoint
 * echoes how many of the five hop cookies it received. `ops` counts chains.
 */
export const redirects = {
  id: 'redirects',
  title: '5-hop redirect chain, cookie per hop',
  cookies: true,
  async run(client, base, size) {
    let lost = 0
    for (let i = 0; i < size; i++) {
      const body = await client.get(`${base}/hop/5?r=n${++nonce}`)
      lost += 5 - body.hops
    }
    return { ops: size, lost, expected: 5 * size }
  },
}

/** Sequential GETs that the server answers with `Connection: close`: a new connection each. */
export const newConnection = {
  id: 'new-connection',
  title: 'new connection per request',
  cookies: false,
  async run(client, base, size) {
    const url = `${base}/json?close=1`
    for (let i = 0; i < size; i++) await client.get(url)
    return { ops: size, lost: 0, expected: 0 }
  },
}

export const workloads = [sequential, concurrent, cookies, redirects, newConnection]
