/**
 * `npm run reconcile -- <dataset dir> --out links.json`: runs the reconciliation engine on a dataset and writes its
 * links in the truth.json shape, each with its decision and score, so anyone can score them with their own tool.
 * The set's history.json, when present, is the engine's memory of payers the owner confirmed before.
 * Without `--out` the links go to standard output.
 */
import { writeFileSync } from 'node:fs';
import { datasetInput, DatasetError, readDataset } from '../src/modules/reconciliation/engine/dataset';
import { toLinkRecords } from '../src/modules/reconciliation/engine/evaluation';
import { reconcile } from '../src/modules/reconciliation/engine/matcher';

function parseArgs(argv: string[]): { dir: string; out: string | null } {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : null;
  const positional = outAt >= 0 ? argv.filter((_, i) => i !== outAt && i !== outAt + 1) : argv;
  if (positional.length !== 1 || (outAt >= 0 && !out)) {
    console.error('usage: npm run reconcile -- <dataset dir> [--out links.json]');
    process.exit(2);
  }
  return { dir: positional[0], out };
}

try {
  const { dir, out } = parseArgs(process.argv.slice(2));
  const result = reconcile(datasetInput(readDataset(dir)));
  const json = `${JSON.stringify(toLinkRecords(result.links), null, 2)}\n`;
  if (out) {
    writeFileSync(out, json);
    const auto = result.links.filter((link) => link.decision === 'AUTO_CONFIRMED').length;
    console.log(`${result.links.length} links (${auto} auto-confirmed) written to ${out}`);
  } else {
    process.stdout.write(json);
  }
} catch (error) {
  if (!(error instanceof DatasetError)) throw error;
  console.error(`invalid dataset: ${error.message}`);
  process.exit(2);
}
