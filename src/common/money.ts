/**
 * Money in the API: one format for every amount field. An amount is a decimal string in the currency's ISO 4217
 * minor units ("1234.56", "-12.50", "1500" in JPY, "12.345" in KWD), a dot as decimal separator, a leading "-" for a
 * negative amount and nothing for a positive one, never an exponent, never a float. Digits finer than the minor unit
 * (a bank's 5-decimal line) are kept rather than rounded away. Each field says what its sign means.
 */
import Decimal from 'decimal.js';
import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import { Extensions, Field } from 'type-graphql';

/** ISO 4217 currencies whose minor unit is not two decimals (ISO 4217 list one, 2024). */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BHD: 3,
  BIF: 0,
  CLF: 4,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  UYI: 0,
  UYW: 4,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

/** Said in every amount field's description, and checked there by the schema test. */
export const MONEY_FORMAT =
  'Money: a decimal string in the currency’s ISO 4217 minor units ("1234.56", "-12.50"), never a float.';

export function minorUnits(currency: string | null | undefined): number {
  return (currency ? MINOR_UNITS[currency] : undefined) ?? 2;
}

export function formatMoney(amount: string | Decimal, currency: string | null | undefined): string {
  const value = new Decimal(amount);
  if (value.isZero()) return new Decimal(0).toFixed(minorUnits(currency));
  return value.toFixed(Math.max(minorUnits(currency), value.decimalPlaces()));
}

/** The field extension that marks a MoneyField and holds how it finds its currency. */
const MONEY_EXTENSION = 'moneyCurrencyOf';

type CurrencyOf = (parent: unknown) => string | null | undefined;

/**
 * A GraphQL amount field: a String documented as Money, formatted by `formatMoney` in the currency `currencyOf` reads
 * from the parent object. `meaning` says what the amount is and what its sign means. The formatting itself is added
 * to the built schema by `formatMoneyFields`.
 */
export function MoneyField<T>(
  meaning: string,
  currencyOf: (parent: T) => string | null | undefined,
  options: { nullable?: boolean } = {},
): PropertyDecorator {
  return (target, key) => {
    Field(() => String, { nullable: options.nullable, description: `${meaning} ${MONEY_FORMAT}` })(target, key);
    Extensions({ [MONEY_EXTENSION]: currencyOf })(target, key);
  };
}

/**
 * Wraps each MoneyField's resolver so that it formats the amount it returns. Not a type-graphql middleware: those
 * always run as async functions, and a promise per amount cost a replay of the transaction stream a sixth of its
 * time; here a plain amount is formatted in the same call.
 */
export function formatMoneyFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const currencyOf = field.extensions[MONEY_EXTENSION] as CurrencyOf | undefined;
      if (!currencyOf) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const format = (root: unknown, value: unknown) =>
        value === null || value === undefined ? value : formatMoney(value as string | Decimal, currencyOf(root));
      field.resolve = (root, args, context, info) => {
        const value: unknown = resolve(root, args, context, info);
        return isPromise(value) ? value.then((resolved) => format(root, resolved)) : format(root, value);
      };
    }
  }
  return schema;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | null)?.then === 'function';
}
