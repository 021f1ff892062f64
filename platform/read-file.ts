/**
 * `Platform.readFile` for Node and Bun (`node:fs`): the text of a file, or `undefined` when
 * it is missing or unreadable. Used by `trustEnv` for `.netrc` and the CA bundle.
 * @module
 */
import { readFileSync } from 'node:fs'

/** The file's UTF-8 text, or `undefined` when it cannot be read. */
export function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
