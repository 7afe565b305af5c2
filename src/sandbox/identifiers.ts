import { composeIBAN, isValidIBAN } from 'ibantools';

/** ISO 7064 MOD 97-10 over a string of digits and letters (A=10 … Z=35), as IBAN, RF and SEPA creditor ids use it. */
export function mod97(text: string): number {
  const digits = text.toUpperCase().replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (let i = 0; i < digits.length; i += 7) {
    remainder = Number(String(remainder) + digits.slice(i, i + 7)) % 97;
  }
  return remainder;
}

function checkDigits(body: string, prefix: string): string {
  return String(98 - mod97(`${body}${prefix}00`)).padStart(2, '0');
}

/** ISO 11649 structured creditor reference: `RF` + two check digits + up to 21 alphanumerics. */
export function creditorReference(reference: string): string {
  return `RF${checkDigits(reference, 'RF')}${reference}`;
}

export function isValidCreditorReference(value: string): boolean {
  return /^RF\d{2}[A-Z0-9]{1,21}$/.test(value) && mod97(`${value.slice(4)}${value.slice(0, 4)}`) === 1;
}

/**
 * SEPA creditor identifier (EPC262-08 §3): country, check digits over the national id, a business code (`ZZZ`), then
 * the national id. The business code is left out of the check digits.
 */
export function sepaCreditorId(country: string, nationalId: string): string {
  return `${country}${checkDigits(nationalId, country)}ZZZ${nationalId}`;
}

/** French RIB key (clé RIB): 97 − ((89·bank + 15·branch + 3·account) mod 97). */
function ribKey(bank: string, branch: string, account: string): string {
  const value = (89 * Number(bank) + 15 * Number(branch) + 3 * Number(account)) % 97;
  return String(97 - value).padStart(2, '0');
}

/** A valid IBAN for an account at a sandbox bank, from the bank's national code and an account number. */
export function sandboxIban(country: string, bankCode: string, accountDigits: string): string {
  let bban: string;
  switch (country) {
    case 'DE':
      bban = `${bankCode}${accountDigits.padStart(10, '0').slice(-10)}`;
      break;
    case 'FR': {
      const branch = '00010';
      const account = accountDigits.padStart(11, '0').slice(-11);
      bban = `${bankCode}${branch}${account}${ribKey(bankCode, branch, account)}`;
      break;
    }
    case 'NL':
      bban = `${bankCode}${accountDigits.padStart(10, '0').slice(-10)}`;
      break;
    default:
      throw new Error(`no IBAN layout for ${country}`);
  }
  const iban = composeIBAN({ countryCode: country, bban });
  if (!iban || !isValidIBAN(iban)) throw new Error(`could not compose a valid IBAN for ${country} ${bban}`);
  return iban;
}
