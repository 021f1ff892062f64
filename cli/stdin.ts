/**
 * Piped stdin as the request body (HTTPie: `echo '{"a":1}' | fetch-session :3000/x`).
 * Read only when stdin is no terminal, `--ignore-stdin` is not given and no data item is.
 * @module
 */
import { fstatSync } from 'node:fs'
import process from 'node:process'
import { UsageError } from './args.ts'

/** HTTPie's wording: the two ways to give a body do not mix. */
export const mixedBodyMessage =
  'request body (from stdin) and request data (key=value) cannot be mixed; pass --ignore-stdin to send the items'

// HTTPie warns the same way when a script leaves stdin open and writes nothing to it.
const quietWarningMs = 10_000

/** Whether fd 0 is a regular file with bytes in it (`< body.json`): known without reading. */
function stdinIsNonEmptyFile(): boolean {
  try {
    const stat = fstatSync(0)
    return stat.isFile() && stat.size > 0
  } catch {
    return false
  }
}

/**
 * The bytes piped into stdin, or `undefined` when there are none to take: stdin is a terminal,
 * `ignore` is set, or it ends empty. With data items stdin is not read (a pipe left open by a
 * calling script would block), except that a non-empty file redirected in is a usage error.
 */
export async function readStdinBody(
  ignore: boolean,
  hasDataItems: boolean,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (ignore || process.stdin.isTTY) return undefined
  if (hasDataItems) {
    if (stdinIsNonEmptyFile()) throw new UsageError(mixedBodyMessage)
    return undefined
  }
  const timer = setTimeout(() => {
    process.stderr.write(
      `fetch-session: warning: nothing read from stdin in ${quietWarningMs / 1000}s; ` +
        'pass --ignore-stdin when stdin is not the request body\n',
    )
  }, quietWarningMs)
  timer.unref()
  const chunks: Buffer[] = []
  try {
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  } catch {
    // A closed or unreadable stdin (EBADF) has no body to give.
    return undefined
  } finally {
    clearTimeout(timer)
  }
  const bytes = Buffer.concat(chunks)
  return bytes.length === 0 ? undefined : new Uint8Array(bytes)
}
