import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { type BankConsents, type ConsentEnding, bankBase } from './bank-context';
import { renderScaPage, serveScaPage, withQuery } from './sca-page';
import { DAY_MS, isoDate } from './seed-data';
import {
  type AccountAccess,
  type AccountReference,
  type BgBank,
  BgError,
  type BgRequest,
  type Consent,
  type ConsentStatus,
  type Resource,
  absoluteUri,
  href,
  parseDate,
} from './berlin-group.shared';

/** Berlin Group consents: creation, status, authorisations, the checks every AIS call passes, and the SCA page. */

/** The consent's status now: validity runs out, and the bank may have expired or revoked it (fault knobs). */
export function refreshConsent(bg: BgBank, consent: Consent): Consent {
  const { now, faults } = bg.ctx;
  const { slug } = bg;
  if (consent.status !== 'valid') return consent;
  const f = faults.get(slug);
  if (f.consentRevoked) consent.status = 'revokedByPsu';
  else if (f.consentExpired || isoDate(now()) > consent.validUntil) consent.status = 'expired';
  return consent;
}

export function findConsent(bg: BgBank, id: string | undefined): Consent {
  const { consents } = bg;
  const consent = id ? consents.get(id) : undefined;
  if (!consent) throw new BgError(403, 'CONSENT_UNKNOWN', 'No consent with this id at this bank');
  return refreshConsent(bg, consent);
}

/** The consent behind an AIS call, checked valid, with the unattended access budget applied. */
export function authorise(
  bg: BgBank,
  req: Request,
  resource: Resource,
  accountId: string | undefined,
  counted: boolean,
): Consent {
  const { ledger, now, access } = bg.ctx;
  const { slug } = bg;
  const header = req.get('Consent-ID');
  if (!header) throw new BgError(400, 'FORMAT_ERROR', 'Consent-ID header is required');
  const consent = findConsent(bg, header);
  switch (consent.status) {
    case 'valid':
      break;
    case 'expired':
      throw new BgError(401, 'CONSENT_EXPIRED', 'The consent has expired');
    case 'revokedByPsu':
      throw new BgError(401, 'CONSENT_INVALID', 'The consent was revoked by the PSU');
    case 'terminatedByTpp':
      throw new BgError(401, 'CONSENT_INVALID', 'The consent was terminated by the TPP');
    case 'rejected':
      throw new BgError(401, 'CONSENT_INVALID', 'The PSU rejected the consent');
    case 'received':
      throw new BgError(401, 'CONSENT_INVALID', 'The consent is not authorised yet');
  }
  if (accountId !== undefined) {
    const account = ledger.account(slug, accountId);
    if (!account || account.psuId !== consent.psuId) {
      throw new BgError(404, 'RESOURCE_UNKNOWN', 'No such account for this consent');
    }
    if (!consent.grants?.[resource].has(accountId)) {
      throw new BgError(401, 'CONSENT_INVALID', `The consent does not cover ${resource} of this account`);
    }
  }
  consent.lastActionDate = isoDate(now());
  // Berlin Group 1.3.x §6.3.1.1 and PSD2 RTS art. 36(5): only accesses without the PSU present (no PSU-IP-Address)
  // count against frequencyPerDay, per account and resource, per UTC day.
  if (counted && req.get('PSU-IP-Address') === undefined) {
    const allowed = access.tryAccess(
      { bank: slug, consent: consent.id, account: accountId ?? '*', resource, day: isoDate(now()) },
      consent.frequencyPerDay,
    );
    if (!allowed) {
      // The budget comes back at the next UTC midnight; saying so lets the TPP schedule instead of retrying.
      const secondsLeft = Math.ceil((DAY_MS - (now().getTime() % DAY_MS)) / 1000);
      throw new BgError(429, 'ACCESS_EXCEEDED', `More than ${consent.frequencyPerDay} unattended accesses today`, {
        'Retry-After': String(secondsLeft),
      });
    }
  }
  return consent;
}

function consentLinks(req: Request, consent: Consent) {
  const base = bankBase(req);
  return {
    // The SCA link names the authorisation, never the consent: the consent id is what AIS calls present (Consent-ID).
    scaRedirect: href(`${base}/sca/consents/${consent.authorisationIds[0]}`),
    self: href(`${base}/v1/consents/${consent.id}`),
    status: href(`${base}/v1/consents/${consent.id}/status`),
    scaStatus: href(`${base}/v1/consents/${consent.id}/authorisations/${consent.authorisationIds[0]}`),
  };
}

function scaStatusOf(consent: Consent): string {
  if (consent.status === 'received') return 'received';
  return consent.status === 'rejected' ? 'failed' : 'finalised';
}

