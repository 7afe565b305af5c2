import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { friendlyFormatIBAN } from 'ibantools';
import { useMutation, useQuery } from 'urql';
import {
  PayableAccountsDocument,
  PaymentByIdDocument,
  PaymentUpdatesDocument,
  PaySupplierDocument,
  RecentPaymentsDocument,
  type PaymentRowFragment,
  type PaymentStatus,
} from '../generated/graphql';
import { ErrorNotice } from '../components/error-notice';
import { formatAmount, formatDateTime } from '../lib/format';
import {
  canPayFrom,
  EMPTY_DRAFT,
  fieldOfRefusal,
  IdempotencyKeys,
  SEPA_CURRENCY,
  toPaymentOrder,
  validatePayment,
  type PaymentDraft,
  type PaymentErrors,
  type PaymentField,
} from '../lib/payment-form';
import { useResumableSubscription } from '../lib/use-resumable-subscription';

/** ISO 20022 statuses in the words an owner reads, and how each looks. */
const STATUS: Record<PaymentStatus, { words: string; tone: 'ok' | 'bad' | 'open' }> = {
  RCVD: { words: 'Waiting for your confirmation at the bank', tone: 'open' },
  ACTC: { words: 'Accepted by the bank', tone: 'open' },
  ACCP: { words: 'Accepted by the bank', tone: 'open' },
  ACSP: { words: 'Authorised, on its way', tone: 'open' },
  PDNG: { words: 'Pending at the bank', tone: 'open' },
  ACSC: { words: 'Paid', tone: 'ok' },
  RJCT: { words: 'Rejected', tone: 'bad' },
  CANC: { words: 'Cancelled', tone: 'bad' },
};

/** Pay a supplier: the form, the bank's SCA, then the payments and their statuses as the bank moves them. */
export function PaymentsScreen() {
  return (
    <>
      <PaymentForm />
      <PaymentList />
    </>
  );
}

