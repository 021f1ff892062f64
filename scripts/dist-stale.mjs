// Shared by `npm run demo` and `npm run bench`, which run the built package: whether dist/
// needs `npm run build` first.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Newest modification time (ms) of the files under `dir`; 0 when it does not exist. */
function newest(dir) {
  let t = 0
  if (!existsSync(dir)) return t
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

/** Whether `root`/dist/node.mjs is missing or older than a file under src/ or platform/. */
export function distIsStale(root) {
  const entry = join(root, 'dist/node.mjs')
  if (!existsSync(entry)) return true
  const sources = Math.max(...['src', 'platform', 'cli'].map((d) => newest(join(root, d))))
  return statSync(entry).mtimeMs < sources
}
