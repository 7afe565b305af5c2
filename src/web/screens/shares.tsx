import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  LenderSharesDocument,
  MonthlyCashflowDocument,
  ShareableAccountsDocument,
  ShareWithLenderDocument,
  StopSharingDocument,
  type MonthlyCashflowQuery,
  type ShareRowFragment,
} from '../generated/graphql';
import { ConfirmGroup } from '../components/confirm-group';
import { ErrorNotice } from '../components/error-notice';
import { formatAmount, formatDate, formatDateTime } from '../lib/format';
import { MAX_HISTORY_DAYS, MAX_VALID_FOR_DAYS, periodStart, validateShare, type ShareErrors } from '../lib/share-form';

/** Share a time-boxed history with a lender, see every read it made, revoke it; and the cash flow a lender sees. */
export function SharesScreen() {
  const [{ data, error }, reload] = useQuery({ query: LenderSharesDocument });
  const refresh = () => reload({ requestPolicy: 'network-only' });
  return (
    <>
      <h1>Share with a lender</h1>
      <p className="help">
        A lender reads only the accounts and the days of history you choose, only until the share ends or you revoke it.
        Every read is listed below.
      </p>
      <ShareForm onShared={refresh} />
      <section aria-labelledby="shares-title">
        <h2 id="shares-title">Your shares</h2>
        <ErrorNotice error={error} />
        {data?.dataShares.length === 0 && <p>You share nothing with a lender.</p>}
        <ul className="cards">
          {data?.dataShares.map((share) => (
            <li key={share.id}>
              <ShareCard share={share} onChanged={refresh} />
            </li>
          ))}
        </ul>
      </section>
      <CashflowSection />
    </>
  );
}

