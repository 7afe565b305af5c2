import { Link } from 'react-router';
import { useQuery } from 'urql';
import { DashboardAccountsDocument, type DashboardAccountsQuery } from '../generated/graphql';
import { ErrorNotice } from '../components/error-notice';
import { TransactionList } from '../components/transaction-list';
import { formatAmount, formatDateTime } from '../lib/format';

type Account = DashboardAccountsQuery['accounts'][number];

/** Every account from every bank, then the unified transaction list. */
export function DashboardScreen() {
  const [{ data, fetching, error }] = useQuery({ query: DashboardAccountsDocument });
  return (
    <>
      <section aria-labelledby="accounts-title">
        <div className="section-head">
          <h1 id="accounts-title">Accounts</h1>
          <Link className="button" to="/connect">
            Connect a bank
          </Link>
        </div>
        <ErrorNotice error={error} />
        {fetching && !data && <p>Loading accounts…</p>}
        {data && data.accounts.length === 0 && <p>No bank is connected yet. Connect one to see its accounts here.</p>}
        {data && data.accounts.length > 0 && <AccountsTable accounts={data.accounts} />}
      </section>
      <section aria-labelledby="transactions-title">
        <h2 id="transactions-title">Transactions</h2>
        <TransactionList />
      </section>
    </>
  );
}

function AccountsTable({ accounts }: { accounts: readonly Account[] }) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">Accounts at every connected bank</caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">IBAN</th>
            <th scope="col">Bank</th>
            <th scope="col" className="amount">
              Balance
            </th>
            <th scope="col">Updated</th>
            <th scope="col">Bank reads left today</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id}>
              <th scope="row">{account.name}</th>
              <td className="iban">{account.iban ?? '—'}</td>
              <td>{account.institution.name}</td>
              <td className="amount">{mainBalance(account)}</td>
              <td>
                {account.balancesFreshness
                  ? `${account.balancesFreshness.source === 'LIVE' ? 'Live' : 'Cached'}, ${formatDateTime(account.balancesFreshness.fetchedAt)}`
                  : '—'}
              </td>
              <td>
                {account.accessBudget ? `${account.accessBudget.remaining} of ${account.accessBudget.perDay}` : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The balance a person means by "balance": booked when the bank gives it, else the first one it gives. */
function mainBalance(account: Account): string {
  const balances = account.balances ?? [];
  const preferred = ['CLOSING_BOOKED', 'INTERIM_BOOKED', 'INTERIM_AVAILABLE', 'EXPECTED'];
  const balance =
    preferred.map((type) => balances.find((candidate) => candidate.type === type)).find(Boolean) ?? balances[0];
  return balance ? formatAmount(balance.amount, balance.currency) : 'Unavailable';
}
