/**
 * `--download`: the body streamed to a file, exact bytes, with a progress bar on a terminal.
 * @module
 */
import { existsSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename } from 'node:path'

/** The file name a download gets: `Content-Disposition`, else the URL's last segment (HTTPie). */
export function downloadName(response: Response): string {
  const disposition = response.headers.get('content-disposition') ?? ''
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition)
  const quoted =
    /filename\s*=\s*"([^"]*)"/.exec(disposition) ?? /filename\s*=\s*([^;]+)/.exec(disposition)
  let name = ''
  try {
    name = star ? decodeURIComponent(star[1] as string) : (quoted?.[1] ?? '').trim()
  } catch {
    name = ''
  }
  if (!name) name = decodeURIComponent(new URL(response.url).pathname.split('/').pop() ?? '')
  // Never a path: the server names a file in the current directory only.
  name = basename(name.replace(/\\/g, '/')).replace(/^\.+/, '')
  return name || 'index'
}

/** `name`, or `name-1`, `name-2`… when it exists (HTTPie never overwrites a guessed name). */
export function freeName(name: string): string {
  if (!existsSync(name)) return name
  for (let i = 1; ; i++) if (!existsSync(`${name}-${i}`)) return `${name}-${i}`
}

function size(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB']
  let n = bytes
  let u = 0
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000
    u++
  }
  return `${u === 0 ? n : n.toFixed(1)} ${units[u]}`
}

/** Streams the body into `file`; draws progress on `progress` (a terminal) when given. */
export async function download(
  response: Response,
  file: string,
  progress: { write(s: string): unknown; columns?: number } | undefined,
): Promise<number> {
  const total = Number(response.headers.get('content-length') ?? NaN)
  const handle = await open(file, 'w', 0o644)
  let done = 0
  let drawn = 0
  const draw = (final: boolean): void => {
    if (!progress) return
    const now = Date.now()
    if (!final && now - drawn < 100) return
    drawn = now
    const width = 30
    let line: string
    if (Number.isFinite(total) && total > 0) {
      const ratio = Math.min(1, done / total)
      const filled = Math.round(ratio * width)
      line = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${size(done)} / ${size(total)}`
    } else {
      line = size(done)
    }
    progress.write(`\r${line}\x1b[K${final ? '\n' : ''}`)
  }
  try {
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await handle.write(chunk)
        done += chunk.byteLength
        draw(false)
      }
    }
    draw(true)
  } finally {
    await handle.close()
  }
  return done
}
