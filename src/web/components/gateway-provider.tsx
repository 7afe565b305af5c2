import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { Provider } from 'urql';
import { createGatewayClients, type GatewayClients } from '../lib/gateway-client';

const GatewayContext = createContext<GatewayClients | null>(null);

export function GatewayProvider({ apiKey, children }: { apiKey: string; children: ReactNode }) {
  const clients = useMemo(() => createGatewayClients(apiKey), [apiKey]);
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
