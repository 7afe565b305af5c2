/**
 * The API key lives in session storage only: it is gone when the tab closes, and never reaches local storage,
 * cookies or the URL.
 */
const STORAGE_KEY = 'passerelle.apiKey';

export function readApiKey(storage: Storage = sessionStorage): string | null {
  return storage.getItem(STORAGE_KEY);
}

export function storeApiKey(apiKey: string, storage: Storage = sessionStorage): void {
  storage.setItem(STORAGE_KEY, apiKey);
}

export function forgetApiKey(storage: Storage = sessionStorage): void {
  storage.removeItem(STORAGE_KEY);
}

/** A connect link's journey, from the URL `createConnectLink` made: `/app/connect?link=…&redirect_uri=…&institution=…`. */
export interface ConnectLinkJourney {
  token: string;
  redirectUri: string;
  institutionId?: string;
}

/** The connect link of the page's URL, if it opened one; it stays in the URL only, never in storage. */
export function readConnectLink(location: Location = window.location): ConnectLinkJourney | null {
  const params = new URLSearchParams(location.search);
  const token = params.get('link');
  const redirectUri = params.get('redirect_uri');
  if (!location.pathname.endsWith('/connect') || !token || !redirectUri) return null;
  return { token, redirectUri, institutionId: params.get('institution') ?? undefined };
}
