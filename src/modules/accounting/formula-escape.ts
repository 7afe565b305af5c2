/**
 * A text cell starting with = + - or @ is run as a formula by spreadsheets that open the file (CSV injection, OWASP):
 * a leading apostrophe keeps it text, as csv-stringify's `escape_formulas` does.
 */
export function escapeFormula(text: string): string {
  return /^[=+\-@]/.test(text) ? `'${text}` : text;
}