function createConsent(bg: BgBank, req: BgRequest, res: Response): void {
  const { bank, now } = bg.ctx;
  const { consents } = bg;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const redirectUri = absoluteUri(req.get('TPP-Redirect-URI'), 'TPP-Redirect-URI');
  if (!redirectUri) throw new BgError(400, 'FORMAT_ERROR', 'TPP-Redirect-URI is required (redirect SCA approach)');
  const nokRedirectUri = absoluteUri(req.get('TPP-Nok-Redirect-URI'), 'TPP-Nok-Redirect-URI');
  const accessBody = body.access;
  if (typeof accessBody !== 'object' || accessBody === null)
    throw new BgError(400, 'FORMAT_ERROR', 'access is required');
  const frequencyPerDay = body.frequencyPerDay;
  if (typeof frequencyPerDay !== 'number' || !Number.isInteger(frequencyPerDay) || frequencyPerDay < 1) {
    throw new BgError(400, 'FORMAT_ERROR', 'frequencyPerDay must be a positive integer');
  }
  if (typeof body.recurringIndicator !== 'boolean') {
    throw new BgError(400, 'FORMAT_ERROR', 'recurringIndicator is required');
  }
  const requested = parseDate(body.validUntil, 'validUntil');
  if (!requested) throw new BgError(400, 'FORMAT_ERROR', 'validUntil is required');
  const today = isoDate(now());
  if (requested < today) throw new BgError(400, 'PERIOD_INVALID', 'validUntil is in the past');
  // Berlin Group 1.3.x §6.3.1.1: 9999-12-31 asks for the maximum; the bank caps any date past its maximum.
  const maximum = isoDate(new Date(now().getTime() + bank.maxConsentDays * DAY_MS));
  const consent: Consent = {
    id: randomUUID(),
    access: accessBody as AccountAccess,
    recurringIndicator: body.recurringIndicator,
    validUntil: requested > maximum ? maximum : requested,
    frequencyPerDay,
    status: 'received',
    createdAt: now(),
    lastActionDate: today,
    redirectUri,
    nokRedirectUri,
    authorisationIds: [randomUUID()],
  };
  consents.set(consent.id, consent);
  res
    .status(201)
    .set('Location', `${bankBase(req)}/v1/consents/${consent.id}`)
    .set('ASPSP-SCA-Approach', 'REDIRECT')
    .json({ consentStatus: consent.status, consentId: consent.id, _links: consentLinks(req, consent) });
}

function readConsent(bg: BgBank, req: BgRequest, res: Response): void {
  const consent = findConsent(bg, req.params.consentId);
  res.json({
    access: consent.access,
    recurringIndicator: consent.recurringIndicator,
    validUntil: consent.validUntil,
    frequencyPerDay: consent.frequencyPerDay,
    lastActionDate: consent.lastActionDate,
    consentStatus: consent.status,
    _links: { account: href(`${bankBase(req)}/v1/accounts`) },
  });
}

function readConsentStatus(bg: BgBank, req: BgRequest, res: Response): void {
  res.json({ consentStatus: findConsent(bg, req.params.consentId).status });
}

function deleteConsent(bg: BgBank, req: BgRequest, res: Response): void {
  const consent = findConsent(bg, req.params.consentId);
  if (consent.status === 'valid' || consent.status === 'received') consent.status = 'terminatedByTpp';
  res.status(204).end();
}

function startConsentAuthorisation(bg: BgBank, req: BgRequest, res: Response): void {
  const consent = findConsent(bg, req.params.consentId);
  const authorisationId = randomUUID();
  consent.authorisationIds.push(authorisationId);
  res
    .status(201)
    .set('ASPSP-SCA-Approach', 'REDIRECT')
    .json({
      scaStatus: scaStatusOf(consent),
      authorisationId,
      _links: {
        scaRedirect: href(`${bankBase(req)}/sca/consents/${authorisationId}`),
        scaStatus: href(`${bankBase(req)}/v1/consents/${consent.id}/authorisations/${authorisationId}`),
      },
    });
}

function listConsentAuthorisations(bg: BgBank, req: BgRequest, res: Response): void {
  res.json({ authorisationIds: findConsent(bg, req.params.consentId).authorisationIds });
}

function readConsentAuthorisation(bg: BgBank, req: BgRequest, res: Response): void {
  const consent = findConsent(bg, req.params.consentId);
  if (!consent.authorisationIds.includes(req.params.authorisationId)) {
    throw new BgError(403, 'RESOURCE_UNKNOWN', 'No such authorisation');
  }
  res.json({ scaStatus: scaStatusOf(consent) });
}

