import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import {
  LiveTransactionsDocument,
  TransactionPageDocument,
  type TransactionFilter,
  type TransactionRowFragment,
} from '../generated/graphql';
import { formatAmount, formatDate } from '../lib/format';
import { useResumableSubscription } from '../lib/use-resumable-subscription';

const PAGE_SIZE = 50;

/**
 * The unified list, newest first: pages load as the reader scrolls (or with "Load more", for keyboards), and new
 * transactions arrive live at the top. Filters reload the list from the first page.
 */
export function TransactionList() {
  const client = useClient();
  const [filter, setFilter] = useState<TransactionFilter>({});
  const [rows, setRows] = useState<TransactionRowFragment[]>([]);
  const [page, setPage] = useState<{ endCursor?: string | null; hasNextPage: boolean }>({ hasNextPage: true });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const sentinel = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const loadMore = useCallback(
    async (reset = false) => {
      const current = generation.current;
      setLoading(true);
      const result = await client
        .query(TransactionPageDocument, { first: PAGE_SIZE, after: reset ? undefined : page.endCursor, filter })
        .toPromise();
      if (current !== generation.current) return;
      setLoading(false);
      if (!result.data) {
        setError(result.error?.graphQLErrors[0]?.message ?? 'The transactions could not be loaded.');
        return;
      }
      const nodes = result.data.transactions.edges.map((edge) => edge.node);
      setRows((existing) => (reset ? nodes : appendNew(existing, nodes)));
      setPage(result.data.transactions.pageInfo);
    },
    [client, filter, page.endCursor],
  );

  useEffect(() => {
    generation.current += 1;
    setRows([]);
    setError(undefined);
    void loadMore(true);
    // Only a new filter restarts the list; loadMore changes with every page.
  }, [filter]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && page.hasNextPage && !loading) void loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [loadMore, page.hasNextPage, loading]);

  const live = useResumableSubscription(
    LiveTransactionsDocument,
    { after: undefined },
    (data) => data.transactionAdded.cursor,
    (data) => {
      const transaction = data.transactionAdded.transaction;
      if (!matchesFilter(transaction, filter)) return;
      setRows((existing) =>
        existing.some((row) => row.id === transaction.id) ? existing : [transaction, ...existing],
      );
      setAnnouncement(
        `New transaction: ${transaction.counterpartyName ?? 'unknown counterparty'}, ${formatAmount(transaction.amount, transaction.currency)}`,
      );
    },
  );

  return (
    <>
      <FilterBar onChange={setFilter} />
      <p className="muted stream-state">
        {live.state === 'live' ? 'Live: new transactions appear as they arrive.' : 'Reconnecting to live updates…'}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ul className="transactions" aria-label="Transactions">
        {rows.map((row) => (
          <li key={row.id} className="transaction">
            <span className="date">{formatDate(row.date)}</span>
            <span className="party">
              {row.counterpartyName ?? 'Unknown counterparty'}
              {row.status === 'PENDING' && <span className="badge">Pending</span>}
              <span className="muted remittance">{row.remittanceInformation}</span>
            </span>
            <span className="muted">{row.account.name}</span>
            <span className={`amount ${row.amount.startsWith('-') ? 'debit' : 'credit'}`}>
              {formatAmount(row.amount, row.currency)}
            </span>
          </li>
        ))}
      </ul>
      {!loading && rows.length === 0 && !error && <p>No transactions match.</p>}
      <div ref={sentinel} />
      {page.hasNextPage && (
        <button type="button" onClick={() => void loadMore()} disabled={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}

function appendNew(existing: TransactionRowFragment[], nodes: TransactionRowFragment[]): TransactionRowFragment[] {
  const known = new Set(existing.map((row) => row.id));
  return [...existing, ...nodes.filter((node) => !known.has(node.id))];
}

/** Live rows obey the same filter as the list they join (text search is left to the server on reload). */
function matchesFilter(row: TransactionRowFragment, filter: TransactionFilter): boolean {
  if (filter.status && row.status !== filter.status) return false;
  if (filter.direction === 'CREDIT' && row.amount.startsWith('-')) return false;
  if (filter.direction === 'DEBIT' && !row.amount.startsWith('-')) return false;
  if (filter.text) {
    const text = `${row.counterpartyName ?? ''} ${row.remittanceInformation ?? ''}`.toLowerCase();
    if (!text.includes(filter.text.toLowerCase())) return false;
  }
  return true;
}

function FilterBar({ onChange }: { onChange: (filter: TransactionFilter) => void }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const [direction, setDirection] = useState('');
  return (
    <form
      className="filters"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({
          text: text.trim() || undefined,
          status: (status || undefined) as TransactionFilter['status'],
          direction: (direction || undefined) as TransactionFilter['direction'],
        });
      }}
    >
      <label>
        Search transactions
        <input type="search" value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      <label>
        Status
        <select value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">Booked and pending</option>
          <option value="BOOKED">Booked</option>
          <option value="PENDING">Pending</option>
        </select>
      </label>
      <label>
        Direction
        <select value={direction} onChange={(event) => setDirection(event.target.value)}>
          <option value="">Money in and out</option>
          <option value="CREDIT">Money in</option>
          <option value="DEBIT">Money out</option>
        </select>
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}
