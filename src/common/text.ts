/**
 * Text as banks print it, folded for comparison: upper case, accents dropped, every run of punctuation or spaces as
 * one space. Banks print "Café Éole" as "CAFE EOLE" or "Cafe-Eole".
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^0-9A-Z]+/g, ' ')
    .trim();
}

/**
 * Text PostgreSQL can store and compare: no NUL (text columns refuse it) and no lone UTF-16 surrogate (not
 * encodable in UTF-8). Either would turn a client's input into a database error, so inputs are checked first.
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `YYYY-MM-DD` naming a day that exists: `2026-13-45` and `2026-02-30` do not. */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
