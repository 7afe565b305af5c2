import { useState, type FormEvent } from 'react';
import { createGatewayClients } from '../lib/gateway-client';
import { ViewerDocument } from '../generated/graphql';

/** Signs in with an API key, checked against the gateway before it is kept for the session. */
export function SignInScreen({ onSignedIn }: { onSignedIn: (apiKey: string) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const key = apiKey.trim();
    if (!key) {
      setError('Enter the API key Passerelle gave you.');
      return;
    }
    setBusy(true);
    const { http, ws } = createGatewayClients(key);
    const result = await http.query(ViewerDocument, {}).toPromise();
    void ws.dispose();
    setBusy(false);
    if (result.data?.viewer.kind === 'OWNER' || result.data?.viewer.kind === 'API_CLIENT') onSignedIn(key);
    else if (result.data) setError('This key belongs to a lender: the app is for account owners.');
    else
      setError(
        result.error?.response?.status === 401 ? 'This API key was not accepted.' : 'The gateway cannot be reached.',
      );
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Passerelle</h1>
      <form onSubmit={submit} noValidate>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? 'api-key-error' : 'api-key-help'}
        />
        <p id="api-key-help" className="help">
          Printed by <code>npm start</code>, or created by your administrator. It is kept in this tab only.
        </p>
        {error && (
          <p id="api-key-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