function consentDetails(bg: BgBank, consent: Consent): [string, string][] {
  const { bank } = bg.ctx;
  const a = consent.access;
  const scopes = a.allPsd2
    ? 'Accounts, balances and transactions of all accounts'
    : a.availableAccountsWithBalance
      ? 'List of accounts with balances'
      : a.availableAccounts
        ? 'List of accounts'
        : [
            a.accounts?.length ? `Accounts: ${a.accounts.map((r) => r.iban).join(', ')}` : '',
            a.balances?.length ? `Balances: ${a.balances.map((r) => r.iban).join(', ')}` : '',
            a.transactions?.length ? `Transactions: ${a.transactions.map((r) => r.iban).join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ') || 'Accounts, balances and transactions of the accounts you choose';
  const days = Math.round(
    (Date.parse(`${consent.validUntil}T00:00:00Z`) - Date.parse(`${isoDate(consent.createdAt)}T00:00:00Z`)) / DAY_MS,
  );
  const readsTransactions =
    a.allPsd2 ||
    a.transactions?.length ||
    !(a.availableAccounts || a.availableAccountsWithBalance || a.accounts?.length || a.balances?.length);
  return [
    ['Access', scopes],
    ['Valid until', `${consent.validUntil} (${days} days)`],
    // Berlin Group 1.3.x consents carry no history window: the TPP picks dateFrom per read, within the bank's limit.
    ...(readsTransactions
      ? [['Transaction history', `up to the last ${bank.maxHistoryDays} days`] as [string, string]]
      : []),
    ['Unattended accesses per day', String(consent.frequencyPerDay)],
  ];
}

/** The resources a consent covers, resolved against the PSU's accounts when the PSU approves. */
function grantsFor(bg: BgBank, consent: Consent, psuId: string): Record<Resource, Set<string>> {
  const { ledger } = bg.ctx;
  const { slug } = bg;
  const owned = ledger.accountsOf(slug, psuId);
  const all = new Set(owned.map((a) => a.resourceId));
  const a = consent.access;
  const byIban = (refs: AccountReference[] | undefined) =>
    new Set(
      owned.filter((acc) => refs?.some((r) => r.iban?.replace(/\s+/g, '') === acc.iban)).map((acc) => acc.resourceId),
    );
  const explicit = a.accounts?.length || a.balances?.length || a.transactions?.length;
  if (a.allPsd2 || !explicit) {
    if (a.availableAccounts && !a.allPsd2) return { accounts: all, balances: new Set(), transactions: new Set() };
    if (a.availableAccountsWithBalance && !a.allPsd2) return { accounts: all, balances: all, transactions: new Set() };
    return { accounts: all, balances: new Set(all), transactions: new Set(all) };
  }
  const balances = byIban(a.balances);
  const transactions = byIban(a.transactions);
  // Berlin Group 1.3.x §6.3.1.1: access to balances or transactions of an account implies access to the account.
  const accounts = new Set([...byIban(a.accounts), ...balances, ...transactions]);
  return { accounts, balances, transactions };
}

/** The consent’s SCA page: approving fixes the accounts the consent covers. */
export function serveConsentScaPage(router: Router, bg: BgBank): void {
  const { consents } = bg;
  const { bank } = bg.ctx;
  serveScaPage(router, bank.name, {
    path: '/sca/consents/:id',
    find: (authorisationId) => [...consents.values()].find((c) => c.authorisationIds.includes(authorisationId)),
    notFound: 'Unknown consent.',
    title: 'Authorise access to your accounts',
    details: (consent) => consentDetails(bg, consent),
    openStatus: 'received',
    noun: 'consent',
    onLocked: (consent) => {
      consent.status = 'rejected';
    },
    onAuthenticated: (consent, { psu, decision }, res, page) => {
      if (decision === 'deny') {
        consent.status = 'rejected';
        res.redirect(
          302,
          withQuery(consent.nokRedirectUri ?? consent.redirectUri, { consentId: consent.id, error: 'access_denied' }),
        );
        return;
      }
      const grants = grantsFor(bg, consent, psu.id);
      if (grants.accounts.size === 0) {
        res
          .status(403)
          .type('html')
          .send(renderScaPage({ ...page, error: 'None of the requested accounts is held by this user.' }));
        return;
      }
      consent.psuId = psu.id;
      consent.grants = grants;
      consent.status = 'valid';
      res.redirect(302, withQuery(consent.redirectUri, { consentId: consent.id }));
    },
  });
}

const live = (consent: Consent) => consent.status === 'valid' || consent.status === 'received';
const ending = (how: ConsentEnding): ConsentStatus => (how === 'revoked' ? 'revokedByPsu' : 'expired');

/** What the control API may do to this bank's consents. */
export function consentControl(bg: BgBank): BankConsents {
  const { consents } = bg;
  return {
    end: (id, how) => {
      const consent = consents.get(id);
      if (!consent || !live(consent)) return false;
      consent.status = ending(how);
      return true;
    },
    endAllOf: (psuId, how) => {
      const ended = [...consents.values()].filter((c) => c.psuId === psuId && live(c));
      for (const consent of ended) consent.status = ending(how);
      return ended.length;
    },
  };
}

export function consentRoutes(api: Router, bg: BgBank): void {
  api.post('/consents', (req, res) => createConsent(bg, req, res));
  api.get('/consents/:consentId', (req, res) => readConsent(bg, req, res));
  api.get('/consents/:consentId/status', (req, res) => readConsentStatus(bg, req, res));
  api.delete('/consents/:consentId', (req, res) => deleteConsent(bg, req, res));
  api.post('/consents/:consentId/authorisations', (req, res) => startConsentAuthorisation(bg, req, res));
  api.get('/consents/:consentId/authorisations', (req, res) => listConsentAuthorisations(bg, req, res));
  api.get('/consents/:consentId/authorisations/:authorisationId', (req, res) => readConsentAuthorisation(bg, req, res));
}
