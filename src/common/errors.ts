/**
 * Domain errors. Services throw these; `toClientError` below is the one mapping of them (and of the adapters'
 * ProviderError) to the codes clients see, applied by the server's formatError (src/server/format-error.ts) and by
 * the events that carry an error (sync progress), so no service knows GraphQL and no client ever sees a stack trace.
 */
import { ProviderError } from '../providers/types';

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/**
 * A value the caller sent cannot be used. `field` names the argument or input field, e.g. `input.validForDays`;
 * `reason`, when set, is a stable code clients branch on (`IDEMPOTENCY_KEY_REUSED`).
 */
export class InvalidInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly field: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The row does not exist for this caller. Also used when it exists but belongs to someone else: no existence leak. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

/** The caller is known but may not do this. */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

/** What a client may see of an error: a message and a code in `extensions`, plus fields that help it react. */
export interface ClientError {
  message: string;
  extensions: { code: string } & Record<string, unknown>;
}

/** What a client sees of an unexpected error (a bug): nothing of it; the caller logs the error itself. */
export const INTERNAL_ERROR: ClientError = {
  message: 'Internal server error',
  extensions: { code: 'INTERNAL_SERVER_ERROR' },
};

/** The client's view of an expected error, or undefined for an unexpected one (answer INTERNAL_ERROR and log it). */
export function toClientError(error: unknown): ClientError | undefined {
  if (error instanceof InvalidInputError) {
    const reason = error.reason ? { reason: error.reason } : {};
    return { message: error.message, extensions: { code: error.code, field: error.field, ...reason } };
  }
  if (error instanceof ProviderError) {
    // The bank's failure, typed, on the part of the result it concerns; the rest of the query still resolves.
    const { institutionId, retryAt } = error.details;
    return { message: error.message, extensions: { code: error.code, institutionId, retryAt: retryAt?.toISOString() } };
  }
  if (error instanceof DomainError) return { message: error.message, extensions: { code: error.code } };
  return undefined;
}

/** The connection has no active consent, so nothing can be read from the bank for it until it is renewed. */
export class ConsentNotActiveError extends DomainError {
  constructor(
    readonly code: 'CONSENT_REVOKED' | 'CONSENT_EXPIRED' | 'CONSENT_INVALID',
    message: string,
  ) {
    super(message);
  }
}
