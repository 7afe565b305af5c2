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
