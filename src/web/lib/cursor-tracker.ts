/**
 * What a resumable subscription has seen. The gateway replays every event after the cursor a client sends, so a
 * client that re-subscribes after a reconnect with the last cursor it saw gets no gap; events that were in flight
 * when the socket dropped may still arrive on the old subscription, so each cursor is accepted once.
 */
export class CursorTracker {
  private last: string | undefined;
  private readonly seen = new Set<string>();

  constructor(start?: string) {
    this.last = start;
  }

  /** The cursor to send as `after` on the next (re)subscription; undefined means live events only. */
  get after(): string | undefined {
    return this.last;
  }

  /** True the first time a cursor is seen; false for a repeat, which the caller drops. */
  accept(cursor: string): boolean {
    if (this.seen.has(cursor)) return false;
    this.seen.add(cursor);
    this.last = cursor;
    return true;
  }
}
