// Unit tests never reach the network: the core must go through an Adapter (MockAdapter).
globalThis.fetch = () => {
  throw new Error('unit tests use MockAdapter: globalThis.fetch is disabled in the unit project')
}
