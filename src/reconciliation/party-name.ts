/**
 * Payer and customer names as banks print them: upper case, accents dropped or mangled, legal forms added or left
 * out ("DATA SUD SAS" pays the invoices of "Data Sud"). Names are compared on a normalized form and on their core
 * (without legal form); the two are scored differently because "Boutique Élise SA" and "Boutique Élise SAS" can be
 * two customers.
 */
import { distance } from 'fastest-levenshtein';

/** Company legal forms in the countries Passerelle's banks serve (FR, BE, LU, DE, NL, ES, IT, UK). */
export const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'SA', 'SAS', 'SASU', 'SARL', 'EURL', 'SCI', 'SNC', 'SCS', 'SCA', 'SCOP', 'SELARL', 'SELAS', 'EI', 'EIRL', 'GIE',
  'SPRL', 'SRL', 'BV', 'BVBA', 'NV', 'VOF', 'ASBL', 'VZW', 'GMBH', 'AG', 'KG', 'OHG', 'UG', 'SL', 'SLU', 'SPA',
  'LTD', 'LIMITED', 'PLC', 'LLP', 'LLC', 'INC', 'CORP', 'CO',
]);

/** Words banks and payers add around a name that say nothing about who it is. */
const FILLER_WORDS = new Set(['M', 'MR', 'MME', 'MLLE', 'MONSIEUR', 'MADAME', 'STE', 'SOC', 'ETS', 'ETABLISSEMENTS']);

export interface NormalizedName {
  /** Upper case, no accents, words separated by one space. */
  full: string;
  /** `full` without legal-form words. */
  core: string;
  hasLegalForm: boolean;
}

export function normalizeName(raw: string | null | undefined): NormalizedName | null {
  if (!raw) return null;
  const words = raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^0-9A-Z]+/g, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0 && !FILLER_WORDS.has(word));
  if (words.length === 0) return null;
  const coreWords = words.filter((word) => !LEGAL_FORMS.has(word));
  // A name made only of legal-form words ("SA") keeps them, or it would match every company.
  const core = (coreWords.length > 0 ? coreWords : words).join(' ');
  return { full: words.join(' '), core, hasLegalForm: coreWords.length < words.length };
}

function levenshteinSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : 1 - distance(a, b) / longest;
}

/** Banks cut the counterparty name at a fixed width (SEPA allows 70 characters, many feeds keep 35 or fewer). */
const MIN_TRUNCATED_LENGTH = 12;

/**
 * Similarity in 0..1 of two cores, tolerant of what banks do to names: typos (Levenshtein), words in another order
 * ("DUPONT JEAN" for "Jean Dupont"), and truncation ("CLINIQUE VETERINAIRE SAINT R").
 */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  if (shorter.length >= MIN_TRUNCATED_LENGTH && longer.startsWith(shorter)) return 1;
  const sorted = (name: string): string => name.split(' ').sort().join(' ');
  return Math.max(levenshteinSimilarity(a, b), levenshteinSimilarity(sorted(a), sorted(b)));
}

/** Words long enough to index a name by (short words such as "DU" or "LE" say nothing). */
export function nameTokens(core: string): string[] {
  return core.split(' ').filter((word) => word.length >= 3);
}
