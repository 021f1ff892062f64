// What the runtime suites share: the named-check recorder (each check runs, and its outcome,
// or the error that failed it, is recorded for the test runner to read), and a session helper.

/** `check(name, fn)` records fn's outcome in `results`; `equal` compares by JSON. */
export function createChecks() {
  const results = []
  const check = async (name, fn) => {
    try {
      const detail = await fn()
      results.push(detail === undefined ? { name, ok: true } : { name, ok: true, detail })
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      results.push({ name, ok: false, detail })
    }
  }
  const equal = (actual, wanted, what) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
      throw new Error(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`)
    }
  }
  return { results, check, equal }
}

/** `using(options, fn)` runs `fn` with a `new Session(options)` and closes the session after. */
export function sessionUser(Session) {
  return async (options, fn) => {
    const s = new Session(options)
    try {
      return await fn(s)
    } finally {
      await s.close()
    }
  }
}
