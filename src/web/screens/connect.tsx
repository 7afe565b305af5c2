import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { BankListDocument, StartBankConnectionDocument, type BankListQuery } from '../generated/graphql';
import { durationChoices, READ_ONLY_SCOPES, validateConnectChoice, type Scope } from '../lib/connect-form';
import { SCOPE_LABELS } from '../lib/format';
import type { ConnectLinkJourney } from '../lib/session';
import { ErrorNotice } from '../components/error-notice';

type Bank = BankListQuery['institutions']['edges'][number]['node'];

/** Steps 1 and 2 of the journey as screens: pick a bank, then choose what to share and for how long. */
export function ConnectScreen({ link }: { link?: ConnectLinkJourney }) {
  const [bank, setBank] = useState<Bank>();
  return (
    <section aria-labelledby="connect-title">
      <h1 id="connect-title">Connect a bank</h1>
      <ol className="steps" aria-label="Steps">
        <li aria-current={!bank ? 'step' : undefined}>Choose your bank</li>
        <li aria-current={bank ? 'step' : undefined}>Choose what to share</li>
        <li>Confirm at your bank</li>
      </ol>
      {bank ? (
        <ShareForm bank={bank} link={link} onBack={() => setBank(undefined)} />
      ) : (
        <BankPicker preselected={link?.institutionId} onPicked={setBank} />
      )}
    </section>
  );
}

function BankPicker({ preselected, onPicked }: { preselected?: string; onPicked: (bank: Bank) => void }) {
  const [search, setSearch] = useState('');
  const [country, setCountry] = useState('');
  const [chosen, setChosen] = useState(preselected);
  const [{ data, fetching, error }] = useQuery({
    query: BankListDocument,
    variables: { search: search.trim() || undefined, country: country || undefined },
  });
  const banks = data?.institutions.edges.map((edge) => edge.node) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const bank = banks.find((candidate) => candidate.id === chosen);
    if (bank) onPicked(bank);
  };
  return (
    <form onSubmit={submit} className="card">
      <h2>Choose your bank</h2>
      <div className="filters">
        <label>
          Search banks
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
        <label>
          Country
          <select value={country} onChange={(event) => setCountry(event.target.value)}>
            <option value="">All countries</option>
            {['DE', 'FR', 'NL', 'BE', 'ES', 'IT'].map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNotice error={error} />
      <fieldset>
        <legend>Banks</legend>
        {fetching && !data && <p>Loading banks…</p>}
        {data && banks.length === 0 && <p>No bank matches this search.</p>}
        <ul className="bank-list">
          {banks.map((bank) => (
            <li key={bank.id}>
              <label className="bank-option">
                <input
                  type="radio"
                  name="bank"
                  value={bank.id}
                  checked={chosen === bank.id}
                  onChange={() => setChosen(bank.id)}
                />
                <span>{bank.name}</span>
                <span className="muted">
                  {bank.country}
                  {bank.bic ? ` · ${bank.bic}` : ''}
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <button type="submit" disabled={!chosen}>
        Continue
      </button>
    </form>
  );
}

function ShareForm({ bank, link, onBack }: { bank: Bank; link?: ConnectLinkJourney; onBack: () => void }) {
  const durations = durationChoices(bank);
  const [scopes, setScopes] = useState<Scope[]>(READ_ONLY_SCOPES);
  const [validForDays, setValidForDays] = useState(durations.includes(90) ? 90 : durations[0]);
  const [historyDays, setHistoryDays] = useState(Math.min(90, bank.maxHistoryDays));
  const [errors, setErrors] = useState<ReturnType<typeof validateConnectChoice>>({});
  const [started, start] = useMutation(StartBankConnectionDocument);
  // A connect link may not ask for payments (it lacks INITIATE_PAYMENTS): offer only what it can be granted.
  const offered: Scope[] =
    bank.capabilities.includes('PIS') && !link ? [...READ_ONLY_SCOPES, 'PAYMENTS'] : READ_ONLY_SCOPES;

  const toggle = (scope: Scope) =>
    setScopes((current) => (current.includes(scope) ? current.filter((s) => s !== scope) : [...current, scope]));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const choice = { scopes, validForDays, historyDays };
    const found = validateConnectChoice(choice, bank);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    // With a link, the bank sends the user back to the frontend team's app the link was made for.
    const redirectUri = link?.redirectUri ?? `${window.location.origin}/app/connect/callback`;
    const result = await start({ input: { institutionId: bank.id, ...choice, redirectUri } });
    // Step 3 happens at the bank: the browser leaves the app and comes back to /connect/callback.
    if (result.data) window.location.assign(result.data.startConnection.authorisationUrl);
  };

  return (
    <form onSubmit={submit} className="card" noValidate>
      <h2>Choose what to share with Passerelle</h2>
      <p>
        Bank: <strong>{bank.name}</strong>{' '}
        <button type="button" className="link-button" onClick={onBack}>
          Change bank
        </button>
      </p>
      <fieldset aria-describedby={errors.scopes ? 'scopes-error' : undefined}>
        <legend>Data to share</legend>
        {offered.map((scope) => (
          <label key={scope} className="check">
            <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} />
            {SCOPE_LABELS[scope]}
            {scope === 'PAYMENTS' && (
              <span className="muted"> (lets you pay from this bank, each payment confirmed at the bank)</span>
            )}
          </label>
        ))}
        {errors.scopes && (
          <p id="scopes-error" className="error" role="alert">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      <fieldset>
        <legend>For how long</legend>
        {durations.map((days) => (
          <label key={days} className="check">
            <input
              type="radio"
              name="validForDays"
              checked={validForDays === days}
              onChange={() => setValidForDays(days)}
            />
            {days === bank.maxConsentDays && days !== 30 && days !== 90
              ? `The bank's maximum (${days} days)`
              : `${days} days`}
          </label>
        ))}
        {errors.validForDays && <p className="error">{errors.validForDays}</p>}
      </fieldset>
      <label>
        Days of history
        <input
          type="number"
          min={1}
          max={bank.maxHistoryDays}
          value={historyDays}
          onChange={(event) => setHistoryDays(Number(event.target.value))}
          aria-invalid={Boolean(errors.historyDays)}
        />
      </label>
      {errors.historyDays && <p className="error">{errors.historyDays}</p>}
      <ErrorNotice error={started.error} />
      <p className="help">Your bank will ask you to sign in and confirm. Passerelle never sees your bank password.</p>
      <button type="submit" disabled={started.fetching}>
        Continue
      </button>
    </form>
  );
}
