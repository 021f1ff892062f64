// undici ships no types for its internal modules; the socket guard reads one symbol from here.
declare module 'undici/lib/core/symbols.js' {
  const symbols: Readonly<Record<string, symbol>>
  export default symbols
}
