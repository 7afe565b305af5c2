import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';

/**
 * What the sandbox banks know that a restart must not forget: consents and grants, payments, lines added or
 * transferred, the clock's offset, registered OAuth2 clients. Each part registers how to snapshot and restore itself;
 * with a file, every change is written there shortly after it happens, so `npm start` after a stop finds its
 * consents still valid at the bank instead of expiring every connection at the first sweep.
 */
export interface StatePart {
  snapshot(): unknown;
  restore(data: unknown): void;
}

/** How long changes gather before one write: a journey makes a burst of them. */
const SAVE_DELAY_MS = 100;

export class SandboxState {
  private readonly parts = new Map<string, StatePart>();
  private saved: Record<string, unknown> = {};
  private timer: NodeJS.Timeout | undefined;

  /** Without a file, the state lives in memory only (tests, `npm run sandbox`). */
  constructor(private readonly file?: string) {
    if (file) this.saved = readState(file);
  }

  /** Registers a part and gives it what was saved under its name, if anything. */
  register(name: string, part: StatePart): void {
    this.parts.set(name, part);
    if (name in this.saved) part.restore(this.saved[name]);
  }

  /** Something changed: write it soon. */
  changed(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes now (at shutdown, and after the delay). Written to a temporary file then renamed: never half a file. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file) return;
    const state = Object.fromEntries([...this.parts].map(([name, part]) => [name, part.snapshot()]));
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, encodeState(state), { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}

function readState(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return decodeState(text) as Record<string, unknown>;
}

/** JSON that keeps the types the banks' records hold: dates, decimal amounts, maps and sets. */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, function tagged(this: Record<string, unknown>, key, encoded: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (Decimal.isDecimal(raw)) return { $decimal: raw.toString() };
    if (raw instanceof Map) return { $map: [...raw] };
    if (raw instanceof Set) return { $set: [...raw] };
    return encoded;
  });
}

export function decodeState(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const tagged = value as { $date?: string; $decimal?: string; $map?: [unknown, unknown][]; $set?: unknown[] };
    if (tagged.$date !== undefined) return new Date(tagged.$date);
    if (tagged.$decimal !== undefined) return new Decimal(tagged.$decimal);
    if (tagged.$map !== undefined) return new Map(tagged.$map);
    if (tagged.$set !== undefined) return new Set(tagged.$set);
    return value;
  });
}
