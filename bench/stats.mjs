// Small statistics and formatting helpers for the benchmark report.

/** The median of a non-empty list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** `1.23×`, or `–` when there is no figure. */
export function formatRatio(value) {
  return value == null || !Number.isFinite(value) ? '–' : `${value.toFixed(2)}×`
}

/** Renders rows of cells as an aligned plain-text table (first row is the header). */
export function textTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)))
  const line = (r) =>
    r
      .map((cell, c) => String(cell).padEnd(widths[c]))
      .join('  ')
      .trimEnd()
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n')
}

/** Renders rows of cells as a Markdown table (first row is the header). */
export function markdownTable(rows) {
  const line = (r) => `| ${r.join(' | ')} |`
  return [
    line(rows[0]),
    line(rows[0].map((_, i) => (i === 0 ? '---' : '---:'))),
    ...rows.slice(1).map(line),
  ].join('\n')
}
