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
