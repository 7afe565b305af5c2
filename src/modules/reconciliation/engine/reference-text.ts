/**
 * Turns free remittance text into the pieces a reference can hide in. Payers damage invoice numbers in a few
 * recurring ways: case ("inv-000413"), separators dropped or changed ("INV000278", "INV 000605"), and look-alike
 * letters typed for digits ("INV-O00356"). Units are compared in a compact, case-folded form, and look-alikes are
 * folded to digits only next to digits, so that words such as "MOTIF" or "SOLDE" are left alone.
 */
import { compactReference, isRfShaped } from './structured-reference';

const LOOK_ALIKES: Record<string, string> = { O: '0', I: '1', L: '1' };

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

/** Folds look-alike letters that touch a digit (directly or through other look-alikes) into that digit. */
export function foldLookAlikes(compact: string): string {
  const chars = [...compact];
  const folded = chars.map(() => false);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < chars.length; i += 1) {
      const digit = LOOK_ALIKES[chars[i]];
      if (digit === undefined || folded[i]) continue;
      if (isDigit(chars[i - 1]) || isDigit(chars[i + 1])) {
        chars[i] = digit;
        folded[i] = true;
        changed = true;
      }
    }
  }
  return chars.join('');
}

/** Maximal digit runs, in order. */
export function digitRuns(value: string): string[] {
  return value.match(/\d+/g) ?? [];
}

export function stripLeadingZeros(digits: string): string {
  let start = 0;
  while (start < digits.length - 1 && digits[start] === '0') start += 1;
  return start === 0 ? digits : digits.slice(start);
}

export interface TextUnit {
  /** Upper case, alphanumerics only. */
  compact: string;
  /** `compact` with look-alikes folded. */
  folded: string;
}

export interface ReferenceText {
  /** Single tokens, RF-shaped tokens excluded. */
  tokens: TextUnit[];
  /** Adjacent tokens joined, for numbers printed with a space ("INV 000605"). */
  pairs: TextUnit[];
  /** For each RF-shaped token, its readings joined with the groups of 4 that follow (longest last). */
  rfReadings: string[][];
  /** 12-digit runs, once OGM/VCS framing and slashes are removed. */
  ogmCandidates: string[];
}

const TOKEN_SEPARATORS = /[\s,;:/()[\]{}|+&]+/;
// Framed (+++123/4567/89002+++ or ***...***) or not, its three groups separated by slashes, spaces, dots or
// nothing. Only a reading whose mod-97 check holds and that an invoice carries is ever taken as a match.
const OGM_PRINTED = /(?<!\d)(\d{3})[\s/.]*(\d{4})[\s/.]*(\d{5})(?!\d)/g;
const MAX_RF_LENGTH = 25;

function unit(compact: string): TextUnit {
  return { compact, folded: foldLookAlikes(compact) };
}

export function readReferenceText(text: string): ReferenceText {
  const tokens = text
    .split(TOKEN_SEPARATORS)
    .map(compactReference)
    .filter((token) => token.length > 0);
  const units: TextUnit[] = [];
  const pairs: TextUnit[] = [];
  const rfReadings: string[][] = [];
  const isRf = tokens.map((token) => /^RF\d{2}/.test(token));
  tokens.forEach((token, i) => {
    if (isRf[i]) {
      let reading = token;
      const readings = isRfShaped(reading) ? [reading] : [];
      for (let j = i + 1; j < tokens.length && !isRf[j] && tokens[j].length <= 4; j += 1) {
        reading += tokens[j];
        if (reading.length > MAX_RF_LENGTH) break;
        if (isRfShaped(reading)) readings.push(reading);
      }
      if (readings.length > 0) rfReadings.push(readings);
      return;
    }
    units.push(unit(token));
    if (i + 1 < tokens.length && !isRf[i + 1]) pairs.push(unit(token + tokens[i + 1]));
  });
  const ogmCandidates = new Set<string>();
  for (const match of text.matchAll(OGM_PRINTED)) ogmCandidates.add(match[1] + match[2] + match[3]);
  return { tokens: units, pairs, rfReadings, ogmCandidates: [...ogmCandidates] };
}
