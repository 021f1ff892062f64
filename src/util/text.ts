/**
 * Linear-time string trimming for outside input (header values, URLs). A regular expression
 * such as `/[\t\n\r ]+$/` is tried at every start position and rescans each run of the
 * character class, so a long inner run makes it quadratic; these scans touch each character
 * at most once.
 * @module
 */

/** Fetch §2.2 HTTP whitespace: HTAB, LF, CR, SP. */
function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d
}

/**
 * Removes leading and trailing HTTP whitespace (Fetch §2.2 "normalize" a header value).
 * @example
 * trimHttpWhitespace(' \ta b\r\n') // 'a b'
 */
export function trimHttpWhitespace(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--
  return start === 0 && end === value.length ? value : value.slice(start, end)
}

/**
 * Removes every trailing `char` (one UTF-16 unit), as `value.replace(/c+$/, '')` would.
 * @example
 * trimTrailing('https://a.example/v1//', '/') // 'https://a.example/v1'
 */
export function trimTrailing(value: string, char: string): string {
  const code = char.charCodeAt(0)
  let end = value.length
  while (end > 0 && value.charCodeAt(end - 1) === code) end--
  return end === value.length ? value : value.slice(0, end)
}

/**
 * The quoted string that opens at `start` (a `"`) with its backslash escapes undone (RFC 9110
 * §5.6.4 quoted-string; Python's `netrc` reads quotes the same way), and the index just past
 * its closing quote. An unterminated string runs to the end. Linear time.
 * @example
 * readQuoted('realm="a\\"b", x', 6) // { value: 'a"b', end: 12 }
 */
export function readQuoted(text: string, start: number): { value: string; end: number } {
  const n = text.length
  let i = start + 1
  let value = ''
  while (i < n && text[i] !== '"') {
    if (text[i] === '\\') i++
    value += text.charAt(i)
    i++
  }
  return { value, end: i + 1 }
}
