/**
 * A password prompt without echo on a terminal (`--auth USER` alone), through `node:tty`
 * raw mode, which Node, Bun and Deno all provide.
 * @module
 */
import process from 'node:process'
import type { ReadStream } from 'node:tty'

/** Asks on stderr, reads one line from the terminal on stdin without echoing it. */
export function promptPassword(question: string): Promise<string> {
  const input = process.stdin as ReadStream
  process.stderr.write(question)
  input.setRawMode(true)
  input.resume()
  return new Promise((resolve, reject) => {
    let password = ''
    const finish = (): void => {
      input.setRawMode(false)
      input.pause()
      input.off('data', onData)
      process.stderr.write('\n')
    }
    const onData = (data: Buffer | string): void => {
      for (const c of typeof data === 'string' ? data : data.toString('utf8')) {
        if (c === '\r' || c === '\n' || c === '\x04') {
          finish()
          resolve(password)
          return
        }
        if (c === '\x03') {
          finish()
          reject(new Error('interrupted'))
          return
        }
        if (c === '\x7f' || c === '\b') password = password.slice(0, -1)
        else password += c
      }
    }
    input.on('data', onData)
  })
}
