import { DomainError } from '../../common/errors';

/** The cursor is older than the outbox keeps (OUTBOX_RETENTION_DAYS): the events after it may be gone. */
export class CursorExpiredError extends DomainError {
  readonly code = 'CURSOR_EXPIRED';
  constructor() {
    super('this cursor is older than the events kept: reload through the queries, then subscribe without `after`');
  }
}

/**
 * The store could not be read after retries. Nothing was skipped: the client resubscribes with the last cursor it
 * received (named in the message) and gets every event after it.
 */
export class StreamInterruptedError extends DomainError {
  readonly code = 'STREAM_INTERRUPTED';
  constructor(
    readonly resumeAfter: string | null,
    override readonly cause: unknown,
  ) {
    super(
      resumeAfter === null
        ? 'the event stream was interrupted before any event: subscribe again'
        : `the event stream was interrupted: subscribe again with after: "${resumeAfter}"`,
    );
  }
}
