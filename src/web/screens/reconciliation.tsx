import { useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import {
  AccountingFileDocument,
  ConfirmInvoiceMatchDocument,
  InvoiceMatchesDocument,
  LiveMatchesDocument,
  OpenInvoicesDocument,
  RejectInvoiceMatchDocument,
  type AccountingExportFormat,
  type MatchRowFragment,
} from '../generated/graphql';
import { ErrorNotice } from '../components/error-notice';
import { formatAmount, formatDate } from '../lib/format';
import { useResumableSubscription } from '../lib/use-resumable-subscription';

/** Open invoices, the engine's proposals to confirm or reject, live decisions, and the accounting export. */
export function ReconciliationScreen() {
  const [{ data: invoices, error: invoicesError }, reloadInvoices] = useQuery({
    query: OpenInvoicesDocument,
    variables: { first: 50 },
  });
  const [{ data: matches, error: matchesError }, reloadMatches] = useQuery({
    query: InvoiceMatchesDocument,
    variables: {},
  });
  const [updates, setUpdates] = useState<Record<string, MatchRowFragment>>({});
  useResumableSubscription(
    LiveMatchesDocument,
    { after: undefined },
    (data) => data.reconciliationUpdated.cursor,
    (data) => {
      setUpdates((current) => ({
        ...current,
        [data.reconciliationUpdated.match.id]: data.reconciliationUpdated.match,
      }));
      reloadInvoices({ requestPolicy: 'network-only' });
    },
  );
  const known = new Map((matches?.matches.edges ?? []).map(({ node }) => [node.id, node]));
  for (const [id, match] of Object.entries(updates)) known.set(id, match);
  const rows = [...known.values()].filter((match) => match.state !== 'REJECTED');
  const suggested = rows.filter((match) => match.state === 'SUGGESTED');
  const settled = rows.filter((match) => match.state !== 'SUGGESTED');

  return (
    <>
      <section aria-labelledby="matches-title">
        <h1 id="matches-title">Reconciliation</h1>
        <ErrorNotice error={matchesError} />
        <h2>Suggested matches</h2>
        {suggested.length === 0 ? (
          <p>Nothing to review: every proposal is decided.</p>
        ) : (
          <MatchTable
            matches={suggested}
            decidable
            onDecided={() => reloadMatches({ requestPolicy: 'network-only' })}
          />
        )}
        <h2>Settled</h2>
        {settled.length === 0 ? <p>No invoice is settled yet.</p> : <MatchTable matches={settled} />}
      </section>
      <section aria-labelledby="invoices-title">
        <h2 id="invoices-title">Invoices</h2>
        <ErrorNotice error={invoicesError} />
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Customer</th>
                <th scope="col">Due</th>
                <th scope="col" className="amount">
                  Amount
                </th>
                <th scope="col" className="amount">
                  Paid
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {invoices?.invoices.edges.map(({ node }) => (
                <tr key={node.id}>
                  <th scope="row">{node.number}</th>
                  <td>{node.customerName}</td>
                  <td>{formatDate(node.dueDate)}</td>
                  <td className="amount">{formatAmount(node.amount, node.currency)}</td>
                  <td className="amount">{formatAmount(node.amountPaid, node.currency)}</td>
                  <td>{node.status.replace('_', ' ').toLowerCase()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <ExportForm />
    </>
  );
}

function MatchTable({
  matches,
  decidable = false,
  onDecided,
}: {
  matches: MatchRowFragment[];
  decidable?: boolean;
  onDecided?: () => void;
}) {
  const [confirmed, confirm] = useMutation(ConfirmInvoiceMatchDocument);
  const [rejected, reject] = useMutation(RejectInvoiceMatchDocument);
  const decide = async (action: (variables: { id: string }) => Promise<{ data?: unknown }>, id: string) => {
    const result = await action({ id });
    if (result.data) onDecided?.();
  };
  return (
    <>
      <ErrorNotice error={confirmed.error ?? rejected.error} />
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Invoice</th>
              <th scope="col">Payment</th>
              <th scope="col" className="amount">
                Amount
              </th>
              <th scope="col">State</th>
              {decidable && <th scope="col">Decision</th>}
            </tr>
          </thead>
          <tbody>
            {matches.map((match) => (
              <tr key={match.id}>
                <th scope="row">
                  {match.invoice.number} · {match.invoice.customerName}
                </th>
                <td>
                  {formatDate(match.transaction.date)} · {match.transaction.counterpartyName ?? 'Unknown payer'}
                  <span className="muted remittance">{match.transaction.remittanceInformation}</span>
                </td>
                <td className="amount">{formatAmount(match.amount, match.invoice.currency)}</td>
                <td>{match.state.replace('_', ' ').toLowerCase()}</td>
                {decidable && (
                  <td className="actions">
                    <button type="button" onClick={() => void decide(confirm, match.id)}>
                      Confirm
                    </button>
                    <button type="button" onClick={() => void decide(reject, match.id)}>
                      Reject
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The export is a query whose content becomes a file the browser saves; nothing is kept on the page. */
function ExportForm() {
  const client = useClient();
  const [format, setFormat] = useState<AccountingExportFormat>('CSV');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [message, setMessage] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await client
      .query(AccountingFileDocument, { format, from: from || undefined, to: to || undefined })
      .toPromise();
    if (!result.data) {
      setMessage(result.error?.graphQLErrors[0]?.message ?? 'The export failed.');
      return;
    }
    const file = result.data.accountingExport;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([file.content], { type: file.contentType }));
    link.download = file.fileName;
    link.click();
    URL.revokeObjectURL(link.href);
    setMessage(`${file.fileName}: ${file.entryCount} entries.`);
  };
  return (
    <section aria-labelledby="export-title" className="card">
      <h2 id="export-title">Accounting export</h2>
      <form onSubmit={submit} className="filters">
        <label>
          Format
          <select value={format} onChange={(event) => setFormat(event.target.value as AccountingExportFormat)}>
            <option value="CSV">CSV</option>
            <option value="FEC">FEC (French accounting)</option>
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(event) => setTo(event.target.value)} />
        </label>
        <button type="submit">Download export</button>
      </form>
      {message && <p role="status">{message}</p>}
    </section>
  );
}
