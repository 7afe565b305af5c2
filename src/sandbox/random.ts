import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

/**
 * A deterministic random source keyed by a list of parts (seed, bank, PSU, day...). The same parts always give the
 * same sequence, whatever else was generated before, so a day's transactions do not shift when another day is added.
 */
export class SeededRandom {
  private readonly rng: RandomGenerator;

  constructor(...parts: (string | number)[]) {
    const digest = createHash('sha256').update(parts.join('\u001f')).digest();
    this.rng = xoroshiro128plus(digest.readInt32BE(0));
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.rng);
  }

  /** True with the given chance in percent (an integer, so no float ever decides). */
  chance(percent: number): boolean {
    return this.int(1, 100) <= percent;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  /** An amount in euros between the bounds, with cents, built from integer cents. */
  amount(minEuros: number, maxEuros: number): Decimal {
    return new Decimal(this.int(minEuros * 100, maxEuros * 100)).dividedBy(100);
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i += 1) out += String(this.int(0, 9));
    return out;
  }

  letters(count: number): string {
    let out = '';
    for (let i = 0; i < count; i += 1) out += String.fromCharCode(65 + this.int(0, 25));
    return out;
  }
}
