/**
 * Debian's python3-httpbin (Kenneth Reitz's httpbin, a server nobody here wrote), started on a
 * free loopback port for one test file. Needs `/usr/bin/python3` with the `httpbin` module
 * (`apt-get install python3-httpbin python3-requests`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'

/** The system Python that has httpbin and requests (not a pyenv `python3` on PATH). */
export const systemPython = '/usr/bin/python3'

export interface Httpbin {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  close(): Promise<void>
}

/** Starts httpbin on port 0 and waits for the port it reports. */
export async function startHttpbin(): Promise<Httpbin> {
  const check = spawnSync(systemPython, ['-c', 'import httpbin, requests'], { encoding: 'utf8' })
  if (check.status !== 0) {
    throw new Error(
      `python3-httpbin and python3-requests are needed for this test (${systemPython}): ${check.stderr}`,
    )
  }
  const child: ChildProcess = spawn(
    systemPython,
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
