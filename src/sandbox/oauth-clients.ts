/**
 * The OAuth2 clients registered at the sandbox STET bank and their redirect URIs. RFC 6749 §3.1.2.2-3: the bank sends
 * the code only to a URI registered for the client, compared as a whole string, so a forged authorisation link cannot
 * carry a code away to a host of the forger's choosing.
 */
export class OAuthClients {
  private readonly redirectUris = new Map<string, Set<string>>();

  constructor(initial: Readonly<Record<string, readonly string[]>> = {}) {
    for (const [clientId, uris] of Object.entries(initial)) this.register(clientId, uris);
  }

  /** Adds redirect URIs to a client, registering it when new. */
  register(clientId: string, uris: readonly string[]): void {
    const known = this.redirectUris.get(clientId) ?? new Set<string>();
    for (const uri of uris) known.add(uri);
    this.redirectUris.set(clientId, known);
  }

  isRegistered(clientId: string): boolean {
    return this.redirectUris.has(clientId);
  }

  allows(clientId: string, redirectUri: string): boolean {
    return this.redirectUris.get(clientId)?.has(redirectUri) ?? false;
  }

  list(): Record<string, string[]> {
    return Object.fromEntries([...this.redirectUris].map(([clientId, uris]) => [clientId, [...uris]]));
  }
}
