/**
 * Payer and customer names compared as parties, not strings. Banks print a payer's name their own way: upper case,
 * accents dropped, the legal form moved, dropped or dotted ("S.A.R.L."), "STE" put in front, words in another order,
 * a first name cut to its initial, the whole cut at 18 characters. The rule, with examples, is in README.md
 * ("Party names"); a name is reduced once to its words and legal forms, and two names are then graded by how surely
 * they name the same party.
 */
import { distance } from 'fastest-levenshtein';

/** Company legal forms in the countries Passerelle's banks serve (FR, BE, LU, DE, NL, ES, IT, UK). */
export const LEGAL_FORMS: ReadonlySet<string> = new Set([
  'SA',
  'SAS',
  'SASU',
  'SARL',
  'EURL',
  'SCI',
  'SNC',
  'SCS',
  'SCA',
  'SCOP',
  'SELARL',
  'SELAS',
  'EI',
  'EIRL',
  'GIE',
  'SPRL',
  'SRL',
  'BV',
  'BVBA',
  'NV',
  'VOF',
  'ASBL',
  'VZW',
  'GMBH',
  'AG',
  'KG',
  'OHG',
  'UG',
  'SL',
  'SLU',
  'SPA',
  'LTD',
  'LIMITED',
  'PLC',
  'LLP',
  'LLC',
  'INC',
  'CORP',
  'CO',
]);

/** Legal forms written out in words, read as their abbreviation. */
const SPELLED_FORMS: [RegExp, string][] = [
  [/\bSOCIETE A RESPONSABILITE LIMITEE\b/g, 'SARL'],
  [/\bSOCIETE PAR ACTIONS SIMPLIFIEE UNIPERSONNELLE\b/g, 'SASU'],
  [/\bSOCIETE PAR ACTIONS SIMPLIFIEE\b/g, 'SAS'],
  [/\bSOCIETE CIVILE IMMOBILIERE\b/g, 'SCI'],
  [/\bSOCIETE ANONYME\b/g, 'SA'],
  [/\bENTREPRISE UNIPERSONNELLE A RESPONSABILITE LIMITEE\b/g, 'EURL'],
  [/\bGESELLSCHAFT MIT BESCHRANKTER HAFTUNG\b/g, 'GMBH'],
  [/\bBESLOTEN VENNOOTSCHAP\b/g, 'BV'],
];

const SPELLED_FORM_WORD = /\b(?:SOCIETE|ENTREPRISE|GESELLSCHAFT|BESLOTEN)\b/;

/** Words banks and payers add around a name that say nothing about who it is ("STE" and "SOC" abbreviate Société). */
const FILLER_WORDS = new Set([
  'M',
  'MR',
  'MME',
  'MLLE',
  'MONSIEUR',
  'MADAME',
  'STE',
  'SOC',
  'SOCIETE',
  'ETS',
  'ETABLISSEMENTS',
]);

/** Small words that carry no initial of their own ("Hôtel des Alpes" is "HDA", not "HDDA"). */
const LINK_WORDS = new Set([
  'D',
  'DE',
  'DU',
  'DES',
  'L',
  'LA',
  'LE',
  'LES',
  'ET',
  'EN',
  'THE',
  'OF',
  'AND',
  'VAN',
  'VON',
  'DER',
]);

export interface NormalizedName {
  /** Upper case, no accents or punctuation, filler words dropped, words in the order written. */
  full: string;
  /** `full` without its legal forms. */
  core: string;
  /** The core's words sorted: the same for "DUPONT JEAN" and "Jean Dupont". */
  key: string;
  /** The legal forms found anywhere in the name, sorted ("" when none). */
  forms: string;
  /** One customer: the same key and the same legal forms. */
  id: string;
  hasLegalForm: boolean;
}

/** How surely two names are the same party, strongest first. */
export type NameMatch = 'SAME' | 'FORM_DROPPED' | 'INITIALS' | 'TRUNCATED' | 'SIMILAR' | 'OTHER_FORM' | 'NONE';

/** A grade's strength; from `TRUNCATED` up, the two names are read as the same party. */
export const NAME_STRENGTH: Record<NameMatch, number> = {
  SAME: 5,
  FORM_DROPPED: 4,
  INITIALS: 3,
  TRUNCATED: 2,
  SIMILAR: 1,
  OTHER_FORM: 0,
  NONE: 0,
};

export function isSameParty(match: NameMatch): boolean {
  return NAME_STRENGTH[match] >= NAME_STRENGTH.TRUNCATED;
}

/** "S.A.R.L." and "S. A. S." are the abbreviations their letters spell. */
function joinDottedLetters(text: string): string {
  return text.replace(/\b(?:[A-Z]\.\s?){2,}/g, (letters) => letters.replace(/[.\s]/g, '') + ' ');
}

/** Feeds repeat the same few thousand names: each is read once. Bounded, so a long-lived process does not grow. */
const readNames = new Map<string, NormalizedName | null>();
const MAX_READ_NAMES = 50_000;

