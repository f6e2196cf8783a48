/** Query parameters that authenticate a call, by lower-cased name: never logged or echoed. */
const SECRET_PARAMS = new Set(['usersig', 'sign']);

/**
 * A URL fit for logs: the values of parameters that authenticate a call (`usersig`, a callback's
 * `sign`) replaced by `***`, whatever the name's case or percent-encoding (`user%53ig`), as the
 * query parser decodes names before looking them up; and the secret segment of an OpenIM webhook
 * path (`/v4/imstats/openim/<SDKAppID>/<secret>/…`).
 */
export function redactUrl(url: string): string {
  return redactQuery(url.replace(/(\/imstats\/openim\/[^/?#]*\/)[^/?#]*/i, '$1***'));
}

function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return SECRET_PARAMS.has(decodedName(name)) ? `${name}=***` : part;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${redacted}${hash < 0 ? '' : url.slice(hash)}`;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replaceAll('+', ' ')).trim().toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}
