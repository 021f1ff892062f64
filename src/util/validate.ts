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

/** Validates a non-negative finite number (ms, counts). */
export function checkNonNegative(value: unknown, field: string, integer = false): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${field}: expected a number, got ${describeType(value)}`)
  }
  if (value < 0 || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `${field}: expected a non-negative ${integer ? 'integer' : 'finite number'}, got ${value}`,
    )
  }
  return value
}
