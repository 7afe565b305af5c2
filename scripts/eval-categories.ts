/**
 * `npm run eval:categories`: the categoriser's accuracy per category on every line the sandbox banks generate
 * (400 days, every PSU, every bank), against the kind of line the sandbox meant. Prints a table and writes
 * test/bench/results/categories.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sandboxAccuracy } from '../src/modules/categories/sandbox-accuracy';

const NOW = new Date('2026-11-30T12:00:00Z');
const rows = sandboxAccuracy('passerelle', NOW);
const total = rows.reduce((sum, row) => sum + row.lines, 0);
const correct = rows.reduce((sum, row) => sum + row.correct, 0);
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
console.table(
  Object.fromEntries([
    ...rows.map((row) => [
      row.category,
      {
        lines: row.lines,
        correct: row.correct,
        accuracy: percent(row.correct, row.lines),
        confusions: JSON.stringify(row.confusions),
      },
    ]),
    ['ALL', { lines: total, correct, accuracy: percent(correct, total), confusions: '' }],
  ]),
);
const out = path.join(__dirname, '..', 'test', 'bench', 'results', 'categories.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ seed: 'passerelle', now: NOW.toISOString(), total, correct, accuracy: correct / total, perCategory: rows }, null, 2)}\n`,
);
