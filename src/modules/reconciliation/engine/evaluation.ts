/**
 * Precision and recall of the engine's links against labelled truth, counted over (transactionId, invoiceId)
 * pairs as FORMAT.md defines them, for auto-confirmed links and for all proposed links, overall and per category.
 * A proposed pair on a transaction the truth leaves out (a rent, a refund) counts against the category
 * `not-a-payment`.
 */
import type { TruthLink } from './dataset';
import { toCents } from './money';
import type { BankCredit, Decision, Link, ReconciliationResult } from './types';

export const NOT_A_PAYMENT = 'not-a-payment';

export interface PairCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** tp / (tp + fp); 1 when nothing was proposed. */
  precision: number;
  /** tp / (tp + fn); 1 when there was nothing to find. */
  recall: number;
}

export interface Evaluation {
  autoConfirmed: PairCounts;
  allProposed: PairCounts;
  byCategory: { category: string; truthPairs: number; autoConfirmed: PairCounts; allProposed: PairCounts }[];
}

/** The engine's links in the truth.json shape, with decision and score. */
export interface LinkRecord {
  transactionId: string;
  invoiceIds: string[];
  decision: Decision;
  score: number;
}

export function toLinkRecords(links: readonly Link[]): LinkRecord[] {
  return links.map((link) => ({
    transactionId: link.transactionId,
    invoiceIds: link.allocations.map((allocation) => allocation.invoiceId),
    decision: link.decision,
    score: link.score,
  }));
}

function pairsOf(records: readonly { transactionId: string; invoiceIds: string[] }[]): Set<string> {
  const pairs = new Set<string>();
  for (const record of records)
    for (const invoiceId of record.invoiceIds) pairs.add(`${record.transactionId}\u0000${invoiceId}`);
  return pairs;
}

function counts(predicted: Set<string>, truth: Set<string>): PairCounts {
  let truePositives = 0;
  for (const pair of predicted) if (truth.has(pair)) truePositives += 1;
  const falsePositives = predicted.size - truePositives;
  const falseNegatives = truth.size - truePositives;
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    precision: predicted.size === 0 ? 1 : truePositives / predicted.size,
    recall: truth.size === 0 ? 1 : truePositives / truth.size,
  };
}

function filterPairs(pairs: Set<string>, keep: (transactionId: string) => boolean): Set<string> {
  return new Set([...pairs].filter((pair) => keep(pair.slice(0, pair.indexOf('\u0000')))));
}

export function evaluate(links: readonly LinkRecord[], truth: readonly TruthLink[]): Evaluation {
  const truthPairs = pairsOf(truth);
  const auto = pairsOf(links.filter((link) => link.decision === 'AUTO_CONFIRMED'));
  const all = pairsOf(links);
  const categoryOf = new Map(truth.map((link) => [link.transactionId, link.category]));
  const category = (transactionId: string): string => categoryOf.get(transactionId) ?? NOT_A_PAYMENT;
  const categories = [...new Set([...truth.map((link) => link.category), NOT_A_PAYMENT])].sort();
  return {
    autoConfirmed: counts(auto, truthPairs),
    allProposed: counts(all, truthPairs),
    byCategory: categories.map((name) => {
      const inCategory = (transactionId: string): boolean => category(transactionId) === name;
      const truthInCategory = filterPairs(truthPairs, inCategory);
      return {
        category: name,
        truthPairs: truthInCategory.size,
        autoConfirmed: counts(filterPairs(auto, inCategory), truthInCategory),
        allProposed: counts(filterPairs(all, inCategory), truthInCategory),
      };
    }),
  };
}

/** What the owner still has to look at after a run: every credit line not settled on its own. */
export interface ReviewLoad {
  /** Credit lines in the feed (debits are not reconciled). */
  credits: number;
  /** Credits with at least one suggested link. */
  suggested: number;
  /** Credits with no link at all: nothing found, a pending twin, money sent back, or a double payment. */
  unmatched: number;
  /** (suggested + unmatched) / credits; 0 for a feed without credits. */
  share: number;
}

export function reviewLoad(result: ReconciliationResult, feed: readonly BankCredit[]): ReviewLoad {
  const credits = feed.filter((line) => toCents(line.amount) > 0n).length;
  const suggested = new Set(
    result.links.filter((link) => link.decision === 'SUGGESTED').map((link) => link.transactionId),
  );
  const linked = new Set(result.links.map((link) => link.transactionId));
  const unmatched = new Set([
    ...result.unmatchedCredits.map((line) => line.transactionId),
    ...result.overpayments.map((overpayment) => overpayment.transactionId).filter((id) => !linked.has(id)),
  ]);
  return {
    credits,
    suggested: suggested.size,
    unmatched: unmatched.size,
    share: credits === 0 ? 0 : (suggested.size + unmatched.size) / credits,
  };
}
