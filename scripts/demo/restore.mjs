// The demo's second process: restores the saved session from the file store, asks the
// server who it is, and exports the jar as a Netscape cookies.txt for curl.
// Usage: node scripts/demo/restore.mjs <directory> <key> <cookies.txt>
import { writeFileSync } from 'node:fs'
import { Session } from 'fetch-session'
import { FileStore } from 'fetch-session/file-store'

const [dir, key, netscape] = process.argv.slice(2)
if (!dir || !key || !netscape) {
  console.error('usage: node scripts/demo/restore.mjs <directory> <key> <cookies.txt>')
  process.exit(2)
}
const s = await Session.load(new FileStore(dir), key)
const text = await s.get('/whoami').text()
writeFileSync(netscape, s.cookies.toNetscape(), { mode: 0o600 })
s.close()
console.log(`process ${process.pid} restored ${s.baseURL}: ${text}`)
console.log(`wrote ${netscape} with jar.toNetscape()`)