export function PaymentForm() {
  const [{ data: accounts, error: accountsError }] = useQuery({ query: PayableAccountsDocument });
  const payable = (accounts?.accounts ?? []).filter(canPayFrom);
  const [draft, setDraft] = useState<PaymentDraft>(EMPTY_DRAFT);
  const [errors, setErrors] = useState<PaymentErrors>({});
  const [paid, pay] = useMutation(PaySupplierDocument);
  const keys = useRef(new IdempotencyKeys());
  const field = (name: PaymentField) => ({
    id: `payment-${name}`,
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
    'aria-invalid': Boolean(errors[name]),
    'aria-describedby': errors[name] ? `payment-${name}-error` : undefined,
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validatePayment(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const order = toPaymentOrder(draft);
    const result = await pay({
      input: {
        ...order,
        idempotencyKey: keys.current.keyFor(order),
        currency: SEPA_CURRENCY,
        redirectUri: `${window.location.origin}/app/payments/callback`,
      },
    });
    const refusal = result.error?.graphQLErrors[0];
    const refusedField = fieldOfRefusal(refusal?.extensions);
    if (refusal && refusedField) setErrors({ [refusedField]: refusal.message });
    if (result.data) window.location.assign(result.data.initiatePayment.authorisationUrl);
  };
  const refusedElsewhere =
    paid.error && !fieldOfRefusal(paid.error.graphQLErrors[0]?.extensions) ? paid.error : undefined;

  return (
    <section aria-labelledby="pay-title" className="card">
      <h1 id="pay-title">Pay a supplier</h1>
      <ErrorNotice error={accountsError} />
      {accounts && payable.length === 0 && (
        <p className="warning">
          None of your accounts can pay yet: it takes a euro account at a bank that accepts payments.{' '}
          <Link to="/connect">Connect a bank</Link>
        </p>
      )}
      <form onSubmit={submit} noValidate className="stack">
        <label htmlFor="payment-debtorAccountId">From account</label>
        <select {...field('debtorAccountId')}>
          <option value="">Choose an account</option>
          {payable.map((account) => (
            <option key={account.id} value={account.id}>
              {account.name} · {account.iban} · {account.institution.name}
            </option>
          ))}
        </select>
        <FieldError name="debtorAccountId" errors={errors} />
        <label htmlFor="payment-creditorName">Payee name</label>
        <input autoComplete="off" maxLength={70} {...field('creditorName')} />
        <FieldError name="creditorName" errors={errors} />
        <label htmlFor="payment-creditorIban">Payee IBAN</label>
        <input
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="characters"
          className="iban"
          {...field('creditorIban')}
        />
        <FieldError name="creditorIban" errors={errors} />
        <label htmlFor="payment-amount">Amount (EUR)</label>
        <input inputMode="decimal" autoComplete="off" {...field('amount')} />
        <FieldError name="amount" errors={errors} />
        <label htmlFor="payment-remittanceInformation">
          Reference <span className="muted">(optional, e.g. the invoice number)</span>
        </label>
        <input maxLength={140} autoComplete="off" {...field('remittanceInformation')} />
        <FieldError name="remittanceInformation" errors={errors} />
        <ErrorNotice error={refusedElsewhere} />
        <p className="help">
          Your bank shows you the amount and the payee and asks you to confirm: nothing is paid before that.
        </p>
        <button type="submit" disabled={paid.fetching}>
          Continue to your bank
        </button>
      </form>
    </section>
  );
}

function FieldError({ name, errors }: { name: PaymentField; errors: PaymentErrors }) {
  return errors[name] ? (
    <p id={`payment-${name}-error`} className="error field-error">
      {errors[name]}
    </p>
  ) : null;
}

/** The later of two readings of one payment: a live event may arrive before or after the list's own read. */
function newer(a: PaymentRowFragment, b: PaymentRowFragment | undefined): PaymentRowFragment {
  return b && b.updatedAt > a.updatedAt ? b : a;
}

function PaymentList() {
  const [{ data, error }, reload] = useQuery({ query: RecentPaymentsDocument, variables: { first: 50 } });
  const [updates, setUpdates] = useState<Record<string, PaymentRowFragment>>({});
  const stream = useResumableSubscription(
    PaymentUpdatesDocument,
    { after: undefined },
    (event) => event.paymentStatusChanged.cursor,
    ({ paymentStatusChanged: { payment } }) =>
      setUpdates((current) => ({ ...current, [payment.id]: newer(payment, current[payment.id]) })),
  );
  // Read the list again once the stream is live, so that no change falls between the first read and the stream.
  useEffect(() => {
    if (stream.state === 'live') reload({ requestPolicy: 'network-only' });
  }, [stream.state, reload]);
  const rows = (data?.payments.edges ?? []).map(({ node }) => newer(node, updates[node.id]));
  return (
    <section aria-labelledby="payments-title">
      <h2 id="payments-title">Payments</h2>
      <ErrorNotice error={error} />
      {data && rows.length === 0 && <p>No payment yet.</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table aria-labelledby="payments-title" className="payments">
            <thead>
              <tr>
                <th scope="col">Payee</th>
                <th scope="col" className="amount">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">From</th>
                <th scope="col">Reference</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody aria-live="polite">
              {rows.map((payment) => (
                <tr key={payment.id}>
                  <th scope="row">
                    {payment.creditorName}
                    <span className="iban muted block">{friendlyFormatIBAN(payment.creditorIban)}</span>
                  </th>
                  <td className="amount">{formatAmount(payment.amount, payment.currency)}</td>
                  <td>
                    <PaymentStatusBadge payment={payment} />
                  </td>
                  <td>{payment.debtorAccount.name}</td>
                  <td className="nowrap">{payment.remittanceInformation ?? <span className="muted">none</span>}</td>
                  <td className="nowrap">{formatDateTime(payment.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PaymentStatusBadge({ payment, withReason = true }: { payment: PaymentRowFragment; withReason?: boolean }) {
  const { words, tone } = STATUS[payment.status];
  return (
    <>
      <span className={`badge payment-${tone}`}>{words}</span>
      {withReason && payment.statusReason && <span className="muted block">{payment.statusReason}</span>}
    </>
  );
}

/** The gateway's reasons are clauses ("the payer refused the payment at the bank"): shown as a sentence. */
function sentence(clause: string): string {
  const text = clause.trim();
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

/** Where the bank sends the browser back after SCA (through the gateway); the status then moves live. */
export function PaymentResultScreen() {
  const [params] = useSearchParams();
  const paymentId = params.get('paymentId') ?? '';
  const [{ data, error }] = useQuery({ query: PaymentByIdDocument, variables: { id: paymentId }, pause: !paymentId });
  const [live, setLive] = useState<PaymentRowFragment>();
  // From "0", kept to this payment: a change the poll made before this screen subscribed is still shown.
  useResumableSubscription(
    PaymentUpdatesDocument,
    { after: '0' },
    (event) => event.paymentStatusChanged.cursor,
    ({ paymentStatusChanged: { payment } }) =>
      payment.id === paymentId && setLive((current) => (current ? newer(payment, current) : payment)),
    Boolean(paymentId),
  );
  const payment = data?.payment && live ? newer(live, data.payment) : (live ?? data?.payment);
  const status = payment?.status ?? params.get('status');
  const failed = status === 'RJCT' || status === 'CANC';
  return (
    <section className="card" aria-labelledby="payment-result-title">
      <h1 id="payment-result-title">
        {failed ? 'The payment was not made' : status === 'ACSC' ? 'Payment made' : 'Payment authorised at your bank'}
      </h1>
      {failed && (
        <p role="alert">
          {sentence(payment?.statusReason ?? params.get('reason') ?? 'your bank did not execute it')} Nothing was paid.
        </p>
      )}
      <ErrorNotice error={error} />
      {payment && (
        <dl className="facts" role="status" aria-live="polite">
          <dt>Status</dt>
          <dd>
            <PaymentStatusBadge payment={payment} withReason={false} />
          </dd>
          <dt>Amount</dt>
          <dd>{formatAmount(payment.amount, payment.currency)}</dd>
          <dt>To</dt>
          <dd>
            {payment.creditorName} <span className="iban">{friendlyFormatIBAN(payment.creditorIban)}</span>
          </dd>
          <dt>From</dt>
          <dd>{payment.debtorAccount.name}</dd>
          <dt>Reference</dt>
          <dd>{payment.remittanceInformation ?? 'none'}</dd>
        </dl>
      )}
      {!failed && status !== 'ACSC' && (
        <p className="help">The bank executes it now; this page shows when it is paid.</p>
      )}
      <Link className="button" to="/payments">
        Back to payments
      </Link>
    </section>
  );
}
