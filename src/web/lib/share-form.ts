/** The lender share the owner is about to make, as the form holds it. */
export interface ShareDraft {
  lenderId: string;
  accountIds: string[];
  historyDays: number;
  validForDays: number;
}

export type ShareErrors = Partial<Record<keyof ShareDraft, string>>;

// The gateway's limits (src/modules/data-shares/data-shares.service.ts): the form is never stricter.
export const MAX_HISTORY_DAYS = 730;
export const MAX_VALID_FOR_DAYS = 365;

export function validateShare(draft: ShareDraft): ShareErrors {
  const errors: ShareErrors = {};
  if (!draft.lenderId.trim())
    errors.lenderId = "Enter the lender's id: the lender finds it in its own Passerelle (viewer id).";
  if (draft.accountIds.length === 0) errors.accountIds = 'Choose at least one account to share.';
  if (!inRange(draft.historyDays, MAX_HISTORY_DAYS))
    errors.historyDays = `Share between 1 and ${MAX_HISTORY_DAYS} days of history.`;
  if (!inRange(draft.validForDays, MAX_VALID_FOR_DAYS))
    errors.validForDays = `Let the lender read for 1 to ${MAX_VALID_FOR_DAYS} days.`;
  return errors;
}

function inRange(days: number, max: number): boolean {
  return Number.isInteger(days) && days >= 1 && days <= max;
}

/** The first day of the cash flow's period: `days` days before today (UTC), as the gateway's own default of 90. */
export function periodStart(days: number, today: Date = new Date()): string {
  return new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}
