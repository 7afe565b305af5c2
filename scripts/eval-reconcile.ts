/**
 * `npm run eval:reconcile -- <dataset dir> [--perturbed]`: runs the reconciliation engine on a labelled dataset
 * (with its history.json, when present, as the engine's memory) and prints precision and recall for auto-confirmed
 * links and for all proposed links, overall and per category, and the share of credit lines the owner must still
 * look at. `--perturbed` also runs the set through each perturbation (src/modules/reconciliation/engine/perturbations.ts).
 * Exits non-zero when the dataset is invalid or a target is missed, so CI can run it.
 */
import { datasetInput, DatasetError, readDataset, type Dataset } from '../src/modules/reconciliation/engine/dataset';
import {
  evaluate,
  reviewLoad,
  toLinkRecords,
  type Evaluation,
  type PairCounts,
  type ReviewLoad,
} from '../src/modules/reconciliation/engine/evaluation';
import { reconcile } from '../src/modules/reconciliation/engine/matcher';
import { PERTURBATIONS } from '../src/modules/reconciliation/engine/perturbations';
import type { ReconciliationInput } from '../src/modules/reconciliation/engine/types';

const TARGETS = { autoConfirmedPrecision: 0.999, autoConfirmedRecall: 0.95, allProposedRecall: 0.99 };

interface Run {
  evaluation: Evaluation;
  review: ReviewLoad;
  elapsedMs: number;
  writeOffs: number;
  overpayments: number;
}

function runOn(dataset: Dataset, input: ReconciliationInput): Run {
  const started = process.hrtime.bigint();
  const result = reconcile(input);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    evaluation: evaluate(toLinkRecords(result.links), dataset.truth ?? []),
    review: reviewLoad(result, input.credits),
    elapsedMs,
    writeOffs: result.writeOffs.length,
    overpayments: result.overpayments.length,
  };
}

/** The targets a run misses. Auto-confirmed recall is only asked of a set that carries the owner's history. */
function missed(run: Run, withHistory: boolean): string[] {
  const { autoConfirmed, allProposed } = run.evaluation;
  const misses: string[] = [];
  if (autoConfirmed.precision < TARGETS.autoConfirmedPrecision)
    misses.push(`auto-confirmed precision < ${TARGETS.autoConfirmedPrecision}`);
  if (withHistory && autoConfirmed.recall < TARGETS.autoConfirmedRecall)
    misses.push(`auto-confirmed recall < ${TARGETS.autoConfirmedRecall}`);
  if (allProposed.recall < TARGETS.allProposedRecall) misses.push(`all-proposed recall < ${TARGETS.allProposedRecall}`);
  return misses;
}

function ratio(value: number): string {
  return value.toFixed(3);
}

function percent(review: ReviewLoad): string {
  return `${(review.share * 100).toFixed(1)}%`;
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

function printRun(run: Run): void {
  const { evaluation, review } = run;
  console.log(
    `${'category'.padEnd(16)} ${'pairs'.padStart(6)} ${'auto P'.padStart(9)} ${'auto R'.padStart(9)} ` +
      `${'tp/fp/fn'.padStart(12)} ${'all P'.padStart(9)} ${'all R'.padStart(9)} ${'tp/fp/fn'.padStart(12)}`,
  );
  for (const category of evaluation.byCategory) {
    console.log(row(category.category, category.truthPairs, category.autoConfirmed, category.allProposed));
  }
  const truthPairs = evaluation.allProposed.truePositives + evaluation.allProposed.falseNegatives;
  console.log(row('OVERALL', truthPairs, evaluation.autoConfirmed, evaluation.allProposed));
  console.log('');
  console.log(`write-offs ${run.writeOffs}, overpayments ${run.overpayments}`);
  console.log(
    `lines to look at: ${review.suggested + review.unmatched} of ${review.credits} credits (${percent(review)}): ` +
      `${review.suggested} suggested, ${review.unmatched} unmatched`,
  );
}

function printPerturbed(dataset: Dataset, withHistory: boolean): string[] {
  const misses: string[] = [];
  console.log('');
  console.log(
    `${'perturbation'.padEnd(60)} ${'auto P'.padStart(7)} ${'auto R'.padStart(7)} ${'all R'.padStart(7)} ${'look at'.padStart(8)}`,
  );
  for (const perturbation of PERTURBATIONS) {
    const run = runOn(dataset, perturbation.apply(dataset, datasetInput(dataset)));
    const { autoConfirmed, allProposed } = run.evaluation;
    const runMisses = missed(run, withHistory && perturbation.autoRecallTarget);
    console.log(
      `${perturbation.name.slice(0, 60).padEnd(60)} ${ratio(autoConfirmed.precision).padStart(7)} ` +
        `${ratio(autoConfirmed.recall).padStart(7)} ${ratio(allProposed.recall).padStart(7)} ${percent(run.review).padStart(8)}` +
        `${runMisses.length > 0 ? `  MISSED: ${runMisses.join(', ')}` : ''}`,
    );
    misses.push(...runMisses.map((miss) => `${perturbation.name}: ${miss}`));
  }
  return misses;
}

function main(): void {
  const args = process.argv.slice(2);
  const perturbed = args.includes('--perturbed');
  const [dir, ...rest] = args.filter((arg) => arg !== '--perturbed');
  if (!dir || rest.length > 0) {
    console.error('usage: npm run eval:reconcile -- <dataset dir> [--perturbed]');
    process.exit(2);
  }
  const dataset = readDataset(dir);
  if (!dataset.truth) throw new DatasetError(`${dir}: no truth.json, nothing to evaluate against`);
  const withHistory = dataset.knownPayers.length > 0;
  const run = runOn(dataset, datasetInput(dataset));

  console.log(
    `dataset ${dir}: ${dataset.invoices.length} invoices, ${dataset.transactions.length} transactions, ` +
      `${dataset.payouts.length} payouts, ${dataset.knownPayers.length} known payers; engine ${run.elapsedMs.toFixed(0)} ms`,
  );
  console.log('');
  printRun(run);
  const misses = missed(run, withHistory);
  if (perturbed) misses.push(...printPerturbed(dataset, withHistory));

  console.log('');
  console.log(
    `targets: auto-confirmed precision >= ${TARGETS.autoConfirmedPrecision}, all-proposed recall >= ` +
      `${TARGETS.allProposedRecall}${withHistory ? `, auto-confirmed recall >= ${TARGETS.autoConfirmedRecall} (the set has a history)` : ''}`,
  );
  console.log(misses.length === 0 ? 'all targets met' : `MISSED:\n  ${misses.join('\n  ')}`);
  if (misses.length > 0) process.exitCode = 1;
}

try {
  main();
} catch (error) {
  if (!(error instanceof DatasetError)) throw error;
  console.error(`invalid dataset: ${error.message}`);
  process.exit(2);
}
