/** A valid saved-cookie record (`CookieJarState.cookies[n]`), for tests to vary one field of. */
export const cookieRecord = {
  name: 'a',
  value: '1',
  domain: 'a.example',
  path: '/',
  expires: null,
  secure: false,
  httpOnly: false,
  hostOnly: true,
  creationTime: 1,
  lastAccessTime: 1,
}
