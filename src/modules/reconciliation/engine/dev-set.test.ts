import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetInput, readDataset, type Dataset } from './dataset';
import { evaluate, toLinkRecords, type Evaluation } from './evaluation';
import { reconcile } from './matcher';
import { PERTURBATIONS, type Perturbation } from './perturbations';
import type { ReconciliationInput } from './types';

/** `../shared` beside the repository: present on developer machines and in CI, absent in a bare clone. */
const DEV_SET = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'datasets', 'reconciliation', 'dev');
const available = existsSync(DEV_SET);
const maybe = available ? it : it.skip;
const SKIPPED = `SKIPPED: ${DEV_SET} is absent (../shared from the repository root), so the quality targets cannot be measured`;

// Under CI=true a missing dataset is a broken checkout: say so with a failure instead of passing silently.
if (!available && process.env.CI === 'true') {
  it('needs the published development set', () => {
    throw new Error(`${DEV_SET} is absent, and CI=true requires it`);
  });
}

/** Issue 17: with the owner's history, on the set and on each perturbation of it. */
const TARGETS = { autoConfirmedPrecision: 0.999, autoConfirmedRecall: 0.95, allProposedRecall: 0.99 };

function quality(dataset: Dataset, input: ReconciliationInput): Evaluation {
  return evaluate(toLinkRecords(reconcile(input).links), dataset.truth ?? []);
}

describe('reconciliation quality on the published development set, with its history', () => {
  maybe(
    available
      ? 'auto-confirms with precision >= 0.999 and recall >= 0.95, and proposes links with recall >= 0.99'
      : SKIPPED,
    () => {
      const dataset = readDataset(DEV_SET);
      expect(dataset.knownPayers.length).toBeGreaterThan(0);
      const { autoConfirmed, allProposed } = quality(dataset, datasetInput(dataset));
      expect(autoConfirmed.precision).toBeGreaterThanOrEqual(TARGETS.autoConfirmedPrecision);
      expect(autoConfirmed.recall).toBeGreaterThanOrEqual(TARGETS.autoConfirmedRecall);
      expect(allProposed.recall).toBeGreaterThanOrEqual(TARGETS.allProposedRecall);
    },
  );

  const cases = PERTURBATIONS.map((perturbation): [string, Perturbation] => [perturbation.name, perturbation]);
  (available ? it.each(cases) : it.skip.each(cases))('keeps the targets with %s', (_, perturbation) => {
    const dataset = readDataset(DEV_SET);
    const { autoConfirmed, allProposed } = quality(dataset, perturbation.apply(dataset, datasetInput(dataset)));
    expect(autoConfirmed.precision).toBeGreaterThanOrEqual(TARGETS.autoConfirmedPrecision);
    if (perturbation.autoRecallTarget) expect(autoConfirmed.recall).toBeGreaterThanOrEqual(TARGETS.autoConfirmedRecall);
    expect(allProposed.recall).toBeGreaterThanOrEqual(TARGETS.allProposedRecall);
  });
});
