/** URL helpers shared by the adapters. */
/**
 * A request target from a path or a bank's `_links` href: absolute URLs as they are, absolute paths that already
 * carry the base path (Berlin Group examples `/psd2/v1/...`, Boursorama) on the base's origin, anything else relative
 * to the base URL (BNP Paribas Fortis sends `/accounts/1/transactions?index=...` under `/psd2/v2`).
 */
export function resolveHref(baseUrl: string, pathOrHref: string): string {
  if (/^https?:\/\//.test(pathOrHref)) return pathOrHref;
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  if (basePath && pathOrHref.startsWith(`${basePath}/`)) return `${base.origin}${pathOrHref}`;
  return `${baseUrl.replace(/\/+$/, '')}${pathOrHref.startsWith('/') ? '' : '/'}${pathOrHref}`;
}

/** Adds parameters to a URI's query, keeping what is already there (the sandbox keeps it too on the redirect). */
export function withQuery(uri: string, params: Record<string, string>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
