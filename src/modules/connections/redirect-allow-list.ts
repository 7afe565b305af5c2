/**
 * Whether a redirect URI is on a principal's allow-list. An entry is an exact URI, or a prefix ending in `*` that
 * matches only at a boundary: `http://localhost*` allows `http://localhost:3000/done` and `http://localhost/x`, never
 * `http://localhost.attacker.example`.
 */
export function isAllowedRedirect(uri: string, allowList: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username || parsed.password) return false;
  return allowList.some((entry) => {
    if (!entry.endsWith('*')) return entry === uri;
    const prefix = entry.slice(0, -1);
    return uri.startsWith(prefix) && (uri.length === prefix.length || ':/?#'.includes(uri[prefix.length]));
  });
}
