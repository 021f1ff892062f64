// A Cloudflare Worker that runs the smoke suite when fetched with
// ?base=<loopback server>&expected=<platform>&closed=<closed URL>. Bundled by esbuild with
// the `workerd` export condition (test/runtimes/workerd.ts).
import * as lib from 'fetch-session'
import { smoke } from './smoke.mjs'

export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams
    const results = await smoke(lib, {
      base: q.get('base'),
      expected: q.get('expected'),
      closedURL: q.get('closed'),
    })
    return Response.json(results)
  },
}
