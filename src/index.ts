/**
 * The public surface of fetch-session. Every platform entry re-exports exactly this list
 * (plus its own `Session` subclass bound to the platform); no logic lives here.
 * @module
 */
export { Session } from './session.ts'
export { CookieJar } from './cookies/index.ts'
export { digestAuth } from './auth/digest.ts'
export type {
  Cookie,
  CookieAccessOptions,
  CookieAttributes,
  CookieFilter,
  CookieJarOptions,
  CookieJarState,
  CookieState,
  SameSite,
} from './cookies/index.ts'
export {
  SessionError,
  HTTPError,
  TimeoutError,
  ConnectionError,
  ResponseTooLargeError,
  TooManyRedirectsError,
  RedirectError,
  InvalidURLError,
  NoAdapterError,
  ClosedSessionError,
  CABundleError,
  CookieConflictError,
  SessionStateError,
  StateConflictError,
} from './errors.ts'
export type { TimeoutLimit, SessionErrorOptions } from './errors.ts'
export type * from './types.ts'
export { MemoryStore, WebStorageStore } from './state/store.ts'
export type { StateStore, SaveOptions, StorageLike } from './state/store.ts'
export type {
  SessionState,
  SessionExtras,
  ToJSONOptions,
  AuthState,
  TimeoutState,
  RetryState,
  TlsState,
} from './state/schema.ts'
export type { AutosaveOptions } from './state/autosave.ts'
export type {
  Adapter,
  AdapterContext,
  AdapterOptions,
  Capabilities,
  CookieJarClass,
  Platform,
  TlsOptions,
} from './platform.ts'
