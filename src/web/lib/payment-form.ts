import { electronicFormatIBAN, isSEPACountry, isValidIBAN } from 'ibantools';

/** The payment form as the owner typed it. */
export interface PaymentDraft {
  debtorAccountId: string;
  creditorName: string;
  creditorIban: string;
  amount: string;
  remittanceInformation: string;
}

export type PaymentField = keyof PaymentDraft;
export type PaymentErrors = Partial<Record<PaymentField, string>>;

/** The order, in the form the gateway takes it. */
export interface PaymentOrder {
  debtorAccountId: string;
  creditorName: string;
  creditorIban: string;
  amount: string;
  remittanceInformation?: string;
}

export const EMPTY_DRAFT: PaymentDraft = {
  debtorAccountId: '',
  creditorName: '',
  creditorIban: '',
  amount: '',
  remittanceInformation: '',
};

/** SEPA credit transfers are in euro (EPC125-05), as the gateway enforces. */
export const SEPA_CURRENCY = 'EUR';

// The gateway's own limits (src/modules/payments/payment-order.ts): the form is never stricter than they are.
/** EPC217-08: the Latin character set every SEPA bank must carry, in names and references. */
const SEPA_TEXT = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const SEPA_TEXT_HINT = "Use only letters without accents, digits, spaces and / - ? : ( ) . , ' +";
const AMOUNT = /^\d{1,9}(\.\d{1,2})?$/;
const CREDITOR_NAME_MAX = 70;
const REMITTANCE_MAX = 140;

/**
 * One idempotency key per payment the owner means to make. Sending the same order again (a retry after a lost
 * answer, a double click, an edit undone) reuses its key, so the gateway answers the payment already created
 * instead of making a second; another payee, amount, account or reference is another payment, with a key of its own.
 */
export class IdempotencyKeys {
  private readonly keys = new Map<string, string>();

  constructor(private readonly makeKey: () => string = randomKey) {}

  keyFor(order: PaymentOrder): string {
    const canonical = JSON.stringify([
      order.debtorAccountId,
      order.creditorName,
      order.creditorIban,
      order.amount,
      order.remittanceInformation ?? '',
    ]);
    let key = this.keys.get(canonical);
    if (!key) {
      key = this.makeKey();
      this.keys.set(canonical, key);
    }
    return key;
  }
}

/**
 * 128 random bits in hex. Not crypto.randomUUID: browsers offer it only on https or localhost, and an owner may open
 * the app on a phone at the gateway's LAN address over plain http.
 */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Field errors, next to the field they concern; empty when the gateway will take the order. */
export function validatePayment(draft: PaymentDraft): PaymentErrors {
  const errors: PaymentErrors = {};
  if (!draft.debtorAccountId) errors.debtorAccountId = 'Choose the account to pay from.';
  const name = draft.creditorName.trim();
  if (!name) errors.creditorName = "Enter the payee's name.";
  else if (name.length > CREDITOR_NAME_MAX)
    errors.creditorName = `A payee name has at most ${CREDITOR_NAME_MAX} characters.`;
  else if (!SEPA_TEXT.test(name)) errors.creditorName = `${SEPA_TEXT_HINT}.`;
  errors.creditorIban = ibanError(draft.creditorIban);
  errors.amount = amountError(draft.amount);
  const reference = draft.remittanceInformation.trim();
  if (reference.length > REMITTANCE_MAX)
    errors.remittanceInformation = `A reference has at most ${REMITTANCE_MAX} characters.`;
  else if (!SEPA_TEXT.test(reference)) errors.remittanceInformation = `${SEPA_TEXT_HINT}.`;
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message)) as PaymentErrors;
}

function ibanError(input: string): string | undefined {
  if (!input.trim()) return "Enter the payee's IBAN.";
  const iban = electronicFormatIBAN(input) ?? '';
  if (!isValidIBAN(iban)) return 'This IBAN is not valid: check it against the invoice.';
  if (!isSEPACountry(iban.slice(0, 2)))
    return 'This IBAN is outside the SEPA area: Passerelle pays SEPA credit transfers only.';
  return undefined;
}

function amountError(input: string): string | undefined {
  const amount = normalisedAmount(input);
  if (!AMOUNT.test(amount)) return 'Enter an amount in euros with at most two decimals, e.g. 1250.00.';
  if (!/[1-9]/.test(amount)) return 'Enter an amount above zero.';
  return undefined;
}

/**
 * "1 250,5" as an owner in France types it becomes "1250.50": spaces dropped, a decimal comma read as a point, and,
 * once it is an amount, two decimals, as the gateway keeps it. Done on the string: never through a float.
 */
export function normalisedAmount(input: string): string {
  const compact = input.replace(/[\s\u00a0\u202f]/g, '');
  const dotted = compact.includes('.') ? compact : compact.replace(',', '.');
  if (!AMOUNT.test(dotted)) return dotted;
  const [whole, fraction = ''] = dotted.split('.');
  return `${whole.replace(/^0+(?=\d)/, '')}.${fraction.padEnd(2, '0')}`;
}

/** The draft as the gateway takes it: trimmed, the IBAN in its electronic form, no empty reference. */
export function toPaymentOrder(draft: PaymentDraft): PaymentOrder {
  const reference = draft.remittanceInformation.trim();
  return {
    debtorAccountId: draft.debtorAccountId,
    creditorName: draft.creditorName.trim(),
    creditorIban: electronicFormatIBAN(draft.creditorIban) ?? draft.creditorIban.trim(),
    amount: normalisedAmount(draft.amount),
    ...(reference ? { remittanceInformation: reference } : {}),
  };
}

/** An account can pay when its bank offers payment initiation and it is held in euro with an IBAN. */
export function canPayFrom(account: {
  iban?: string | null;
  currency: string;
  institution: { capabilities: readonly string[] };
}): boolean {
  return (
    Boolean(account.iban) && account.currency === SEPA_CURRENCY && account.institution.capabilities.includes('PIS')
  );
}

/**
 * The form field a gateway refusal names (`extensions.field`, e.g. "input.creditorIban"), so the message shows next
 * to it; undefined for a refusal of no field of the form.
 */
export function fieldOfRefusal(extensions: Record<string, unknown> | undefined): PaymentField | undefined {
  const field = typeof extensions?.field === 'string' ? extensions.field.replace(/^input\./, '') : '';
  return field in EMPTY_DRAFT ? (field as PaymentField) : undefined;
}
