/**
 * Hook lists. Session hooks run first, then request hooks (requests' `merge_hooks`:
 * request hooks never replace the session's). Each hook receives one context object.
 * @module
 */
import type { Hooks } from './types.ts'
import { invalid } from './util/validate.ts'

/** The hook names, in the order they fire. */
export const hookNames: readonly (keyof Hooks)[] = [
  'beforeRequest',
  'beforeRedirect',
  'beforeRetry',
  'response',
  'error',
]

function checkList(value: unknown, field: string): ((ctx: never) => unknown)[] {
  if (value === undefined || value === null) return []
  const list: unknown[] = typeof value === 'function' ? [value] : (value as unknown[])
  if (!Array.isArray(list)) {
    throw invalid(field, 'an array of functions', value)
  }
  list.forEach((fn, i) => {
    if (typeof fn !== 'function') throw invalid(`${field}[${i}]`, 'a function', fn)
  })
  return list as ((ctx: never) => unknown)[]
}

/** Validates hook input; unknown hook names are a `TypeError`. Returns fresh arrays. */
export function resolveHooks(init: unknown, field: string): Hooks {
  const hooks: Hooks = {
    beforeRequest: [],
    beforeRedirect: [],
    response: [],
    error: [],
    beforeRetry: [],
  }
  if (init === undefined || init === null) return hooks
  if (typeof init !== 'object') {
    throw invalid(field, 'an object of hook arrays', init)
  }
  for (const [name, value] of Object.entries(init)) {
    if (!hookNames.includes(name as keyof Hooks)) {
      throw invalid(`${field}.${name}`, `a known hook (${hookNames.join(', ')})`, value)
    }
    ;(hooks as unknown as Record<string, unknown[]>)[name] = [
      ...checkList(value, `${field}.${name}`),
    ]
  }
  return hooks
}

/** Session hooks followed by request hooks. */
export function mergeHooks(session: Hooks, request: Partial<Hooks> | undefined): Hooks {
  if (!request) return session
  const extra = resolveHooks(request, 'init.hooks')
  const merged = {} as Record<keyof Hooks, unknown[]>
  for (const name of hookNames) {
    const own = checkList(session[name], `session.hooks.${name}`)
    merged[name] = extra[name].length ? [...own, ...extra[name]] : own
  }
  return merged as unknown as Hooks
}
