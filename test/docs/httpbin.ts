// A real httpbin on loopback: Debian's python3-httpbin, started the way the README tells
// readers to start it (`python3 -m httpbin.core --port 8080`), on a free port, by the python3
// that `python()` in test/helpers/tools.ts finds (`PYTHON`, else one with httpbin and requests).
import { spawn, type ChildProcess } from 'node:child_process'
import { python } from '../helpers/tools.ts'
import { childEnv } from '../runtimes/harness.ts'
import { freePort } from '../runtimes/smoke-server.ts'

export { python }

export interface Httpbin {
  /** `http://127.0.0.1:PORT` */
  origin: string
  close(): Promise<void>
}

export async function startHttpbin(): Promise<Httpbin> {
  const port = await freePort()
  const child: ChildProcess = spawn(python(), ['-m', 'httpbin.core', '--port', String(port)], {
    env: childEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c))
  const origin = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`httpbin exited:\n${output}`)
    try {
      const response = await fetch(`${origin}/get`)
      await response.arrayBuffer()
      if (response.ok) break
    } catch (error) {
      if (attempt > 300) throw new Error(`httpbin did not start:\n${output}`, { cause: error })
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill()
      }),
  }
}
