/**
 * The sandbox's clock: the clock it was given, moved forward by the control API. Every time-dependent answer of the
 * banks (history, pending → booked, expiry, daily limits) reads it, so advancing it is how a tester makes time pass.
 */
export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly base: () => Date) {}

  readonly now = (): Date => new Date(this.base().getTime() + this.offsetMs);

  /** How far ahead of the given clock the sandbox runs. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward; time at a bank never runs backwards. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the sandbox clock only moves forward');
    this.offsetMs += ms;
  }

  /** Restores an offset saved before a restart. */
  restore(offsetMs: number): void {
    this.offsetMs = Math.max(0, offsetMs);
  }
}
