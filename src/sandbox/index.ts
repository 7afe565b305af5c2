import express from 'express';
import { SANDBOX_BANKS, type SandboxBankSlug } from './banks';
import type { BankConsents, BankContext } from './bank-context';
import { berlinGroupBank } from './berlin-group.router';
import { SandboxClock } from './clock';
import { controlRouter } from './control.router';
import { type BankFaults, FaultSwitch, type SandboxFaults } from './faults';
import { Ledger } from './ledger';
import { SandboxState } from './sandbox-state';
import type { LedgerEntry } from './seed-data';
import { OAuthClients } from './oauth-clients';
import { AccessCounter, type RequestRecord, RequestLog } from './request-log';
import { stetBank } from './stet.router';

export { SANDBOX_BANKS, type SandboxBank, type SandboxBankSlug } from './banks';
export type { BankFaults, FaultCount, SandboxFaults } from './faults';
export type { RequestRecord } from './request-log';
export { SANDBOX_OTP, SANDBOX_PASSWORD, SANDBOX_PSUS } from './seed-data';

export interface SandboxOptions {
  /** The sandbox's clock; every time-dependent answer (history, pending → booked, expiry, daily limits) uses it. */
  now?: () => Date;
  /** Fault settings per bank at start, and what `control.resetFaults()` returns to. */
  faults?: SandboxFaults;
  /** Seed of the generated data: the same seed and clock give the same accounts, balances and transactions. */
  seed?: string;
  /**
   * Serves the control API under `/_control` to requests bearing this token. Without it, the control API does not
   * exist: the gateway passes one only outside production.
   */
  controlToken?: string;
  /**
   * OAuth2 clients of the STET bank and their redirect URIs; `control.registerOAuthClient` adds more (the gateway
   * registers its callback once it knows its URL). An authorisation request for any other URI is refused.
   */
  oauthClients?: Readonly<Record<string, readonly string[]>>;
  /** Where the banks keep their state across restarts (the gateway: `{DATA_DIR}/sandbox-state.json`); memory only without. */
  stateFile?: string;
}

export interface SandboxControl {
  setFaults(slug: SandboxBankSlug, faults: BankFaults): void;
  resetFaults(): void;
  /** Forgets the unattended accesses counted today, at every bank. */
  resetAccessCounters(): void;
  /** What reached a bank, oldest first. */
  requests(slug: SandboxBankSlug): RequestRecord[];
  clearRequests(): void;
  registerOAuthClient(clientId: string, redirectUris: readonly string[]): void;
  /** Moves the sandbox clock forward (the control API's `POST /_control/clock`). */
  advanceClock(ms: number): void;
}

/**
 * The sandbox banks as one express app: each bank under its `path` (`/berlin-group`, `/stet`, `/flaky`). Links and
 * redirects are built from the incoming request, so the app can be mounted anywhere (the gateway uses `/sandbox`).
 */
export function createSandbox(options: SandboxOptions = {}): {
  app: express.Express;
  control: SandboxControl;
  /** Writes the state file now, before a shutdown. */
  saveState(): void;
} {
  const state = new SandboxState(options.stateFile);
  const clock = new SandboxClock(options.now ?? (() => new Date()));
  state.register('clock', { snapshot: () => clock.offset, restore: (offsetMs) => clock.restore(offsetMs as number) });
  const { now } = clock;
  const consents = new Map<SandboxBankSlug, BankConsents>();
  const oauthClients = new OAuthClients(options.oauthClients);
  state.register('oauthClients', {
    snapshot: () => oauthClients.list(),
    restore: (clients) =>
      Object.entries(clients as Record<string, string[]>).forEach(([id, uris]) => oauthClients.register(id, uris)),
  });
  const ledger = new Ledger(options.seed ?? 'passerelle', now);
  state.register('ledger', {
    snapshot: () => ledger.snapshot(),
    restore: (entries) => ledger.restore(entries as LedgerEntry[]),
  });
  const faults = new FaultSwitch(options.faults);
  const log = new RequestLog();
  const access = new AccessCounter();
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    // Reads may only refresh what is derived again on load (expiry); every other method may change the state.
    if (req.method !== 'GET' && req.method !== 'HEAD') res.once('finish', () => state.changed());
    next();
  });
  if (options.controlToken) {
    app.use('/_control', controlRouter({ token: options.controlToken, faults, ledger, clock, consents, oauthClients }));
  }

  for (const bank of SANDBOX_BANKS) {
    const ctx: BankContext = { bank, ledger, now, faults, log, access, consents, oauthClients, state };
    app.use(bank.path, bank.standard === 'STET' ? stetBank(ctx) : berlinGroupBank(ctx));
  }

  app.get('/', (req, res) => {
    const base = `${req.protocol}://${req.get('host')}${req.baseUrl}`;
    res.json({
      banks: SANDBOX_BANKS.map((b) => ({
        slug: b.slug,
        name: b.name,
        country: b.country,
        bic: b.bic,
        standard: b.standard,
        baseUrl: `${base}${b.path}`,
      })),
    });
  });

  const control: SandboxControl = {
    setFaults: (slug, bankFaults) => faults.set(slug, bankFaults),
    resetFaults: () => faults.reset(),
    resetAccessCounters: () => access.reset(),
    requests: (slug) => log.list(slug),
    clearRequests: () => log.clear(),
    registerOAuthClient: (clientId, redirectUris) => {
      oauthClients.register(clientId, redirectUris);
      state.changed();
    },
    advanceClock: (ms) => {
      clock.advance(ms);
      state.changed();
    },
  };
  return { app, control, saveState: () => state.flush() };
}
