import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import {
  BankConnectionsDocument,
  FirstSyncDocument,
  GrantedConsentDocument,
  type FirstSyncSubscription,
} from '../generated/graphql';
import { formatDate, SCOPE_LABELS } from '../lib/format';
import { useResumableSubscription } from '../lib/use-resumable-subscription';

/** Step 5: the bank sent the browser back through the gateway; say what was granted and follow the first sync. */
export function ConnectResultScreen() {
  const [params] = useSearchParams();
  const consentId = params.get('consentId');
  const status = params.get('status');
  if (!consentId || status !== 'ACTIVE') {
    return (
      <section className="card" aria-labelledby="result-title">
        <h1 id="result-title">Your bank did not grant access</h1>
        <p role="alert">{explainRefusal(status, params.get('reason'))}</p>
        <Link className="button" to="/connect">
          Try again
        </Link>
      </section>
    );
  }
  return <Granted consentId={consentId} />;
}

function explainRefusal(status: string | null, reason: string | null): string {
  if (status === 'REJECTED')
    return `You declined at the bank, or the bank refused the request${reason ? ` (${reason})` : ''}. Nothing was shared.`;
  return `The connection could not be completed${reason ? `: ${reason}` : ''}. Nothing was shared.`;
}

function Granted({ consentId }: { consentId: string }) {
  const [{ data: consentData }] = useQuery({ query: GrantedConsentDocument, variables: { id: consentId } });
  const [{ data: connectionsData }] = useQuery({ query: BankConnectionsDocument });
  const connection = connectionsData?.connections.find((candidate) => candidate.currentConsent?.id === consentId);
  const consent = consentData?.consent;
  return (
    <section className="card" aria-labelledby="result-title">
      <h1 id="result-title">{connection ? `${connection.institution.name} is connected` : 'Bank connected'}</h1>
      {consent && (
        <p>
          Passerelle may read your {consent.scopes.map((scope) => SCOPE_LABELS[scope].toLowerCase()).join(', ')} until{' '}
          <strong>{formatDate(consent.validUntil)}</strong>, with {consent.historyDays} days of history. You can revoke
          this at any time.
        </p>
      )}
      {connection && <SyncProgress connectionId={connection.id} />}
      <Link className="button" to="/">
        Go to your accounts
      </Link>
    </section>
  );
}

type Progress = FirstSyncSubscription['syncProgress'];

function SyncProgress({ connectionId }: { connectionId: string }) {
  const [progress, setProgress] = useState<Progress>();
  // From "0": the first sync may have started before this screen subscribed.
  useResumableSubscription(
    FirstSyncDocument,
    { connectionId, after: '0' },
    (data) => data.syncProgress.cursor,
    (data) => setProgress(data.syncProgress),
  );
  return (
    <div className="sync" role="status" aria-live="polite">
      {!progress && <p>Waiting for the first sync…</p>}
      {progress?.state === 'RUNNING' && (
        <>
          <p>
            Importing transactions: {progress.accountsDone} of {progress.accountsTotal} accounts
          </p>
          <progress max={Math.max(progress.accountsTotal, 1)} value={progress.accountsDone} aria-label="First sync" />
        </>
      )}
      {progress?.state === 'SUCCEEDED' && <p>First sync done: {progress.added} transactions imported.</p>}
      {progress?.state === 'FAILED' && (
        <p className="error">
          The first sync failed: {progress.errorMessage ?? progress.errorCode}. It will be retried.
        </p>
      )}
    </div>
  );
}
