export {
  diffFeed,
  type AddedChange,
  type FeedChange,
  type FeedDiff,
  type FeedDiffInput,
  type FeedDiffOptions,
  type MatchedBy,
  type ModifiedChange,
  type RemovedChange,
  type SettledChange,
  type StoredTransaction,
  type SyncWindow,
} from './feed-diff';
export { transactionFingerprint } from './fingerprint';
export type { ChangedField } from './line-comparison';
export { SETTLES_EARLY_DAYS, SETTLES_LATE_DAYS, storedLinesSince } from './settlement-window';
