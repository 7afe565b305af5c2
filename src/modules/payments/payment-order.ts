import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { electronicFormatIBAN, isSEPACountry, isValidIBAN } from 'ibantools';
import { InvalidInputError } from '../../common/errors';

/** What a client asks to pay, as it arrives. */
export interface PaymentOrderInput {
  idempotencyKey: string;
  debtorAccountId: string;
  creditorName: string;
  creditorIban: string;
  amount: string;
  currency?: string | null;
  remittanceInformation?: string | null;
  redirectUri?: string | null;
}

/** The same order, checked and in one canonical form: two inputs that mean the same payment compare equal. */
export interface PaymentOrder {
  idempotencyKey: string;
  debtorAccountId: string;
  creditorName: string;
  /** Electronic format: upper case, no spaces. */
  creditorIban: string;
  /** Two decimals, e.g. "120.50". */
  amount: string;
  currency: string;
  remittanceInformation: string | null;
  redirectUri: string | null;
}

/** EPC217-08: the Latin character set every SEPA bank must carry, for names and remittance information. */
const SEPA_CHARACTERS = /^[A-Za-z0-9/\-?:().,'+ ]*$/;
const AMOUNT = /^\d{1,9}(\.\d{1,2})?$/;
/** SEPA credit transfers (EPC125-05 rulebook): euro only, at most 999 999 999.99. */
const SEPA_CURRENCY = 'EUR';
const REMITTANCE_MAX = 140;
const CREDITOR_NAME_MAX = 70;

/** Checks every field before any bank is called; each refusal names its field. */
export function parsePaymentOrder(input: PaymentOrderInput): PaymentOrder {
  const key = input.idempotencyKey;
  if (key.length < 1 || key.length > 255) {
    throw new InvalidInputError('input.idempotencyKey', 'idempotencyKey must be 1 to 255 characters long');
  }
  return {
    idempotencyKey: key,
    debtorAccountId: input.debtorAccountId,
    creditorName: sepaText('input.creditorName', input.creditorName.trim(), CREDITOR_NAME_MAX, true)!,
    creditorIban: iban(input.creditorIban),
    amount: amount(input.amount),
    currency: currency(input.currency ?? SEPA_CURRENCY),
    remittanceInformation: sepaText(
      'input.remittanceInformation',
      input.remittanceInformation ?? null,
      REMITTANCE_MAX,
      false,
    ),
    redirectUri: input.redirectUri ?? null,
  };
}

/** What the idempotency key is bound to: every field of the order but the key itself. */
export function orderHash(order: PaymentOrder): string {
  const { idempotencyKey: _key, ...fields } = order;
  const canonical = JSON.stringify(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(canonical).digest('hex');
}

function iban(value: string): string {
  const electronic = electronicFormatIBAN(value) ?? '';
  if (!isValidIBAN(electronic)) {
    throw new InvalidInputError(
      'input.creditorIban',
      'creditorIban is not a valid IBAN (country, length or check digits)',
    );
  }
  if (!isSEPACountry(electronic.slice(0, 2))) {
    throw new InvalidInputError('input.creditorIban', 'creditorIban must be held in a SEPA country');
  }
  return electronic;
}

function amount(value: string): string {
  if (!AMOUNT.test(value)) {
    throw new InvalidInputError(
      'input.amount',
      'amount must be a decimal string with at most 2 decimals, such as "120.50"',
    );
  }
  const decimal = new Decimal(value);
  if (decimal.lessThanOrEqualTo(0)) throw new InvalidInputError('input.amount', 'amount must be greater than 0');
  return decimal.toFixed(2);
}

function currency(value: string): string {
  if (value !== SEPA_CURRENCY) {
    throw new InvalidInputError('input.currency', 'currency must be EUR: SEPA credit transfers are in euro');
  }
  return value;
}

function sepaText(field: string, value: string | null, max: number, required: boolean): string | null {
  const name = field.split('.').pop();
  if (value === null || value === '') {
    if (required) throw new InvalidInputError(field, `${name} must not be empty`);
    return null;
  }
  if (value.length > max) throw new InvalidInputError(field, `${name} must be at most ${max} characters long`);
  if (!SEPA_CHARACTERS.test(value)) {
    throw new InvalidInputError(
      field,
      `${name} may hold only the SEPA characters: letters a-z, digits and / - ? : ( ) . , ' + space`,
    );
  }
  return value;
}
