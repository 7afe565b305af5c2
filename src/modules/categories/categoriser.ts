import Decimal from 'decimal.js';
import { TransactionCategory as C, type TransactionCategory } from './category';

/** What the categoriser reads of a line: the bank's codes first, then who the counterparty is, then the text. */
export interface CategorisableLine {
  amount: string;
  bankTransactionCode: string | null;
  merchantCategoryCode: string | null;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  remittanceInformation: string | null;
  structuredReference?: string | null;
}

export interface CategoriserContext {
  /** Every IBAN of the owner's accounts, at every bank: a line to or from one of them is an own transfer. */
  ownIbans: ReadonlySet<string>;
  /** Rules the owner taught, by `counterpartyKey`. */
  rules: ReadonlyMap<string, TransactionCategory>;
}

/** The key an owner's rule is stored under: the IBAN when the bank gives it, else the name, normalised. */
export function counterpartyKey(line: Pick<CategorisableLine, 'counterpartyIban' | 'counterpartyName'>): string | null {
  if (line.counterpartyIban) return `iban:${line.counterpartyIban.replace(/\s+/g, '').toUpperCase()}`;
  const name = line.counterpartyName
    ?.normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return name ? `name:${name}` : null;
}

/**
 * ISO 18245 merchant category codes that say more than "a purchase". Every other MCC is a purchase from a supplier.
 * Ranges from the ISO 18245 table: 4900 utilities, 4812-4816 telecommunication, 6010/6011 cash, 9311 tax payments.
 */
function categoryOfMcc(mcc: string, credit: boolean): TransactionCategory {
  const code = Number(mcc);
  if (code === 6010 || code === 6011) return C.CASH;
  if (code === 4900 || (code >= 4812 && code <= 4816)) return C.UTILITIES;
  if (code === 9311 || code === 9222) return C.TAXES_AND_SOCIAL_CHARGES;
  if (code === 6012) return C.BANK_FEES;
  return credit ? C.REFUNDS : C.SUPPLIERS;
}

const PAYMENT_PLATFORMS =
  /\b(stripe|sumup|adyen|mollie|paypal|square|worldline|payplug|zettle|klarna|checkout\.com|shopify payments|lyra|ingenico)\b/i;
const TEXT_RULES: ReadonlyArray<[RegExp, TransactionCategory]> = [
  [
    /\b(refund|remboursement|erstattung|rückerstattung|terugbetaling|retour|storno|rückbuchung|chargeback)\b/i,
    C.REFUNDS,
  ],
  [/\b(salary|salaire|gehalt|lohn|salaris|payroll|paie)\b/i, C.PAYROLL],
  [
    /\b(urssaf|dgfip|finanzamt|belastingdienst|uwv|aok|tk krankenkasse|barmer|sozialversicherung\w*|cotisations|\w*steuer\w*|impots?|tva|ust|vat|omzetbelasting|income tax|corporate tax|loonheffing|premies)\b/i,
    C.TAXES_AND_SOCIAL_CHARGES,
  ],
  [/\b(miete\w*|loyer|rent|huur|bail commercial)\b/i, C.RENT],
  [
    /\b(strom|gas|wasser|electricit[eé]|edf|engie|vattenfall|eon|e\.on|energie|water|telekom|vodafone|orange|sfr|bouygues|kpn|mobilfunk|internet)\b/i,
    C.UTILITIES,
  ],
  [/\b(darlehen|kredit rate|tilgung|loan|pr[eê]t|[eé]ch[eé]ance|lening|aflossing|leasing)\b/i, C.LOAN_REPAYMENTS],
  [/\b(atm|geldautomat|retrait|cash withdrawal|bargeld|geldopname)\b/i, C.CASH],
  [/\b(account maintenance|kontof[uü]hrung|frais de tenue|commission|bank fee|bankkosten|geb[uü]hr)\b/i, C.BANK_FEES],
];

/**
 * A line's category, from the strongest signal to the weakest: an owner's rule for the counterparty, an own
 * transfer (the counterparty is one of the owner's IBANs), the ISO 20022 bank transaction code
 * (Domain-Family-SubFamily), the card's MCC, a known payment platform, then words of the counterparty and remittance.
 */
export function categorise(line: CategorisableLine, context: CategoriserContext): TransactionCategory {
  const key = counterpartyKey(line);
  const taught = key ? context.rules.get(key) : undefined;
  if (taught) return taught;
  const iban = line.counterpartyIban?.replace(/\s+/g, '').toUpperCase();
  if (iban && context.ownIbans.has(iban)) return C.OWN_TRANSFERS;

  const credit = new Decimal(line.amount).gt(0);
  const [domain, family, subFamily] = (line.bankTransactionCode ?? '').toUpperCase().split('-');
  if (subFamily === 'RRTN' || subFamily === 'RPCR' || subFamily === 'UPDD') return C.REFUNDS;
  if (domain === 'ACMT' && (family === 'MDOP' || subFamily === 'CHRG' || subFamily === 'COMM'))
    return credit ? C.OTHER : C.BANK_FEES;
  if (domain === 'ACMT' && subFamily === 'INTR') return credit ? C.OTHER : C.BANK_FEES;
  if (family === 'CCRD' && subFamily === 'CWDL') return C.CASH;
  if (family === 'CNTR' || (family === 'CCRD' && subFamily === 'CDPT')) return C.CASH;
  if (domain === 'LDAS') return C.LOAN_REPAYMENTS;
  if (subFamily === 'SALA') return C.PAYROLL;
  if (line.merchantCategoryCode) return categoryOfMcc(line.merchantCategoryCode, credit);

  const text = `${line.counterpartyName ?? ''} ${line.remittanceInformation ?? ''}`;
  if (credit && PAYMENT_PLATFORMS.test(text)) return C.CARD_PAYOUTS;
  for (const [pattern, category] of TEXT_RULES) {
    if (pattern.test(text)) return category;
  }
  return credit ? C.REVENUE : C.SUPPLIERS;
}
