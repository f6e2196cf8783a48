/** A URL fit for logs: the value of any `usersig` parameter (any case) replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]usersig=)[^&#]*/gi, '$1***');
}
