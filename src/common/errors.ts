/**
 * Domain errors. Services throw these; one Apollo `formatError` (src/server/format-error.ts) maps them to GraphQL
 * error codes, so no service knows GraphQL and no client ever sees a stack trace.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** A value the caller sent cannot be used. `field` names the argument or input field, e.g. `input.validForDays`. */
export class InvalidInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly field: string,
    message: string,
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

/** The connection has no active consent, so nothing can be read from the bank for it until it is renewed. */
export class ConsentNotActiveError extends DomainError {
  constructor(
    readonly code: 'CONSENT_REVOKED' | 'CONSENT_EXPIRED' | 'CONSENT_INVALID',
    message: string,
  ) {
    super(message);
  }
}
