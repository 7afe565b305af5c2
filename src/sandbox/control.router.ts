import { randomUUID, timingSafeEqual } from 'node:crypto';
import Decimal from 'decimal.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isValidIBAN } from 'ibantools';
import { z } from 'zod';
import { SANDBOX_BANKS, type SandboxBankSlug } from './banks';
import type { BankConsents, ConsentEnding } from './bank-context';
import type { SandboxClock } from './clock';
import type { FaultSwitch } from './faults';
import { type Ledger, decimalString } from './ledger';
import type { OAuthClients } from './oauth-clients';
import { DAY_MS } from './seed-data';

/**
 * The sandbox control API over HTTP (`{sandbox}/_control`), for testers, client CI and demos outside the gateway
 * process: faults per bank, lines added to accounts, the clock, consents ended at the bank. Served only when the
 * sandbox is given a control token, and only to requests bearing it.
 */

export interface ControlDeps {
  token: string;
  faults: FaultSwitch;
  ledger: Ledger;
  clock: SandboxClock;
  consents: Map<SandboxBankSlug, BankConsents>;
  oauthClients: OAuthClients;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const count = z.union([z.literal('always'), z.number().int().min(0)]);
const faultsSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  serverError: count.optional(),
  serverErrorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  tooManyRequests: z.strictObject({ count, retryAfterSeconds: z.number().int().min(0).max(86_400) }).optional(),
  truncatedJson: count.optional(),
  consentExpired: z.boolean().optional(),
  consentRevoked: z.boolean().optional(),
});

const text = (max: number) => z.string().trim().min(1).max(max);
const lineSchema = z.strictObject({
  amount: z
    .string()
    .regex(/^-?\d{1,12}(\.\d{1,2})?$/, { error: 'must be a signed decimal string with at most 2 decimals' }),
  status: z.enum(['booked', 'pending']).default('booked'),
  counterpartyName: text(70).optional(),
  counterpartyIban: z
    .string()
    .transform((iban) => iban.replace(/\s+/g, '').toUpperCase())
    .refine(isValidIBAN, { error: 'must be a valid IBAN' })
    .optional(),
  remittanceUnstructured: text(140).optional(),
  remittanceStructured: text(35).optional(),
  endToEndId: text(35).optional(),
  bankTransactionCode: z
    .string()
    .regex(/^[A-Z]{4}-[A-Z]{4}-[A-Z]{4}$/, { error: 'must be Domain-Family-SubFamily' })
    .optional(),
});

const clientSchema = z.strictObject({
  redirectUris: z
    .array(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URI' }))
    .min(1)
    .max(20),
});

const clockSchema = z.strictObject({
  advanceSeconds: z
    .number()
    .int()
    .min(0)
    .max(400 * 86_400)
    .optional(),
  advanceDays: z.number().int().min(0).max(400).optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ControlError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

function bankSlug(req: Request): SandboxBankSlug {
  const bank = SANDBOX_BANKS.find((b) => b.slug === req.params.bank);
  if (!bank)
    throw new ControlError(
      404,
      `no sandbox bank ${req.params.bank}; banks: ${SANDBOX_BANKS.map((b) => b.slug).join(', ')}`,
    );
  return bank.slug;
}

function ending(req: Request): ConsentEnding {
  if (req.params.ending === 'expire') return 'expired';
  if (req.params.ending === 'revoke') return 'revoked';
  throw new ControlError(404, 'a consent can be ended with /expire or /revoke');
}

function requireToken(token: string) {
  const expected = Buffer.from(`Bearer ${token}`);
  return (req: Request, _res: Response, next: NextFunction): void => {
    const given = Buffer.from(req.get('Authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ControlError(401, 'the control API needs Authorization: Bearer <sandbox control token>');
    }
    next();
  };
}

export function controlRouter(deps: ControlDeps): Router {
  const { faults, ledger, clock, consents, oauthClients } = deps;
  const router = express.Router();
  router.use(requireToken(deps.token), express.json());

  router.get('/faults', (_req, res) => {
    res.json(Object.fromEntries(SANDBOX_BANKS.map((b) => [b.slug, faults.get(b.slug)])));
  });
  router.put('/banks/:bank/faults', (req, res) => {
    const slug = bankSlug(req);
    faults.set(slug, parse(faultsSchema, req.body));
    res.json(faults.get(slug));
  });
  router.delete('/banks/:bank/faults', (req, res) => {
    const slug = bankSlug(req);
    faults.resetBank(slug);
    res.json(faults.get(slug));
  });

  router.post('/accounts/:iban/transactions', (req, res) => {
    const account = ledger.accountByIban(req.params.iban as string);
    if (!account) throw new ControlError(404, 'no sandbox account has this IBAN');
    const line = parse(lineSchema, req.body);
    const amount = new Decimal(line.amount);
    if (amount.isZero()) throw new ControlError(400, 'amount: must not be zero');
    const entry = ledger.addLine(account, { ...line, amount }, `CTL-${randomUUID()}`);
    res.status(201).json({
      id: entry.id,
      status: line.status,
      amount: decimalString(entry.amount),
      bank: account.bankSlug,
      accountResourceId: account.resourceId,
    });
  });
  router.post('/transactions/:id/book', (req, res) => {
    const entry = ledger.bookLine(req.params.id as string);
    if (!entry) throw new ControlError(404, 'no pending line added through the control API has this id');
    res.json({ id: entry.id, status: 'booked', bookingDate: entry.bookingDate });
  });

  router.get('/oauth-clients', (_req, res) => {
    res.json(oauthClients.list());
  });
  router.put('/oauth-clients/:clientId', (req, res) => {
    const { redirectUris } = parse(clientSchema, req.body);
    oauthClients.register(req.params.clientId as string, redirectUris);
    res.json(oauthClients.list()[req.params.clientId as string]);
  });

  router.get('/clock', (_req, res) => {
    res.json({ now: clock.now().toISOString(), offsetSeconds: Math.round(clock.offset / 1000) });
  });
  router.post('/clock', (req, res) => {
    const { advanceSeconds = 0, advanceDays = 0 } = parse(clockSchema, req.body);
    clock.advance(advanceSeconds * 1000 + advanceDays * DAY_MS);
    res.json({ now: clock.now().toISOString(), offsetSeconds: Math.round(clock.offset / 1000) });
  });

  router.post('/banks/:bank/consents/:id/:ending', (req, res) => {
    const how = ending(req);
    const bank = consents.get(bankSlug(req)) as BankConsents;
    if (!bank.end(req.params.id as string, how))
      throw new ControlError(404, 'no live consent (or token) with this id at this bank');
    res.json({ ended: 1, status: how });
  });
  router.post('/banks/:bank/psus/:psuId/consents/:ending', (req, res) => {
    const how = ending(req);
    const bank = consents.get(bankSlug(req)) as BankConsents;
    res.json({ ended: bank.endAllOf(req.params.psuId as string, how), status: how });
  });

  router.use((_req: Request, _res: Response, next: NextFunction) =>
    next(new ControlError(404, 'no such control endpoint')),
  );
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof ControlError) res.status(err.status).json({ error: err.message });
    else if (err instanceof SyntaxError) res.status(400).json({ error: 'the body is not valid JSON' });
    else res.status(500).json({ error: 'unexpected error' });
  });
  return router;
}
