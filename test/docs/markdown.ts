// Reads the user documentation as the docs tests see it: which Markdown files there are, the
// fenced code blocks in them (with the HTML-comment marker written just before a block), and
// the links and file paths they refer to.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { repoRoot } from '../runtimes/harness.ts'

/** Every Markdown file a user reads: the README, docs/, examples/, bench/, CONTRIBUTING. */
export function docFiles(): string[] {
  const files = ['README.md', 'CHANGELOG.md', 'CONTRIBUTING.md', 'bench/README.md'].filter((f) =>
    existsSync(join(repoRoot, f)),
  )
  for (const dir of ['docs', 'examples']) files.push(...markdownBelow(dir))
  return files
}

function markdownBelow(dir: string): string[] {
  const abs = join(repoRoot, dir)
  if (!existsSync(abs)) return []
  const out: string[] = []
  for (const entry of readdirSync(abs)) {
    if (entry === 'node_modules') continue
    const path = join(abs, entry)
    if (statSync(path).isDirectory()) out.push(...markdownBelow(relative(repoRoot, path)))
    else if (entry.endsWith('.md')) out.push(relative(repoRoot, path))
  }
  return out.sort()
}

export interface CodeBlock {
  /** Repository-relative path of the Markdown file. */
  file: string
  /** 1-based line of the opening fence. */
  line: number
  lang: string
  code: string
  /**
   * The marker in an HTML comment on the line before the fence:
   * `<!-- not-run: reason -->` (checked for syntax or types only) or
   * `<!-- run: node24 -->` (runs on Node 24 instead of Node 20: `await using`).
   */
  marker: { kind: 'not-run'; reason: string } | { kind: 'node24' } | undefined
}

const markerPattern = /^<!--\s*(not-run:\s*(.+?)|run:\s*node24)\s*-->$/

/** The fenced blocks of one file, in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n')
  const blocks: CodeBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)/.exec(lines[i]!)
    if (open === null) continue
    const indent = open[1]!.length
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++)
      body.push(lines[j]!.slice(indent))
    let previous = i - 1
    while (previous >= 0 && lines[previous]!.trim() === '') previous--
    const m = previous >= 0 ? markerPattern.exec(lines[previous]!.trim()) : null
    blocks.push({
      file,
      line: i + 1,
      lang: open[2]!,
      code: body.join('\n') + '\n',
      marker:
        m === null
          ? undefined
          : m[2] !== undefined
            ? { kind: 'not-run', reason: m[2] }
            : { kind: 'node24' },
    })
    i = j
  }
  return blocks
}

/** The lines of a Markdown file outside fenced code blocks, with their 1-based numbers. */
function proseLines(file: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = []
  let fenced = false
  readFileSync(join(repoRoot, file), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (/^\s*```/.test(text)) fenced = !fenced
      else if (!fenced) out.push({ line: index + 1, text })
    })
  return out
}

/** Markdown link targets (`[x](target)` and `[x]: target`), with their 1-based lines. */
export function linkTargets(file: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = []
  for (const { line, text } of proseLines(file)) {
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      out.push({ line, target: m[1]! })
    }
    const ref = /^\s*\[[^\]]+\]:\s+(\S+)/.exec(text)
    if (ref !== null) out.push({ line, target: ref[1]! })
  }
  return out
}

/**
 * Repository paths written in inline code outside code blocks (`` `test/docs/x.ts` ``),
 * the ones a reader would go and open.
 */
export function referencedPaths(file: string): { line: number; path: string }[] {
  const out: { line: number; path: string }[] = []
  for (const { line, text } of proseLines(file)) {
    for (const m of text.matchAll(
      /`((?:src|platform|test|scripts|bench|examples|docs)\/[\w./-]+)`/g,
    )) {
      out.push({ line, path: m[1]! })
    }
  }
  return out
}

/** GitHub's anchor for a heading: lower case, punctuation but `_` and `-` dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The anchors of a Markdown file's headings (duplicates get `-1`, `-2` as on GitHub). */
export function anchors(file: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  let fenced = false
  for (const text of readFileSync(join(repoRoot, file), 'utf8').split('\n')) {
    if (/^\s*```/.test(text)) fenced = !fenced
    if (fenced) continue
    const h = /^#{1,6}\s+(.*)$/.exec(text)
    if (h === null) continue
    const base = anchorOf(h[1]!)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}
