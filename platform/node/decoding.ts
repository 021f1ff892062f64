/**
 * Content-coding decoders for the Node transport, as undici's fetch decodes (RFC 9110 §8.4.1):
 * streaming decoders for a body handed to a `Response`, and the same codings decoded at once
 * for the body shortcut.
 * @module
 */
import { Transform, type TransformCallback } from 'node:stream'
import zlib from 'node:zlib'

// undici lib/web/fetch/index.js: more codings than this are refused (as urllib3 and cURL do).
const maxContentEncodings = 5

/**
 * `deflate` as servers send it: zlib-wrapped (RFC 1950) or, wrongly but commonly, raw
 * (RFC 1951); the first byte tells them apart (undici's `InflateStream`).
 */
class Inflate extends Transform {
  #inner: zlib.Inflate | zlib.InflateRaw | undefined

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.#inner) {
      if (chunk.length === 0) {
        callback()
        return
      }
      const opts = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
      const inner =
        ((chunk[0] ?? 0) & 0x0f) === 0x08 ? zlib.createInflate(opts) : zlib.createInflateRaw(opts)
      inner.on('data', (data: Buffer) => this.push(data))
      inner.on('end', () => this.push(null))
      inner.on('error', (error) => this.destroy(error))
      this.#inner = inner
    }
    this.#inner.write(chunk, callback)
  }

  override _final(callback: TransformCallback): void {
    if (this.#inner) this.#inner.end()
    else this.push(null)
    callback()
  }
}

/**
 * The codings of a `Content-Encoding` value, as listed.
 * @throws {Error} for more than {@link maxContentEncodings} (checked when the headers arrive).
 */
export function codingsOf(contentEncoding: string): string[] {
  const codings = contentEncoding.toLowerCase().split(',')
  if (codings.length > maxContentEncodings) {
    throw new Error(
      `too many content-encodings in response: ${codings.length}, maximum allowed is ${maxContentEncodings}`,
    )
  }
  return codings
}

/**
 * zlib decoders for the codings, last coding first (RFC 9110 §8.4.1), or none when a coding
 * is unknown (fetch then hands the body over as received).
 */
export function decodersFor(codings: string[]): Transform[] {
  // undici: Z_SYNC_FLUSH tolerates slightly truncated streams, as browsers and cURL do.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
  const decoders: Transform[] = []
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = (codings[i] ?? '').trim()
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip(flush))
    else if (coding === 'deflate') decoders.push(new Inflate())
    else if (coding === 'br') {
      decoders.push(
        zlib.createBrotliDecompress({
          flush: zlib.constants.BROTLI_OPERATION_FLUSH,
          finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
        }),
      )
    } else return []
  }
  return decoders
}

/**
 * A whole body decoded at once (the body shortcut), with the same codings, flush modes and
 * failures as {@link decodersFor}: an unknown coding hands the body over as received.
 */
export function decodeWhole(codings: string[], body: Buffer): Uint8Array {
  if (codings.length === 0 || body.length === 0) return body
  if (decodersFor(codings).length === 0) return body
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }
  let out = body
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = (codings[i] ?? '').trim()
    if (out.length === 0) break
    if (coding === 'gzip' || coding === 'x-gzip') out = zlib.gunzipSync(out, flush)
    else if (coding === 'deflate')
      out =
        ((out[0] ?? 0) & 0x0f) === 0x08
          ? zlib.inflateSync(out, flush)
          : zlib.inflateRawSync(out, flush)
    else {
      out = zlib.brotliDecompressSync(out, {
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      })
    }
  }
  return out
}
