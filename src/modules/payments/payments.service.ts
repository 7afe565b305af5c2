import { createHash, createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../common/errors';
import { isUuid } from '../../common/ids';
import { decodeCursor, toForwardConnection, type Connection as Page } from '../../common/relay';
import type { JobRunner } from '../../jobs';
import type { Logger } from '../../logger';
import { ProviderError, type PsuContext } from '../../providers';
import { TokenCipher, type EncryptionKey } from '../../security/token-cipher';
import { Account } from '../accounts/account.entity';
import { recordAudit, type AuditEntry } from '../audit/audit.service';
import { Connection } from '../connections/connection.entity';
import { ownerOf } from '../principals/owner-of';
import { isAllowedRedirect } from '../connections/redirect-allow-list';
import type { AppendedEvents, EventsService } from '../events/events.service';
import { InstitutionCapability, type Institution } from '../institutions/institution.entity';
import type { ProviderRegistry } from '../institutions/provider-registry';
import { ApiScope } from '../principals/api-scope';
import { Principal } from '../principals/principal.entity';
import type { AuthenticatedPrincipal } from '../principals/principals.service';
import { FINAL_STATUSES, Payment, PaymentStatus } from './payment.entity';
import { orderHash, parsePaymentOrder, type PaymentOrder, type PaymentOrderInput } from './payment-order';
import { paymentStatusFromProvider } from './payment-status';

/**
 * Over 400 lines on purpose: one payment's lifecycle (idempotent creation, SCA return, polling, cancellation, sweep)
 * shares the row lock, the bank call and the outbox write; validation and status mapping already live apart
 * (payment-order.ts, payment-status.ts).
 */

export const PAYMENT_TOPIC = 'payment';
export const PAYMENT_POLL_JOB = 'payment-status';
export const PAYMENT_SWEEP_JOB = 'payment-sweep';

/** The payload of a `payment` outbox event. */
export interface PaymentEventPayload {
  paymentId: string;
  status: PaymentStatus;
}

export interface PaymentPollJob {
  paymentId: string;
  attempt: number;
}

export interface InitiatedPayment {
  payment: Payment;
  authorisationUrl: string;
}

/** What the payment callback did, for the browser redirect. */
export type PaymentCallbackOutcome = { kind: 'completed'; payment: Payment } | { kind: 'refused'; reason: string };

export interface PaymentsServiceDeps {
  dataSource: DataSource;
  registry: ProviderRegistry;
  events: EventsService;
  jobs: JobRunner;
  /** Encrypts the bank's SCA link at rest, and keys each payment's callback `state`. */
  encryptionKey: EncryptionKey;
  /** The gateway route the banks send the payer's browser back to. */
  callbackUrl: () => string;
  logger: Logger;
  /** First wait between status reads; it doubles up to POLL_MAX_DELAY_MS. */
  pollBaseMs?: number;
}

const POLL_MAX_DELAY_MS = 15 * 60 * 1000;
/** The sweep reads a payment unchanged for this long; polls cover the fresher ones. */
const SWEEP_STALE_MS = 15 * 60 * 1000;
/** Payments older than this are left alone by the sweep: banks answer for a payment's status for a limited time. */
const SWEEP_HORIZON_MS = 30 * 24 * 60 * 60 * 1000;
/** About two days of polling at the longest delay: a payment still open after that is checked again on demand. */
const POLL_MAX_ATTEMPTS = 200;

/**
 * Payment initiation and lifecycle. The idempotency key is owner-scoped and enforced by the database (a unique index
 * and a row lock), not by process memory, so it holds across gateway replicas. Every status change writes the row,
 * an audit entry and an outbox event in one transaction.
 */
export class PaymentsService {
  private readonly cipher: TokenCipher;
  /** The state is derived from the payment's id, so a retried creation sends the bank the same one. */
  private readonly stateKey: Buffer;

  constructor(private readonly deps: PaymentsServiceDeps) {
    this.cipher = new TokenCipher(deps.encryptionKey);
    this.stateKey = Buffer.from(
      hkdfSync('sha256', deps.encryptionKey.key, Buffer.alloc(0), 'passerelle payment state', 32),
    );
  }

  /**
   * Stripe's idempotency rule: the first request with a key creates the payment and calls the bank once; the same
   * key with the same order answers that payment again; with another order it is refused.
   */
  async initiate(
    principal: AuthenticatedPrincipal,
    input: PaymentOrderInput,
    psu: PsuContext,
  ): Promise<InitiatedPayment> {
    if (!principal.scopes.includes(ApiScope.INITIATE_PAYMENTS)) {
      throw new ForbiddenError('this API key may not initiate payments (it lacks INITIATE_PAYMENTS)');
    }
    const ownerId = ownerOf(principal);
    const order = parsePaymentOrder(input);
    const { account, institution } = await this.debtorAccount(ownerId, order);
    if (order.redirectUri) await this.checkRedirect(principal.id, order.redirectUri);

    await this.claimKey(principal, ownerId, order, account);
    const outcome = await this.deps.dataSource.transaction((manager) =>
      this.createAtBank(manager, principal, ownerId, order, account, institution, psu),
    );
    if (outcome.event) await this.deps.events.publish([outcome.event]);
    if (outcome.kind === 'failed') throw outcome.error;
    return { payment: outcome.payment, authorisationUrl: outcome.authorisationUrl };
  }

  /** The payment if it belongs to the owner the principal acts for; otherwise NOT_FOUND, never a hint it exists. */
  async owned(principal: AuthenticatedPrincipal, paymentId: string): Promise<Payment> {
    const payment = isUuid(paymentId)
      ? await this.deps.dataSource.getRepository(Payment).findOneBy({ id: paymentId, ownerId: ownerOf(principal) })
      : null;
    if (!payment) throw new NotFoundError('no payment with this id');
    return payment;
  }

  /** Newest first. A payment whose creation the bank never acknowledged is not listed: it awaits a retry of its key. */
  async list(
    principal: AuthenticatedPrincipal,
    args: { first: number; after?: string | null; status?: PaymentStatus | null },
  ): Promise<Page<Payment>> {
    const query = this.deps.dataSource
      .getRepository(Payment)
      .createQueryBuilder('payment')
      .where('payment.owner_id = :ownerId', { ownerId: ownerOf(principal) })
      .andWhere('payment.provider_payment_id IS NOT NULL')
      .orderBy('payment.created_at', 'DESC')
      .addOrderBy('payment.id', 'DESC')
      .limit(args.first + 1);
    if (args.status) query.andWhere('payment.status = :status', { status: args.status });
    if (args.after) {
      const [createdAt, id] = decodeCursor(args.after, ['timestamp', 'uuid']);
      query.andWhere('(payment.created_at, payment.id) < (:createdAt, :id)', { createdAt, id });
    }
    const rows = await query.getMany();
    return toForwardConnection(rows, args.first, Boolean(args.after), (row) => [row.createdAt.toISOString(), row.id]);
  }

  /**
   * The bank's redirect after the payer's SCA. The `state` ties it to one payment, once; STET then needs the
   * gateway's confirmation to execute the transfer (STET 1.5 §4.6), Berlin Group only the status read.
   */
  async complete(query: Record<string, string>): Promise<PaymentCallbackOutcome> {
    if (!query.state) return { kind: 'refused', reason: 'the callback carries no state' };
    const payments = this.deps.dataSource.getRepository(Payment);
    const payment = await payments.findOneBy({ stateHash: sha256(query.state) });
    if (!payment?.providerPaymentId) return { kind: 'refused', reason: 'the callback state matches no payment' };
    const claimed = await payments.update({ id: payment.id, callbackUsedAt: IsNull() }, { callbackUsedAt: new Date() });
    if (!claimed.affected) return { kind: 'refused', reason: 'this authorisation link was already used' };
    // Read again after the claim: a cancellation that committed before it must not be confirmed at the bank.
    const current = await payments.findOneByOrFail({ id: payment.id });
    if (FINAL_STATUSES.includes(current.status)) return { kind: 'completed', payment: current };

    let status: PaymentStatus;
    let reason: string | null = null;
    try {
      const adapter = await this.adapterFor(payment);
      status = paymentStatusFromProvider(
        await adapter.completePayment(undefined, { providerPaymentId: payment.providerPaymentId, query }),
      );
      if (status === PaymentStatus.RJCT)
        reason = query.error
          ? 'the payer refused the payment at the bank'
          : 'the bank rejected the payment after authorisation';
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // The outcome is unknown, not negative: the status poll reads it once the bank answers.
      this.deps.logger.warn({ err: error, paymentId: payment.id }, 'payment status could not be read after SCA');
      await this.schedulePoll(payment.id, 1);
      return { kind: 'completed', payment };
    }
    const updated = await this.changeStatus(payment.id, status, reason, null);
    if (!FINAL_STATUSES.includes(updated.status)) await this.schedulePoll(payment.id, 1);
    return { kind: 'completed', payment: updated };
  }

  /** One status read at the bank; called by the poll job. Returns the status after the read. */
  async refreshStatus(paymentId: string): Promise<PaymentStatus> {
    const payment = await this.deps.dataSource.getRepository(Payment).findOneByOrFail({ id: paymentId });
    if (FINAL_STATUSES.includes(payment.status) || !payment.providerPaymentId) return payment.status;
    const adapter = await this.adapterFor(payment);
    const status = paymentStatusFromProvider(await adapter.getPaymentStatus(undefined, payment.providerPaymentId));
    const reason = status === PaymentStatus.RJCT ? 'the bank rejected the payment' : null;
    return (await this.changeStatus(payment.id, status, reason, null)).status;
  }

  /**
   * The poll job, started by the SCA return: read the status, then come back later with a longer wait until it is
   * final. Before the return the payer may still be at the bank, and the callback itself reads the outcome.
   */
  async poll({ paymentId, attempt }: PaymentPollJob): Promise<void> {
    const status = await this.refreshStatus(paymentId);
    if (!FINAL_STATUSES.includes(status) && attempt < POLL_MAX_ATTEMPTS)
      await this.schedulePoll(paymentId, attempt + 1);
  }

  /**
   * The scheduled pass: reads the status of open payments nobody has heard of for a while. It catches a payer who
   * authorised at the bank but never came back through the callback (a Berlin Group bank executes anyway), and polls
   * lost when an in-process job runner restarted.
   */
  async sweep(scope: { ownerId?: string; staleAfterMs?: number } = {}): Promise<void> {
    const staleBefore = new Date(Date.now() - (scope.staleAfterMs ?? SWEEP_STALE_MS));
    const open = await this.deps.dataSource
      .getRepository(Payment)
      .createQueryBuilder('payment')
      .where('payment.status NOT IN (:...final) AND payment.provider_payment_id IS NOT NULL', { final: FINAL_STATUSES })
      .andWhere('payment.updated_at <= :staleBefore AND payment.created_at > :oldest', {
        staleBefore,
        oldest: new Date(Date.now() - SWEEP_HORIZON_MS),
      })
      .andWhere(scope.ownerId ? 'payment.owner_id = :ownerId' : 'TRUE', { ownerId: scope.ownerId })
      .getMany();
    for (const payment of open) {
      // One bank that cannot answer must not stop the others.
      await this.refreshStatus(payment.id).catch((error: unknown) =>
        this.deps.logger.warn({ err: error, paymentId: payment.id }, 'payment status could not be read in the sweep'),
      );
    }
  }

  /**
   * Cancels a payment the bank has not executed. A Berlin Group bank is asked (it refuses once the payer authorised,
   * PSD2 art. 80: the order is then irrevocable). A STET bank executes only when the gateway confirms after SCA
   * (STET 1.5 §4.6), so until then not confirming is the cancellation.
   */
  async cancel(principal: AuthenticatedPrincipal, paymentId: string): Promise<Payment> {
    const payment = await this.owned(principal, paymentId);
    if (payment.status === PaymentStatus.CANC) return payment;
    const cancellable = [PaymentStatus.RCVD, PaymentStatus.ACTC, PaymentStatus.ACCP];
    if (payment.callbackUsedAt || !payment.providerPaymentId || !cancellable.includes(payment.status)) {
      throw new InvalidInputError(
        'id',
        `this payment is ${payment.status} and on its way at the bank: it can no longer be cancelled`,
      );
    }
    const adapter = await this.adapterFor(payment);
    if (adapter.cancelPayment) {
      await adapter.cancelPayment(undefined, payment.providerPaymentId).catch((error: unknown) => {
        if (error instanceof ProviderError && error.code === 'REQUEST_REJECTED') {
          throw new InvalidInputError('id', `the bank will not cancel this payment: ${error.message}`);
        }
        throw error;
      });
    }
    const cancelled = await this.deps.dataSource.transaction(async (manager) => {
      const locked = await manager.findOneOrFail(Payment, {
        where: { id: payment.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (locked.callbackUsedAt && !adapter.cancelPayment) {
        throw new InvalidInputError('id', 'the payer authorised this payment meanwhile: it can no longer be cancelled');
      }
      Object.assign(locked, { status: PaymentStatus.CANC, statusReason: 'cancelled by the payer before execution' });
      await manager.save(locked);
      await this.audit(manager, locked, principal.id, 'PAYMENT_CANCELLED', {});
      return { payment: locked, event: await this.emit(manager, locked) };
    });
    await this.deps.events.publish([cancelled.event]);
    return cancelled.payment;
  }

  /** Writes a status change with its audit row and outbox event, under the row's lock; a repeated status is no change. */
  private async changeStatus(
    paymentId: string,
    status: PaymentStatus,
    reason: string | null,
    principalId: string | null,
  ): Promise<Payment> {
    const { payment, event } = await this.deps.dataSource.transaction(async (manager) => {
      const locked = await manager.findOneOrFail(Payment, {
        where: { id: paymentId },
        lock: { mode: 'pessimistic_write' },
      });
      if (locked.status === status || FINAL_STATUSES.includes(locked.status)) return { payment: locked, event: null };
      const from = locked.status;
      Object.assign(locked, { status, statusReason: reason ?? locked.statusReason });
      await manager.save(locked);
      await this.audit(manager, locked, principalId, 'PAYMENT_STATUS_CHANGED', { from, to: status, reason });
      return { payment: locked, event: await this.emit(manager, locked) };
    });
    if (event) await this.deps.events.publish([event]);
    return payment;
  }

  /** The row for (owner, key), created if absent and committed before any bank call, so its id outlives a crash. */
  private async claimKey(
    principal: AuthenticatedPrincipal,
    ownerId: string,
    order: PaymentOrder,
    account: Account,
  ): Promise<void> {
    const id = randomUUID();
    await this.deps.dataSource
      .createQueryBuilder()
      .insert()
      .into(Payment)
      .values({
        id,
        ownerId,
        principalId: principal.id,
        idempotencyKey: order.idempotencyKey,
        requestHash: orderHash(order),
        debtorAccountId: account.id,
        status: PaymentStatus.RCVD,
        amount: order.amount,
        currency: order.currency,
        creditorName: order.creditorName,
        creditorIban: order.creditorIban,
        remittanceInformation: order.remittanceInformation,
        endToEndId: id.replace(/-/g, ''),
        redirectUri: order.redirectUri,
        stateHash: sha256(this.stateOf(id)),
      })
      .orIgnore()
      .execute();
  }

  /**
   * Under the row lock: answers a payment the bank already acknowledged, or calls the bank. Concurrent requests with
   * the key wait here for the first to finish, then answer what it stored: one bank call in all. A creation that
   * failed midway is sent again with the same X-Request-ID (the payment's id), which both standards' banks treat
   * as the same request, so a retry never pays twice.
   */
  private async createAtBank(
    manager: EntityManager,
    principal: AuthenticatedPrincipal,
    ownerId: string,
    order: PaymentOrder,
    account: Account,
    institution: Institution,
    psu: PsuContext,
  ): Promise<CreationOutcome> {
    const payment = await manager.findOneOrFail(Payment, {
      where: { ownerId, idempotencyKey: order.idempotencyKey },
      lock: { mode: 'pessimistic_write' },
    });
    if (payment.requestHash !== orderHash(order)) throw idempotencyKeyReused();
    if (payment.providerPaymentId && payment.authorisationUrlEnc) {
      return { kind: 'done', payment, authorisationUrl: this.cipher.decrypt(payment.authorisationUrlEnc) };
    }
    const adapter = this.deps.registry.forInstitution(institution);
    try {
      const created = await adapter.initiatePayment(undefined, {
        idempotencyKey: payment.id,
        debtorIban: account.iban!,
        creditor: { name: payment.creditorName, iban: payment.creditorIban },
        amount: { amount: payment.amount, currency: payment.currency },
        remittanceUnstructured: payment.remittanceInformation ?? undefined,
        endToEndId: payment.endToEndId,
        redirectUri: this.deps.callbackUrl(),
        state: this.stateOf(payment.id),
        psu,
      });
      Object.assign(payment, {
        providerPaymentId: created.providerPaymentId,
        status: paymentStatusFromProvider(created.status),
        authorisationUrlEnc: this.cipher.encrypt(created.authorisationUrl),
      });
      await manager.save(payment);
      await this.audit(manager, payment, principal.id, 'PAYMENT_INITIATED', {
        amount: payment.amount,
        currency: payment.currency,
        creditorIban: payment.creditorIban,
      });
      return {
        kind: 'done',
        payment,
        authorisationUrl: created.authorisationUrl,
        event: await this.emit(manager, payment),
      };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return this.creationFailed(manager, payment, principal, error);
    }
  }

  /**
   * A bank that refused the order ends the payment RJCT; a bank that failed or answered garbage leaves it open (the
   * bank may have created it), for a retry of the key to settle.
   */
  private async creationFailed(
    manager: EntityManager,
    payment: Payment,
    principal: AuthenticatedPrincipal,
    error: ProviderError,
  ): Promise<CreationOutcome> {
    await this.audit(manager, payment, principal.id, 'PAYMENT_CREATION_FAILED', {
      code: error.code,
      message: error.message,
    });
    if (error.code !== 'REQUEST_REJECTED') return { kind: 'failed', error };
    Object.assign(payment, {
      status: PaymentStatus.RJCT,
      statusReason: `the bank refused the payment: ${error.message}`,
    });
    await manager.save(payment);
    return { kind: 'failed', error, event: await this.emit(manager, payment) };
  }

  private async debtorAccount(
    ownerId: string,
    order: PaymentOrder,
  ): Promise<{ account: Account; institution: Institution }> {
    const account = isUuid(order.debtorAccountId)
      ? await this.deps.dataSource.getRepository(Account).findOneBy({ id: order.debtorAccountId, ownerId })
      : null;
    if (!account) throw new InvalidInputError('input.debtorAccountId', 'debtorAccountId names none of your accounts');
    if (!account.iban) throw new InvalidInputError('input.debtorAccountId', 'this account has no IBAN to pay from');
    if (account.currency !== order.currency) {
      throw new InvalidInputError(
        'input.currency',
        `the debtor account is held in ${account.currency}, not ${order.currency}`,
      );
    }
    const connection = await this.deps.dataSource
      .getRepository(Connection)
      .findOneOrFail({ where: { id: account.connectionId }, relations: { institution: true } });
    if (!connection.institution.capabilities.includes(InstitutionCapability.PIS)) {
      throw new InvalidInputError(
        'input.debtorAccountId',
        `${connection.institution.name} does not offer payment initiation`,
      );
    }
    return { account, institution: connection.institution };
  }

  private async checkRedirect(principalId: string, redirectUri: string): Promise<void> {
    const principal = await this.deps.dataSource.getRepository(Principal).findOneByOrFail({ id: principalId });
    if (!isAllowedRedirect(redirectUri, principal.redirectUris)) {
      throw new InvalidInputError('input.redirectUri', 'redirectUri is not on the allow-list of this API client');
    }
  }

  private async adapterFor(payment: Payment) {
    const account = await this.deps.dataSource.getRepository(Account).findOneOrFail({
      where: { id: payment.debtorAccountId },
      relations: { connection: { institution: true } },
    });
    return this.deps.registry.forInstitution(account.connection.institution);
  }

  private schedulePoll(paymentId: string, attempt: number): Promise<string> {
    const base = this.deps.pollBaseMs ?? 5_000;
    const delayMs = Math.min(base * 2 ** (attempt - 1), POLL_MAX_DELAY_MS);
    return this.deps.jobs.enqueue<PaymentPollJob>(
      PAYMENT_POLL_JOB,
      { paymentId, attempt },
      { delayMs, dedupId: `payment.${paymentId}.${attempt}`, attempts: 3, backoffMs: base },
    );
  }

  private stateOf(paymentId: string): string {
    return createHmac('sha256', this.stateKey).update(paymentId).digest('base64url');
  }

  private emit(manager: EntityManager, payment: Payment): Promise<AppendedEvents> {
    const payload: PaymentEventPayload = { paymentId: payment.id, status: payment.status };
    return this.deps.events.append(manager, PAYMENT_TOPIC, payment.ownerId, payload);
  }

  /** `principalId` is who acted (null when the bank did); `initiatedBy` always names whose key started the payment. */
  private audit(
    manager: EntityManager,
    payment: Payment,
    principalId: string | null,
    action: AuditEntry['action'],
    details: Record<string, unknown>,
  ) {
    return recordAudit(manager, {
      principalId,
      ownerId: payment.ownerId,
      action,
      subjectType: 'payment',
      subjectId: payment.id,
      details: { status: payment.status, initiatedBy: payment.principalId, ...details },
    });
  }
}

type CreationOutcome =
  | { kind: 'done'; payment: Payment; authorisationUrl: string; event?: AppendedEvents }
  | { kind: 'failed'; error: ProviderError; event?: AppendedEvents };

/** Stripe's rule: a key names one request; reusing it for another is the client's bug, said plainly. */
function idempotencyKeyReused(): InvalidInputError {
  return new InvalidInputError(
    'input.idempotencyKey',
    'this idempotencyKey was already used for a different payment',
    'IDEMPOTENCY_KEY_REUSED',
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
