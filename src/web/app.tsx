import { useState } from 'react';
import { Navigate, NavLink, Route, Routes, useNavigate } from 'react-router';
import { GatewayProvider } from './components/gateway-provider';
import { forgetApiKey, readApiKey, readConnectLink, storeApiKey } from './lib/session';
import { ConnectScreen } from './screens/connect';
import { ConnectResultScreen } from './screens/connect-result';
import { ConsentsScreen } from './screens/consents';
import { DashboardScreen } from './screens/dashboard';
import { PaymentResultScreen, PaymentsScreen } from './screens/payments';
import { ReconciliationScreen } from './screens/reconciliation';
import { SharesScreen } from './screens/shares';
import { SignInScreen } from './screens/sign-in';

export function App() {
  const [apiKey, setApiKey] = useState(readApiKey);
  const [link] = useState(readConnectLink);
  const navigate = useNavigate();

  // A connect link signs in for its one journey only, whatever key the tab holds: no menu, no other screen.
  if (link) {
    return (
      <GatewayProvider apiKey={link.token} scheme="ConnectLink">
        <main id="main" tabIndex={-1}>
          <ConnectScreen link={link} />
        </main>
      </GatewayProvider>
    );
  }

  if (!apiKey) {
    return (
      <Routes>
        <Route
          path="/sign-in"
          element={
            <SignInScreen
              onSignedIn={(key) => {
                storeApiKey(key);
                setApiKey(key);
                navigate('/');
              }}
            />
          }
        />
        <Route path="*" element={<Navigate to="/sign-in" replace />} />
      </Routes>
    );
  }

  const signOut = () => {
    forgetApiKey();
    setApiKey(null);
    navigate('/sign-in');
  };
  return (
    <GatewayProvider apiKey={apiKey}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Passerelle</span>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Dashboard
          </NavLink>
          <NavLink to="/connect">Connect a bank</NavLink>
          <NavLink to="/consents">Consents</NavLink>
          <NavLink to="/reconciliation">Reconciliation</NavLink>
          <NavLink to="/payments">Payments</NavLink>
          <NavLink to="/shares">Lenders</NavLink>
        </nav>
        <button type="button" className="link-button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<DashboardScreen />} />
          <Route path="/connect" element={<ConnectScreen />} />
          <Route path="/connect/callback" element={<ConnectResultScreen />} />
          <Route path="/consents" element={<ConsentsScreen />} />
          <Route path="/reconciliation" element={<ReconciliationScreen />} />
          <Route path="/payments" element={<PaymentsScreen />} />
          <Route path="/payments/callback" element={<PaymentResultScreen />} />
          <Route path="/shares" element={<SharesScreen />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
    </GatewayProvider>
  );
}
