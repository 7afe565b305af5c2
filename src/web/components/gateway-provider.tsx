import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { Provider } from 'urql';
import { createGatewayClients, type AuthScheme, type GatewayClients } from '../lib/gateway-client';

const GatewayContext = createContext<GatewayClients | null>(null);

/** The signed-in key's clients, for every screen under it. */
export function GatewayProvider({
  apiKey,
  scheme,
  children,
}: {
  apiKey: string;
  scheme?: AuthScheme;
  children: ReactNode;
}) {
  const clients = useMemo(() => createGatewayClients(apiKey, window.location.origin, scheme), [apiKey, scheme]);
  return <GatewayClientsProvider clients={clients}>{children}</GatewayClientsProvider>;
}

/** Given clients (component tests pass ones they control). */
export function GatewayClientsProvider({ clients, children }: { clients: GatewayClients; children: ReactNode }) {
  return (
    <GatewayContext.Provider value={clients}>
      <Provider value={clients.http}>{children}</Provider>
    </GatewayContext.Provider>
  );
}

export function useGatewayClients(): GatewayClients {
  const clients = useContext(GatewayContext);
  if (!clients) throw new Error('useGatewayClients is used outside <GatewayProvider>');
  return clients;
}
