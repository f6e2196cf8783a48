/**
 * A URL fit for logs: the value of any `usersig` parameter (any case) replaced by `***`, and the
 * secret segment of an OpenIM webhook path (`/v4/imstats/openim/<SDKAppID>/<secret>/…`) too.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]usersig=)[^&#]*/gi, '$1***').replace(/(\/imstats\/openim\/[^/?#]*\/)[^/?#]*/i, '$1***');
}
