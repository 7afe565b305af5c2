/**
 * `npm run eval:reconcile -- <dataset dir>`: runs the reconciliation engine on a labelled dataset and prints
 * precision and recall for auto-confirmed links and for all proposed links, overall and per category.
 * Exits non-zero when the dataset is invalid or the targets are missed, so CI can run it.
 */
import { datasetInput, DatasetError, readDataset } from '../src/modules/reconciliation/engine/dataset';
import { evaluate, toLinkRecords, type PairCounts } from '../src/modules/reconciliation/engine/evaluation';
import { reconcile } from '../src/modules/reconciliation/engine/matcher';

const TARGETS = { autoConfirmedPrecision: 0.995, allProposedRecall: 0.95 };

function ratio(value: number): string {
  return value.toFixed(3);
}

function row(label: string, pairs: number | string, auto: PairCounts, all: PairCounts): string {
  return [
    label.padEnd(16),
    String(pairs).padStart(6),
    ratio(auto.precision).padStart(9),
    ratio(auto.recall).padStart(9),
    `${auto.truePositives}/${auto.falsePositives}/${auto.falseNegatives}`.padStart(12),
    ratio(all.precision).padStart(9),
    ratio(all.recall).padStart(9),
    `${all.truePositives}/${all.falsePositives}/${all.falseNegatives}`.padStart(12),
  ].join(' ');
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: npm run eval:reconcile -- <dataset dir>');
    process.exit(2);
  }
  const dataset = readDataset(dir);
  if (!dataset.truth) throw new DatasetError(`${dir}: no truth.json, nothing to evaluate against`);
  const started = process.hrtime.bigint();
  const result = reconcile(datasetInput(dataset));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const evaluation = evaluate(toLinkRecords(result.links), dataset.truth);

  console.log(`dataset ${dir}: ${dataset.invoices.length} invoices, ${dataset.transactions.length} transactions, ` +
    `${dataset.payouts.length} payouts; engine ${elapsedMs.toFixed(0)} ms`);
  console.log('');
  console.log(`${'category'.padEnd(16)} ${'pairs'.padStart(6)} ${'auto P'.padStart(9)} ${'auto R'.padStart(9)} ` +
    `${'tp/fp/fn'.padStart(12)} ${'all P'.padStart(9)} ${'all R'.padStart(9)} ${'tp/fp/fn'.padStart(12)}`);
  for (const category of evaluation.byCategory) {
    console.log(row(category.category, category.truthPairs, category.autoConfirmed, category.allProposed));
  }
  const truthPairs = evaluation.allProposed.truePositives + evaluation.allProposed.falseNegatives;
  console.log(row('OVERALL', truthPairs, evaluation.autoConfirmed, evaluation.allProposed));
  console.log('');
  console.log(`write-offs ${result.writeOffs.length}, overpayments ${result.overpayments.length}, ` +
    `unmatched credits ${result.unmatchedCredits.length}`);

  const autoOk = evaluation.autoConfirmed.precision >= TARGETS.autoConfirmedPrecision;
  const recallOk = evaluation.allProposed.recall >= TARGETS.allProposedRecall;
  console.log(`target auto-confirmed precision >= ${TARGETS.autoConfirmedPrecision}: ${autoOk ? 'met' : 'MISSED'}`);
  console.log(`target all-proposed recall >= ${TARGETS.allProposedRecall}: ${recallOk ? 'met' : 'MISSED'}`);
  if (!autoOk || !recallOk) process.exitCode = 1;
}

try {
  main();
} catch (error) {
  if (!(error instanceof DatasetError)) throw error;
  console.error(`invalid dataset: ${error.message}`);
  process.exit(2);
}
