import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  BankConnectionsDocument,
  RefreshBankConnectionDocument,
  RenewBankConsentDocument,
  RevokeBankConsentDocument,
  type BankConnectionsQuery,
} from '../generated/graphql';
import { ConfirmGroup } from '../components/confirm-group';
import { ErrorNotice } from '../components/error-notice';
import { daysUntil, formatDate, SCOPE_LABELS } from '../lib/format';

type BankConnection = BankConnectionsQuery['connections'][number];

/** Days before the end of a consent from which the owner is warned, as the gateway's own expiry warning. */
const EXPIRY_WARNING_DAYS = 7;

/** Each bank connection's consent: what it allows, until when; renew, refresh or revoke it. */
export function ConsentsScreen() {
  const [{ data, error }, reload] = useQuery({ query: BankConnectionsDocument });
  return (
    <section aria-labelledby="consents-title">
      <h1 id="consents-title">Consents</h1>
      <ErrorNotice error={error} />
      {data?.connections.length === 0 && <p>No bank is connected.</p>}
      <ul className="cards">
        {data?.connections.map((connection) => (
          <li key={connection.id}>
            <ConsentCard connection={connection} onChanged={() => reload({ requestPolicy: 'network-only' })} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function ConsentCard({ connection, onChanged }: { connection: BankConnection; onChanged: () => void }) {
  const consent = connection.currentConsent;
  const [confirming, setConfirming] = useState(false);
  const [revoked, revoke] = useMutation(RevokeBankConsentDocument);
  const [renewed, renew] = useMutation(RenewBankConsentDocument);
  const [refreshed, refresh] = useMutation(RefreshBankConnectionDocument);
  const headingId = `connection-${connection.id}`;
  const remaining = consent ? daysUntil(consent.validUntil) : 0;
  const active = consent?.status === 'ACTIVE';

  return (
    <article className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{connection.institution.name}</h2>
      {consent ? (
        <p>
          <span className={`badge status-${consent.status.toLowerCase()}`}>
            {consent.status.replace('_', ' ').toLowerCase()}
          </span>{' '}
          {consent.scopes.map((scope) => SCOPE_LABELS[scope]).join(', ')} · valid until {formatDate(consent.validUntil)}{' '}
          · {consent.historyDays} days of history
        </p>
      ) : (
        <p>No consent.</p>
      )}
      {active && remaining <= EXPIRY_WARNING_DAYS && (
        <p className="warning" role="status">
          This consent ends in {Math.max(remaining, 0)} days: renew it to keep your accounts up to date.
        </p>
      )}
      <p className="muted">{connection.accounts.map((account) => account.name).join(', ') || 'No accounts yet'}</p>
      <ErrorNotice error={revoked.error ?? renewed.error ?? refreshed.error} />
      {refreshed.data && <p role="status">Sync started.</p>}
      <div className="actions">
        {active && (
          <button type="button" onClick={() => void refresh({ id: connection.id })} disabled={refreshed.fetching}>
            Refresh
          </button>
        )}
        {consent && (
          <button
            type="button"
            onClick={async () => {
              const result = await renew({ id: consent.id });
              if (result.data) window.location.assign(result.data.renewConsent.authorisationUrl);
            }}
            disabled={renewed.fetching}
          >
            Renew
          </button>
        )}
        {active && !confirming && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Revoke
          </button>
        )}
      </div>
      {active && confirming && consent && (
        <ConfirmGroup
          label={`Revoke access to ${connection.institution.name}`}
          explanation="Passerelle will stop reading this bank at once. Data already imported is kept."
          action="Yes, revoke access"
          onConfirm={async () => {
            const result = await revoke({ id: consent.id });
            setConfirming(false);
            if (result.data) onChanged();
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </article>
  );
}
