/** `fetch-session --help`. */
export const helpText = `Usage: fetch-session [METHOD] URL [ITEM ...] [OPTIONS]

HTTP requests from the command line with saved sessions (HTTPie's syntax).

  METHOD   GET, or POST when a body item is given; a first word of letters is the method
           unless it is no known method and an ITEM follows it (then it is the URL)
  URL      http:// is assumed; :3000/path is http://localhost:3000/path
  ITEM     Header:Value     a request header (Header: removes it, Header; sends it empty)
           name==value      a query parameter
           field=value      a string field of the JSON body (or of the form with --form)
           field:=json      a raw JSON value (number, boolean, array, object)
           field=@file      a string field read from a file
           field:=@file     a JSON field read from a file
           field@file       a file upload (with --form: multipart; ;type=mime sets its type)
           Repeated: a header sends every value (X-A:1 X-A:2 is "X-A: 1, 2"), a query
           or form field every value, a JSON field its last one.
           A backslash escapes a separator character (: = @ ;): 'a\\:b=c' is the field
           "a:b"; before any other character it is kept ('re=a\\d+', JSON's \\").

Body:
  -j, --json               send data items as JSON (the default); asks for JSON even
                           without data items; not with --form
  -f, --form               send data items as a form (multipart when a file is attached)
  -I, --ignore-stdin       do not read stdin; without it, piped stdin (echo '{..}' | ...) is
                           the body when no data item is given (JSON, or a form with --form)

Sessions and cookies:
  --session NAME|PATH      load the session before the request and save it after; a NAME is
                           kept per host in $XDG_CONFIG_HOME/fetch-session/sessions/<host>_<port>/NAME.json
                           (~/.config when unset); a value with a / or ending in .json is a file
  --session-read-only NAME|PATH
                           use a saved session without saving it back
  --cookies FILE           read cookies from a curl cookies.txt and write them back to it

Authentication:
  -a, --auth USER[:PASS]   credentials; with only USER, the password is asked on the terminal
                           (bearer: the token)
  -A, --auth-type TYPE     basic (default), bearer or digest; needs --auth

Output:
  -v, --verbose            print the request and every redirect hop (same as --print=HBhb)
  -p, --print WHAT         H request headers, B request body, h response headers, b response body
                           (default hb on a terminal, b into a pipe)
  -h, --headers            response headers only (--print=h)
  -b, --body               response body only (--print=b)
  -d, --download           save the body to a file (progress on a terminal); implies
                           --check-status: a 3xx/4xx/5xx is not saved
  -o, --output FILE        the file for --download
  Credentials in printed headers (Authorization, Proxy-Authorization, Cookie, Set-Cookie and
  the session's sensitiveHeaders) are shown as <redacted>.
  Colour only on a terminal and never when NO_COLOR is set; a pipe gets the exact bytes.

Network:
  --no-follow              return a redirect as the response (following is the default)
  --max-redirects N        redirects followed before giving up (default 30)
  --timeout SECONDS        connect and read timeout
  --proxy URL              a proxy for every request, or PROTOCOL:URL for one scheme
  --verify yes|no|CA_FILE  check the server certificate (default yes), or trust a CA file
  --cert FILE              client certificate (PEM)
  --cert-key FILE          its private key (PEM)
  --offline                print the request that would be sent and send nothing
  --check-status           exit 3, 4 or 5 for a final 3xx, 4xx or 5xx status

  --help                   this text
  --version                the version

Exit status: 0 ok, 1 error, 2 timeout, 3/4/5 with --check-status or --download, 6 too many
redirects.
Environment: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY are honoured; NO_COLOR.
`