export function normalizeName(raw: string | null | undefined): NormalizedName | null {
  if (!raw) return null;
  const read = readNames.get(raw);
  if (read !== undefined) return read;
  if (readNames.size >= MAX_READ_NAMES) readNames.clear();
  const name = readName(raw);
  readNames.set(raw, name);
  return name;
}

function readName(raw: string): NormalizedName | null {
  let text = joinDottedLetters(
    raw
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase(),
  );
  text = text.replace(/[^0-9A-Z]+/g, ' ').trim();
  if (SPELLED_FORM_WORD.test(text)) for (const [spelled, form] of SPELLED_FORMS) text = text.replace(spelled, form);
  const words = text.split(' ').filter((word) => word.length > 0 && !FILLER_WORDS.has(word));
  if (words.length === 0) return null;
  const coreWords = words.filter((word) => !LEGAL_FORMS.has(word));
  // A name made only of legal-form words ("SA") keeps them, or it would match every company.
  const hasLegalForm = coreWords.length > 0 && coreWords.length < words.length;
  const core = hasLegalForm ? coreWords : words;
  const key = [...core].sort().join(' ');
  const forms = hasLegalForm ? [...new Set(words.filter((word) => LEGAL_FORMS.has(word)))].sort().join(' ') : '';
  return { full: words.join(' '), core: core.join(' '), key, forms, id: `${key}|${forms}`, hasLegalForm };
}

function levenshteinSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : 1 - distance(a, b) / longest;
}

/** Below this Levenshtein similarity two names are different names (tuned on typos such as "DUPOND"/"DUPONT"). */
const SIMILAR_NAME = 0.85;
/**
 * Banks cut the counterparty name at a fixed width (SEPA allows 70 characters; many feeds keep 35, some 18). A cut
 * name shorter than this says too little ("GARAGE M").
 */
const MIN_TRUNCATED_LENGTH = 12;

/** Whether `short` is `long` cut by the bank, legal form and all ("DATA SUD EU") or after the form was moved. */
function truncates(short: NormalizedName, long: NormalizedName): boolean {
  if (short.full.length >= long.full.length || short.full.length < MIN_TRUNCATED_LENGTH) return false;
  return (
    long.full.startsWith(short.full) || (short.core.length >= MIN_TRUNCATED_LENGTH && long.core.startsWith(short.core))
  );
}

/** A word of at most three letters: an initial or initials, or nothing to expand. */
const SHORT_WORD = /(?:^| )[A-Z0-9]{1,3}(?: |$)/;

function initialsOf(words: readonly string[]): string {
  return words
    .filter((word) => !LINK_WORDS.has(word))
    .map((word) => word[0])
    .sort()
    .join('');
}

/**
 * "J DUPONT" or "DUPONT JP" for "Jean-Pierre Dupont": once the words both names share are set aside, what is left of
 * one is the initials of what is left of the other. At least one full word must be shared: initials alone ("SGN")
 * could stand for anyone.
 */
function initialsAgree(a: NormalizedName, b: NormalizedName): boolean {
  if (!SHORT_WORD.test(a.core) && !SHORT_WORD.test(b.core)) return false;
  const left = a.core.split(' ');
  const right = b.core.split(' ');
  let sharedFullWord = false;
  for (let i = left.length - 1; i >= 0; i -= 1) {
    const at = right.indexOf(left[i]);
    if (at < 0) continue;
    if (left[i].length >= 3) sharedFullWord = true;
    left.splice(i, 1);
    right.splice(at, 1);
  }
  if (!sharedFullWord || left.length === 0 || right.length === 0) return false;
  const abbreviated = (words: string[]): boolean => words.every((word) => word.length <= 3);
  const letters = (words: string[]): string => words.join('').split('').sort().join('');
  if (abbreviated(left) && letters(left) === initialsOf(right)) return true;
  return abbreviated(right) && letters(right) === initialsOf(left);
}

/** How surely `a` and `b` name the same party (see README.md, "Party names"). */
export function compareNames(a: NormalizedName, b: NormalizedName): NameMatch {
  const formsAgree = a.forms === b.forms || a.forms === '' || b.forms === '';
  if (a.key === b.key) {
    if (a.forms === b.forms) return 'SAME';
    if (formsAgree) return 'FORM_DROPPED';
    // "… SA" may be "… SARL" cut by the bank; otherwise two legal forms are two companies (a sister company).
    return truncates(a, b) || truncates(b, a) ? 'TRUNCATED' : 'OTHER_FORM';
  }
  if (formsAgree && initialsAgree(a, b)) return 'INITIALS';
  if (truncates(a, b) || truncates(b, a)) return 'TRUNCATED';
  if (
    formsAgree &&
    Math.max(levenshteinSimilarity(a.core, b.core), levenshteinSimilarity(a.key, b.key)) >= SIMILAR_NAME
  ) {
    return 'SIMILAR';
  }
  return 'NONE';
}

/** Words long enough to index a name by (short words such as "DU" or "LE" say nothing). */
export function nameTokens(name: NormalizedName): string[] {
  return name.core.split(' ').filter((word) => word.length >= 3);
}
