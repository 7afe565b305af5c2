/**
 * The official PSD2 OpenAPI files (`../shared/specs` from the repository root, beside it rather than in it), read once
 * for both contract checks: the adapters' requests (`request-contract.ts`) and the sandbox banks' answers
 * (`response-contract.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const specsDir = path.resolve(__dirname, '../../../../shared/specs');
export const specsAvailable = existsSync(specsDir);

export const SPEC_FILES = {
  BERLIN_GROUP: 'berlin-group/psd2-api_v1.3.11-2021-10-01v1.yaml',
  STET: 'stet/stet-ais-pis-1.5.0.json',
} as const;
export type SpecStandard = keyof typeof SPEC_FILES;

const missing = `the official specs are not at ${specsDir} (../shared/specs from the repository root)`;

/**
 * A test (`it`) or block (`describe`) that needs the specs. Without them it is skipped with a message, except under
 * CI=true: there a missing specs folder is a broken checkout, and the check fails instead of passing silently.
 */
function gated(run: jest.It | jest.Describe, skip: jest.It | jest.Describe) {
  return (name: string, body: () => void | Promise<void>): void => {
    if (specsAvailable) {
      run(name, body as () => void);
    } else if (process.env.CI === 'true') {
      it(`${name}: needs the official specs`, () => {
        throw new Error(`${missing}, and CI=true requires them`);
      });
    } else {
      console.warn(`Skipped "${name}": ${missing}`); // eslint-disable-line no-console
      skip(name, body as () => void);
    }
  };
}

export const describeWithSpecs = gated(describe, describe.skip);
export const itWithSpecs = gated(it, it.skip);

/** One spec file's path under the specs folder. */
export function specPath(relative: string): string {
  return path.join(specsDir, relative);
}

/** A standard's OpenAPI document, parsed and rewritten to draft-07 (a fresh copy on every call: callers may patch it). */
export function readSpec(standard: SpecStandard): Record<string, unknown> {
  const file = specPath(SPEC_FILES[standard]);
  const text = readFileSync(file, 'utf8');
  return toDraft07(file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as Record<string, unknown>;
}

/**
 * OpenAPI 3.0 schemas use JSON Schema draft-wright-00, where `exclusiveMinimum`/`exclusiveMaximum` are booleans
 * qualifying `minimum`/`maximum`; ajv 8 speaks draft-07, where they are numbers. The Berlin Group file uses the 3.0
 * form (`frequencyPerDay`), so it is rewritten to the draft-07 meaning before compiling.
 */
function toDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft07);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = toDraft07(value);
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  return out;
}
