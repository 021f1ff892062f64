// `npm run demo`: the seed article's story, told with fetch-session against an embedded
// loopback server. Log in with a session, watch the cookie persist, see a fresh session be a
// guest, save the session to a file, restore it in a separate Node process that is still
// logged in, hand the same cookies to curl as a Netscape cookies.txt, and continue the saved
// session from the command line (`fetch-session --session FILE`).
//
// Runs on a fresh clone after `npm install`: it builds dist/ first when it is missing or stale.
// Options: --keep  keep the temporary directory with the saved files.
// DEMO_BUILD=if-missing builds only when dist/ is absent (the test suite sets it so that a
// rebuild never swaps dist/ under tests running in parallel).
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startDemoServer } from './demo/server.mjs'
import { distIsStale } from './dist-stale.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const keep = process.argv.includes('--keep')

function ensureBuilt() {
  const built = existsSync(join(root, 'dist/node.mjs')) && existsSync(join(root, 'dist/cli.mjs'))
  if (built && process.env.DEMO_BUILD === 'if-missing') return
  if (!distIsStale(root)) return
  console.log('Building fetch-session first (dist/ is missing or older than the sources)…\n')
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error('The build failed; see the output above.')
    process.exit(1)
  }
}

const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[22m` : s)
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s)
let step = 0
const heading = (title) => console.log(`\n${bold(`${++step}. ${title}`)}`)
const code = (text) => {
  for (const line of text.split('\n')) console.log(`   ${dim(line)}`)
}
const result = (text) => console.log(`   → ${text}`)

/** The cookie's value shortened for display. */
const short = (value) => (value && value.length > 10 ? `${value.slice(0, 8)}…` : String(value))

/** Runs a program without blocking the embedded server; resolves with its stdout. */
async function run(file, args) {
  const running = promisify(execFile)(file, args, { cwd: root, timeout: 30_000 })
  // Nothing to pipe in: closed, so the command line does not wait for a body on stdin.
  running.child.stdin?.end()
  const { stdout } = await running
  return stdout
}

/** Where curl lives on PATH, or null. */
function findCurl() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'curl'))) return join(dir, 'curl')
  }
  return null
}

async function main() {
  ensureBuilt()
  // The package imports itself by name (Node resolves a package's own "exports").
  const { Session } = await import('fetch-session')
  const { FileStore } = await import('fetch-session/file-store')

  const server = await startDemoServer()
  const dir = await mkdtemp(join(tmpdir(), 'fetch-session-demo-'))
  const baseURL = server.url
  console.log(bold('fetch-session demo: the seed article’s story, in JavaScript'))
  console.log(`Embedded server at ${baseURL}`)
  console.log(
    '  POST /login  needs Basic auth user:pass, starts a cookie session for the posted name',
  )
  console.log('  GET  /whoami "You are <name>" with that cookie, "You are a guest" without')

  try {
    heading('Log in with a session')
    code(
      [
        `const s = new Session({ baseURL, auth: ['user', 'pass'] })`,
        `await s.post('/login', { form: { name: 'sharat' } })`,
      ].join('\n'),
    )
    const s = new Session({ baseURL, auth: ['user', 'pass'] })
    const denied = await s.post('/login', { form: { name: 'sharat' }, auth: null })
    const login = await s.post('/login', { form: { name: 'sharat' } })
    result(
      `${login.status} ${await login.text()} (without auth: ${denied.status} ${await denied.text()})`,
    )
    result(`the jar now holds session=${short(s.cookies.get('session'))}`)

    heading('The cookie persists across requests')
    code(`await s.get('/whoami').text()`)
    result(await s.get('/whoami').text())

    heading('A fresh session is a guest')
    code(`await new Session({ baseURL, auth: ['user', 'pass'] }).get('/whoami').text()`)
    {
      const fresh = new Session({ baseURL, auth: ['user', 'pass'] })
      result(await fresh.get('/whoami').text())
      fresh.close()
    }

    heading('Save the session to a file')
    code(`await s.save(new FileStore(dir), 'sharat')`)
    await s.save(new FileStore(dir), 'sharat')
    const file = join(dir, 'sharat.json')
    const saved = JSON.parse(readFileSync(file, 'utf8'))
    result(
      `${file} (state version ${saved.version}, ${saved.cookies?.cookies?.length ?? '?'} cookie)`,
    )
    s.close()

    heading('A separate Node process restores it and is still logged in')
    code(
      [
        `// scripts/demo/restore.mjs, run as: node scripts/demo/restore.mjs <dir> sharat`,
        `const s = await Session.load(new FileStore(dir), 'sharat')`,
        `await s.get('/whoami').text()`,
        `writeFileSync('cookies.txt', s.cookies.toNetscape())`,
      ].join('\n'),
    )
    const netscape = join(dir, 'cookies.txt')
    // Asynchronously: this process serves the requests the child makes.
    const child = await run(process.execPath, [
      join(root, 'scripts/demo/restore.mjs'),
      dir,
      'sharat',
      netscape,
    ])
    for (const line of child.trim().split('\n')) result(line)

    heading('curl reads the same cookies (Netscape cookies.txt)')
    const curl = findCurl()
    if (!curl) {
      result('skipped: curl is not installed')
    } else {
      code(`curl -s -b ${netscape} ${baseURL}/whoami`)
      result((await run(curl, ['-s', '-b', netscape, `${baseURL}/whoami`])).trim())
      code(`curl -s ${baseURL}/whoami   # without the cookie file`)
      result((await run(curl, ['-s', `${baseURL}/whoami`])).trim())
    }
    heading('The command line continues the same saved session')
    code(`npx fetch-session --session ${file} ${baseURL}/whoami`)
    const cli = await run(process.execPath, [
      join(root, 'dist/cli.mjs'),
      '--session',
      file,
      `${baseURL}/whoami`,
    ])
    result(cli.trim())
    console.log(`\nDone.${keep ? ` The files are in ${dir}` : ''}`)
  } finally {
    await server.close()
    if (!keep) await rm(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
