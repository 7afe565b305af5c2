/** The consent the owner is about to give, as chosen on the "What to share" step. */
export type Scope = 'ACCOUNTS' | 'BALANCES' | 'TRANSACTIONS' | 'PAYMENTS';

export interface BankLimits {
  maxConsentDays: number;
  maxHistoryDays: number;
  capabilities: readonly string[];
}

export interface ConnectChoice {
  scopes: Scope[];
  validForDays: number;
  historyDays: number;
}

/** Read-only access is the default (PSD2 AIS); payments are added only when the owner asks for them. */
export const READ_ONLY_SCOPES: Scope[] = ['ACCOUNTS', 'BALANCES', 'TRANSACTIONS'];

/** The durations the business brief shows, plus the bank's own maximum when it differs. */
export function durationChoices(bank: BankLimits): number[] {
  const choices = [30, 90].filter((days) => days <= bank.maxConsentDays);
  if (!choices.includes(bank.maxConsentDays)) choices.push(bank.maxConsentDays);
  return choices;
}

/** Field errors keyed by the form field they belong to; empty when the choice can be sent. */
export function validateConnectChoice(
  choice: ConnectChoice,
  bank: BankLimits,
): Partial<Record<keyof ConnectChoice, string>> {
  const errors: Partial<Record<keyof ConnectChoice, string>> = {};
  if (choice.scopes.length === 0) errors.scopes = 'Choose at least one kind of data to share.';
  else if (!choice.scopes.includes('ACCOUNTS')) errors.scopes = 'Sharing your accounts is needed for anything else.';
  else if (choice.scopes.includes('PAYMENTS') && !bank.capabilities.includes('PIS')) {
    errors.scopes = 'This bank does not accept payments through Passerelle.';
  }
  if (!Number.isInteger(choice.validForDays) || choice.validForDays < 1 || choice.validForDays > bank.maxConsentDays) {
    errors.validForDays = `Choose between 1 and ${bank.maxConsentDays} days.`;
  }
  if (!Number.isInteger(choice.historyDays) || choice.historyDays < 1 || choice.historyDays > bank.maxHistoryDays) {
    errors.historyDays = `Choose between 1 and ${bank.maxHistoryDays} days of history.`;
  }
  return errors;
}