function ShareForm({ onShared }: { onShared: () => void }) {
  const [{ data, error: accountsError }] = useQuery({ query: ShareableAccountsDocument });
  const [lenderId, setLenderId] = useState('');
  const [unchecked, setUnchecked] = useState<string[]>([]);
  // As typed: an emptied field is refused by the check, not turned into NaN in a controlled input.
  const [historyDays, setHistoryDays] = useState('90');
  const [validForDays, setValidForDays] = useState('30');
  const [errors, setErrors] = useState<ShareErrors>({});
  const [created, create] = useMutation(ShareWithLenderDocument);
  const accounts = data?.accounts ?? [];
  const accountIds = accounts.map((account) => account.id).filter((id) => !unchecked.includes(id));
  const toggle = (id: string) =>
    setUnchecked((current) => (current.includes(id) ? current.filter((other) => other !== id) : [...current, id]));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const draft = {
      lenderId: lenderId.trim(),
      accountIds,
      historyDays: Number(historyDays),
      validForDays: Number(validForDays),
    };
    const found = validateShare(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const result = await create({ input: draft });
    if (result.data) {
      setLenderId('');
      onShared();
    }
  };
  const describedBy = (name: keyof ShareErrors) =>
    errors[name] ? { 'aria-invalid': true, 'aria-describedby': `share-${name}-error` } : {};

  return (
    <form onSubmit={submit} className="card stack" noValidate aria-labelledby="share-form-title">
      <h2 id="share-form-title">New share</h2>
      <ErrorNotice error={accountsError} />
      <label htmlFor="share-lender">Lender id</label>
      <input
        id="share-lender"
        value={lenderId}
        onChange={(event) => setLenderId(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        {...describedBy('lenderId')}
      />
      <ShareFieldError name="lenderId" errors={errors} />
      <fieldset {...describedBy('accountIds')}>
        <legend>Accounts to share</legend>
        {data && accounts.length === 0 && <p>No account yet: connect a bank first.</p>}
        {accounts.map((account) => (
          <label key={account.id} className="check">
            <input type="checkbox" checked={!unchecked.includes(account.id)} onChange={() => toggle(account.id)} />
            <span>
              {account.name}
              <span className="muted block">
                <span className="iban">{account.iban}</span> · {account.institution.name}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <ShareFieldError name="accountIds" errors={errors} />
      <div className="filters">
        <label>
          Days of history
          <input
            type="number"
            min={1}
            max={MAX_HISTORY_DAYS}
            value={historyDays}
            onChange={(event) => setHistoryDays(event.target.value)}
            {...describedBy('historyDays')}
          />
        </label>
        <label>
          Readable for (days)
          <input
            type="number"
            min={1}
            max={MAX_VALID_FOR_DAYS}
            value={validForDays}
            onChange={(event) => setValidForDays(event.target.value)}
            {...describedBy('validForDays')}
          />
        </label>
      </div>
      <ShareFieldError name="historyDays" errors={errors} />
      <ShareFieldError name="validForDays" errors={errors} />
      <ErrorNotice error={created.error} />
      <button type="submit" disabled={created.fetching}>
        Share
      </button>
    </form>
  );
}

function ShareFieldError({ name, errors }: { name: keyof ShareErrors; errors: ShareErrors }) {
  return errors[name] ? (
    <p id={`share-${name}-error`} className="error field-error">
      {errors[name]}
    </p>
  ) : null;
}

function ShareCard({ share, onChanged }: { share: ShareRowFragment; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [revoked, revoke] = useMutation(StopSharingDocument);
  const headingId = `share-${share.id}`;
  const accesses = share.accesses ?? [];
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{share.lender.displayName}</h3>
      <p>
        <span className={`badge status-${share.status.toLowerCase()}`}>{share.status.toLowerCase()}</span> History from{' '}
        {formatDate(share.historyFrom)} to {formatDate(share.historyTo)} ·{' '}
        {share.status === 'REVOKED' && share.revokedAt
          ? `revoked ${formatDateTime(share.revokedAt)}`
          : `readable until ${formatDateTime(share.validUntil)}`}
      </p>
      <p className="muted">{share.accounts.map((account) => account.name).join(', ') || 'No account left to share'}</p>
      {accesses.length === 0 ? (
        <p className="muted">The lender has not read anything yet.</p>
      ) : (
        <details>
          <summary>
            {accesses.length} {accesses.length === 1 ? 'read' : 'reads'} by the lender, last{' '}
            {formatDateTime(accesses[0].at)}
          </summary>
          <ul className="accesses">
            {accesses.map((access, index) => (
              <li key={`${access.at}-${access.operation}-${index}`}>
                {formatDateTime(access.at)}: <code>{access.operation}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
      <ErrorNotice error={revoked.error} />
      {share.status === 'ACTIVE' && !confirming && (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Revoke
        </button>
      )}
      {share.status === 'ACTIVE' && confirming && (
        <ConfirmGroup
          label={`Revoke the share with ${share.lender.displayName}`}
          explanation="The lender's next read is refused, even one under way. What it already read stays with it."
          action="Yes, stop sharing"
          busy={revoked.fetching}
          onConfirm={async () => {
            const result = await revoke({ id: share.id });
            setConfirming(false);
            if (result.data) onChanged();
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </article>
  );
}

type CashflowMonth = MonthlyCashflowQuery['cashflow'][number];
const PERIODS = [90, 180, 365];

/** Monthly inflow, outflow and net, as a lender reads them: one chart per currency, the exact figures beside it. */
function CashflowSection() {
  const [days, setDays] = useState(90);
  const [{ data, error }] = useQuery({ query: MonthlyCashflowDocument, variables: { from: periodStart(days) } });
  const months = data?.cashflow ?? [];
  const currencies = [...new Set(months.map((month) => month.currency))];
  return (
    <section aria-labelledby="cashflow-title" className="card">
      <div className="section-head">
        <h2 id="cashflow-title">Your cash flow, as a lender sees it</h2>
        <label className="inline">
          Period
          <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {PERIODS.map((period) => (
              <option key={period} value={period}>
                Last {period} days
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="help">
        Transfers between your own accounts and money sent back are left out; pending lines are not counted.
      </p>
      <ErrorNotice error={error} />
      {data && months.length === 0 && <p>No booked transaction in this period.</p>}
      {currencies.map((currency) => (
        <CashflowChart
          key={currency}
          currency={currency}
          months={months.filter((month) => month.currency === currency)}
        />
      ))}
    </section>
  );
}

const compact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });

/**
 * The chart needs numbers, so its bars are drawn from floats; every figure a person reads (tooltip, table) is the
 * gateway's exact decimal string. The table is what screen readers get: the chart is hidden from them.
 */
function CashflowChart({ currency, months }: { currency: string; months: CashflowMonth[] }) {
  const points = months.map((month) => ({
    ...month,
    inflowBar: Number(month.inflow),
    outflowBar: -Number(month.outflow),
    netBar: Number(month.net),
  }));
  const exact: Record<string, keyof CashflowMonth> = { inflowBar: 'inflow', outflowBar: 'outflow', netBar: 'net' };
  const captionId = `cashflow-${currency}`;
  return (
    <div className="cashflow">
      <div className="chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={280}>
          {/* No animation: bars that move distract, and the figures are read from the table anyway. */}
          <BarChart data={points} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="month" tickFormatter={monthLabel} />
            <YAxis tickFormatter={(value: number) => compact.format(value)} width={56} />
            <ReferenceLine y={0} stroke="#5b6675" />
            <Tooltip
              labelFormatter={(label) => monthLabel(String(label))}
              formatter={(_value, name, item) => [
                formatAmount(String(item.payload[exact[String(item.dataKey)]]), currency),
                name,
              ]}
            />
            <Legend />
            <Bar dataKey="inflowBar" name="Inflow" fill="#1e7a3c" isAnimationActive={false} />
            <Bar dataKey="outflowBar" name="Outflow" fill="#b3261e" isAnimationActive={false} />
            <Bar dataKey="netBar" name="Net" fill="#1f5fbf" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="table-scroll">
        <table aria-labelledby={captionId}>
          <caption id={captionId}>Cash flow per month, {currency}</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="amount">
                Inflow
              </th>
              <th scope="col" className="amount">
                Outflow
              </th>
              <th scope="col" className="amount">
                Net
              </th>
            </tr>
          </thead>
          <tbody>
            {months.map((month) => (
              <tr key={month.month}>
                <th scope="row">{monthLabel(month.month)}</th>
                <td className="amount credit">{formatAmount(month.inflow, currency)}</td>
                <td className="amount">{formatAmount(month.outflow, currency)}</td>
                <td className="amount">{formatAmount(month.net, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** "2026-03" as "Mar 2026". */
function monthLabel(month: string): string {
  return formatDate(`${month}-01`).replace(/^\d+ /, '');
}
