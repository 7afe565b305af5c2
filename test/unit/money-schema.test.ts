import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLInputField,
} from 'graphql';
import { MONEY_FORMAT } from '../../src/common/money';
import { buildGatewaySchema } from '../../src/server/schema';

/** A field holds money when its name, or its last camel-case word, is one of these. */
const MONEY_WORDS = ['amount', 'paid', 'writtenoff', 'gross', 'fee', 'fees', 'net', 'inflow', 'outflow', 'balance'];

function isMoneyName(name: string): boolean {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ');
  return (
    MONEY_WORDS.includes(name.toLowerCase()) ||
    MONEY_WORDS.includes(words.at(-1)!) ||
    name.toLowerCase().endsWith('writtenoff')
  );
}

async function moneyFields(): Promise<
  Array<{ where: string; field: GraphQLField<unknown, unknown> | GraphQLInputField; output: boolean }>
> {
  const schema = await buildGatewaySchema();
  return Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__') && (isObjectType(type) || isInputObjectType(type)))
    .flatMap((type) =>
      Object.values(
        (type as { getFields(): Record<string, GraphQLField<unknown, unknown> | GraphQLInputField> }).getFields(),
      )
        .filter((field) => isMoneyName(field.name) && isScalarType(getNamedType(field.type)))
        .map((field) => ({ where: `${type.name}.${field.name}`, field, output: isObjectType(type) })),
    );
}

describe('amounts in the GraphQL schema', () => {
  it('are every one a String, never a Float or an Int', async () => {
    const fields = await moneyFields();
    expect(fields.map(({ where }) => where)).toEqual(
      expect.arrayContaining(['Transaction.amount', 'Invoice.amountPaid', 'Match.writtenOff', 'Balance.amount']),
    );
    const mistyped = fields
      .filter(({ field }) => String(getNullableType(field.type)) !== 'String')
      .map(({ where, field }) => `${where}: ${String(field.type)}`);
    expect(mistyped).toEqual([]);
  });

  it('document the Money format on every amount the API returns', async () => {
    const undocumented = (await moneyFields())
      .filter(({ field, output }) => output && !field.description?.includes(MONEY_FORMAT))
      .map(({ where }) => where);
    expect(undocumented).toEqual([]);
  });

  it('come out in their currency’s minor units, formatted in the same call that reads them', async () => {
    const schema = await buildGatewaySchema();
    const amount = (schema.getType('Transaction') as GraphQLObjectType).getFields().amount;
    const resolve = (stored: string, currency: string) =>
      amount.resolve!({ amount: stored, currency }, {}, {}, {} as GraphQLResolveInfo);
    expect(resolve('12.5', 'EUR')).toBe('12.50');
    expect(resolve('-1500.00000', 'JPY')).toBe('-1500');
    expect(resolve('12.34500', 'KWD')).toBe('12.345');
    expect(resolve('0.00000', 'EUR')).toBe('0.00');
    expect(resolve('7.12345', 'EUR')).toBe('7.12345');
  });

  it('recognise amount names and leave others alone', () => {
    expect(
      ['amount', 'amountPaid', 'amountWrittenOff', 'writtenOff', 'minAmount', 'gross', 'fee', 'net', 'inflow'].every(
        isMoneyName,
      ),
    ).toBe(true);
    expect(['itemCount', 'network', 'payoutId', 'points', 'currency'].some(isMoneyName)).toBe(false);
  });
});
