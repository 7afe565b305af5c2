import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetInput, readDataset, type Dataset } from './dataset';
import { evaluate, toLinkRecords } from './evaluation';
import { reconcile } from './matcher';
import { PERTURBATIONS } from './perturbations';
import type { ReconciliationInput } from './types';

/** `../shared` beside the repository: present on developer machines and in CI, absent in a bare clone. */
const DEV_SET = join(__dirname, '..', '..', '..', 'shared', 'datasets', 'reconciliation', 'dev');
const available = existsSync(DEV_SET);
const maybe = available ? it : it.skip;
const SKIPPED = `SKIPPED: ${DEV_SET} is absent (../shared from the repository root), so the quality targets cannot be measured`;

const TARGETS = { autoConfirmedPrecision: 0.995, allProposedRecall: 0.95 };

function quality(dataset: Dataset, input: ReconciliationInput): { precision: number; recall: number } {
  const evaluation = evaluate(toLinkRecords(reconcile(input).links), dataset.truth ?? []);
  return { precision: evaluation.autoConfirmed.precision, recall: evaluation.allProposed.recall };
}

describe('reconciliation quality on the published development set', () => {
  maybe(available ? 'auto-confirms with precision >= 0.995 and proposes links with recall >= 0.95' : SKIPPED, () => {
    const dataset = readDataset(DEV_SET);
    const { precision, recall } = quality(dataset, datasetInput(dataset));
    expect(precision).toBeGreaterThanOrEqual(TARGETS.autoConfirmedPrecision);
    expect(recall).toBeGreaterThanOrEqual(TARGETS.allProposedRecall);
  });

  const cases = PERTURBATIONS.map((perturbation): [string, (typeof PERTURBATIONS)[number]] => [perturbation.name, perturbation]);
  (available ? it.each(cases) : it.skip.each(cases))('keeps both targets with %s', (_, perturbation) => {
    const dataset = readDataset(DEV_SET);
    const { precision, recall } = quality(dataset, perturbation.apply(dataset, datasetInput(dataset)));
    expect(precision).toBeGreaterThanOrEqual(TARGETS.autoConfirmedPrecision);
    expect(recall).toBeGreaterThanOrEqual(TARGETS.allProposedRecall);
  });
});
