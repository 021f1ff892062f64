const encoder = new TextEncoder()

/** A body delivering exactly these chunks (strings are UTF-8 encoded; arrays are raw bytes). */
export function chunked(chunks: (string | number[])[]): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[i++]
      if (chunk === undefined) controller.close()
      else
        controller.enqueue(
          typeof chunk === 'string' ? encoder.encode(chunk) : new Uint8Array(chunk),
        )
    },
  })
}
