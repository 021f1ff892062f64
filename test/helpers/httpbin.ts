/**
 * httpbin (Kenneth Reitz's, a server nobody here wrote; Debian's python3-httpbin), started on a
 * free loopback port for one test file, by the python3 that `python()` in ./tools.ts finds
 * (`PYTHON`, else the first one that can import httpbin and requests).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { python } from './tools.ts'

export interface Httpbin {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  close(): Promise<void>
}

/** Starts httpbin on port 0 and waits for the port it reports. */
export async function startHttpbin(): Promise<Httpbin> {
  const child: ChildProcess = spawn(
    python(),
    ['-W', 'ignore', '-m', 'httpbin.core', '--host', '127.0.0.1', '--port', '0'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const origin = await new Promise<string>((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => {
      reject(new Error(`httpbin did not start: ${seen}`))
    }, 20_000)
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (text: string) => {
      seen += text
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`httpbin exited with ${String(code)}: ${seen}`))
    })
  })
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve()
          return
        }
        child.once('exit', () => {
          resolve()
        })
        child.kill()
      }),
  }
}
