/**
 * The one policy for a body nobody will read (a redirect followed, a response retried, a
 * refused redirect): read a small one to its end, cancel a large one.
 * @module
 */

/**
 * A body of at most this many bytes (by `Content-Length`) is read to its end so its
 * keep-alive connection can carry the next request; a larger one, or one of unknown length,
 * is cancelled, which closes the connection (a new one costs less than reading the rest).
 * 64 KiB is four TLS records or a few TCP reads: a redirect's "Moved" page is far smaller
 * and usually arrived in the packet that carried the headers. The Node transport holds a
 * body up to this size while the session decides what to do with it, for the same reason.
 */
export const drainLimit = 65_536

/** Whether a body with this `Content-Length` value is read through rather than cancelled. */
export function shouldDrain(contentLength: string | null | undefined): boolean {
  return Number(contentLength ?? 'NaN') <= drainLimit
}

/** Drops the body of a `Response` by the policy above. */
export async function discardBody(response: Response): Promise<void> {
  if (!response.body || response.bodyUsed) return
  try {
    if (shouldDrain(response.headers.get('content-length'))) await response.arrayBuffer()
    else await response.body.cancel()
  } catch {
    // The body of a response we are not returning: nothing to report.
  }
}
