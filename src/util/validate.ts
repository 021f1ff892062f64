/**
 * Describing a received value for `TypeError` messages that name the field and the type,
 * so a wrong argument never surfaces as a crash deep inside (the seed's `'list' object is
 * not callable`).
 * @module
 */

/** A short description of a value's type: `number`, `array of length 3`, `object without "type"`… */
export function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `array of length ${value.length}`
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name
    return ctor && ctor !== 'Object' ? `${ctor} object` : 'object'
  }
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  return typeof value
}

/** A `TypeError` or `RangeError` for bad input; `field` is the path of the value at fault. */
export type FieldError = (TypeError | RangeError) & { readonly field: string }

/**
 * The one way to reject bad input: `field: expected X, got Y`, with the field's path on the
 * error as `field`, so nothing ever parses a message to find it. A `RangeError` shows the
 * value itself (`got -1`), a `TypeError` its type (`got array of length 3`, or a short string
 * quoted). A `hint` is appended in parentheses (`(use json, form or body)`). `secret` keeps a
 * string's content (a token, a cookie value) out of the message: only its length is shown;
 * `got` replaces the description when a better one is known.
 */
export function invalid(
  field: string,
  expected: string,
  value: unknown,
  options: { range?: boolean; hint?: string; cause?: unknown; secret?: boolean; got?: string } = {},
): FieldError {
  const got =
    options.got ??
    (options.range && (typeof value === 'number' || typeof value === 'bigint')
      ? String(value)
      : options.secret && typeof value === 'string'
        ? `a string of ${value.length} character${value.length === 1 ? '' : 's'}`
        : describeType(value))
  const hint = options.hint === undefined ? '' : ` (${options.hint})`
  const message = `${field}: expected ${expected}, got ${got}${hint}`
  const init = options.cause === undefined ? undefined : { cause: options.cause }
  const error = options.range ? new RangeError(message, init) : new TypeError(message, init)
  Object.defineProperty(error, 'field', { value: field, enumerable: true })
  return error as FieldError
}

/** The `field` path of an error made by {@link invalid}, if it is one. */
export function fieldOf(error: unknown): string | undefined {
  const field = (error as { field?: unknown } | null)?.field
  return typeof field === 'string' ? field : undefined
}

/** Validates a non-negative finite number (ms, counts). */
export function checkNonNegative(value: unknown, field: string, integer = false): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw invalid(field, 'a number', value)
  // Integers stay safe (at most 2^53 - 1): saved state holds them exactly.
  if (value < 0 || !Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
    throw invalid(field, `a non-negative ${integer ? 'integer' : 'finite number'}`, value, {
      range: true,
    })
  }
  return value
}

/**
 * The longest timer a runtime can arm: `setTimeout` holds a signed 32-bit delay, and a longer
 * one fires at once (Node warns `TimeoutOverflowWarning`, browsers do the same silently).
 */
export const maxTimeout: number = 2 ** 31 - 1

/** Validates a timeout in ms: a number from 0 to {@link maxTimeout} (about 24.8 days). */
export function checkTimeout(value: unknown, field: string): number {
  const ms = checkNonNegative(value, field)
  if (ms > maxTimeout) {
    throw invalid(field, `at most ${maxTimeout} ms (about 24.8 days)`, ms, {
      range: true,
      hint: 'use 0 or leave it out for no limit',
    })
  }
  return ms
}

/**
 * The path (`.a[0].b`, relative to `value`) of the first object or array nested deeper than
 * `limit` levels, or `undefined`. Iterative, so junk nested a million levels deep is named
 * instead of overflowing the stack in whatever walks it next (`JSON.stringify`, a reader).
 * Each object is visited once, so a cycle is not reported (`JSON.stringify` names those).
 */
export function tooDeep(value: unknown, limit: number): string | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]]
  // Each object once: shared or cyclic references would otherwise multiply the walk.
  const seen = new Set<object>()
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [v, path, depth] = item
    if (typeof v !== 'object' || v === null || seen.has(v)) continue
    if (depth >= limit) return path
    seen.add(v)
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1])
    } else {
      const keys = Object.keys(v)
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string
        const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
        stack.push([(v as Record<string, unknown>)[key], path + step, depth + 1])
      }
    }
  }
  return undefined
}

/**
 * A setting the platform cannot honour (`options.proxy: the browser platform cannot use a
 * proxy`): a `TypeError` with the field's path on it, like {@link invalid}'s.
 */
export function unsupported(field: string, why: string): FieldError {
  const error = new TypeError(`${field}: ${why}`)
  Object.defineProperty(error, 'field', { value: field, enumerable: true })
  return error as FieldError
}
