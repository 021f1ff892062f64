/**
 * Schema migrations: every saved version stays readable. A document of an older version is
 * brought up to `sessionStateVersion` one step at a time before it is validated.
 * @module
 */
import { SessionStateError } from '../errors.ts'
import { fail, sessionStateVersion } from './schema.ts'

/** A step from schema version `n` to `n + 1`. */
export type StateMigration = (state: Record<string, unknown>) => Record<string, unknown>

/**
 * Migrations keyed by the version they read. Empty while 1 is the only version; when version 2
 * exists, `stateMigrations.set(1, v1ToV2)` keeps every saved v1 document readable.
 */
export const stateMigrations: ReadonlyMap<number, StateMigration> = new Map()

/**
 * Runs the migrations from `doc.version` up to `current`.
 * @throws {SessionStateError} at `version` for a missing, newer or unknown version.
 */
export function migrateState(
  doc: Record<string, unknown>,
  migrations: ReadonlyMap<number, StateMigration> = stateMigrations,
  current: number = sessionStateVersion,
): Record<string, unknown> {
  let version = doc.version
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    fail('version', 'integer', version)
  }
  if (version > current) {
    throw new SessionStateError(
      'version',
      `state version ${version} is newer than this fetch-session reads (${current}); upgrade fetch-session`,
    )
  }
  let out = doc
  while (version < current) {
    const step = migrations.get(version)
    if (!step) throw new SessionStateError('version', `unknown state version ${version}`)
    out = step(out)
    version += 1
    if (out.version !== version) {
      throw new SessionStateError(
        'version',
        `migration to ${version} produced ${String(out.version)}`,
      )
    }
  }
  return out
}
