/**
 * Request items → the method, headers, query and body of one request (HTTPie's rules):
 * data items make a JSON object, or a form with `--form` (multipart when a file is attached).
 * @module
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { UsageError, type Item } from './args.ts'

/** What the items add to the request. */
export interface BuiltRequest {
  method: string
  headers: Record<string, string | null>
  params: [string, string][]
  json: Record<string, unknown> | undefined
  form: [string, string][] | undefined
  multipart: FormData | undefined
}

const dataKinds = new Set<Item['kind']>(['data', 'json', 'file', 'data-file', 'json-file'])

async function readText(path: string, item: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(`${item}: cannot read ${path}: ${(error as Error).message}`)
  }
}

function parseJSON(text: string, item: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new UsageError(`${item}: not valid JSON: ${(error as Error).message}`)
  }
}

/**
 * A header item added to those before it (HTTPie keeps every value of a repeated header):
 * `X-A:1 X-A:2` is `x-a: 1, 2`, the one-line form of two lines (RFC 9110 §5.3; fetch joins
 * them so). A removal (`null`) replaces the earlier values; a value after a removal replaces it.
 */
function addHeader(
  headers: Record<string, string | null>,
  name: string,
  value: string | null,
): void {
  const lower = name.toLowerCase()
  const existing = Object.keys(headers).find((h) => h.toLowerCase() === lower)
  const before = existing === undefined ? null : headers[existing]
  if (existing !== undefined) delete headers[existing]
  headers[existing ?? name] =
    value === null || before === null || before === undefined ? value : `${before}, ${value}`
}

/** Builds the request parts from the items, reading the files they name. */
export async function buildRequest(
  method: string | undefined,
  items: Item[],
  form: boolean,
): Promise<BuiltRequest> {
  const headers: Record<string, string | null> = {}
  const params: [string, string][] = []
  const fields: [string, unknown][] = []
  const files: Item[] = []
  for (const item of items) {
    const label = item.key || item.value
    switch (item.kind) {
      case 'header':
        // HTTPie: `Header:` with no value removes a default header.
        addHeader(headers, item.key, item.value === '' ? null : item.value)
        break
      case 'empty-header':
        addHeader(headers, item.key, '')
        break
      case 'query':
        params.push([item.key, item.value])
        break
      case 'data':
        fields.push([item.key, item.value])
        break
      case 'json':
        fields.push([item.key, parseJSON(item.value, label)])
        break
      case 'data-file':
        fields.push([item.key, await readText(item.value, label)])
        break
      case 'json-file':
        fields.push([item.key, parseJSON(await readText(item.value, label), label)])
        break
      case 'file':
        if (!form) {
          throw new UsageError(`${item.key}@${item.value}: file fields need --form (-f)`)
        }
        files.push(item)
        break
    }
  }
  const hasBody = items.some((i) => dataKinds.has(i.kind))
  const built: BuiltRequest = {
    method: method ?? (hasBody ? 'POST' : 'GET'),
    headers,
    params,
    json: undefined,
    form: undefined,
    multipart: undefined,
  }
  if (!hasBody) return built
  if (!form) {
    built.json = Object.fromEntries(fields)
    return built
  }
  const strings = fields.map(([k, v]): [string, string] => [
    k,
    typeof v === 'string' ? v : JSON.stringify(v),
  ])
  if (files.length === 0) {
    built.form = strings
    return built
  }
  const data = new FormData()
  for (const [k, v] of strings) data.append(k, v)
  for (const file of files) {
    // HTTPie: `field@path;type=mime/type` sets the part's Content-Type.
    const typed = /^(.*);type=([^;]+)$/.exec(file.value)
    const path = typed ? (typed[1] as string) : file.value
    let bytes: Uint8Array<ArrayBuffer>
    try {
      bytes = new Uint8Array(await readFile(path))
    } catch (error) {
      throw new UsageError(`${file.key}@${path}: cannot read: ${(error as Error).message}`)
    }
    const blob = new Blob([bytes], { type: typed?.[2] ?? 'application/octet-stream' })
    data.append(file.key, blob, basename(path))
  }
  built.multipart = data
  return built
}
