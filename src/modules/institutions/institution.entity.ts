import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PROVIDER_STANDARD_NAMES, type ProviderStandard } from '../../providers';

/** The GraphQL enum of the standards in `src/providers/standards.ts`, named once there. */
export const ProviderStandardEnum = Object.fromEntries(PROVIDER_STANDARD_NAMES.map((name) => [name, name])) as {
  readonly [Name in ProviderStandard]: Name;
};
registerEnumType(ProviderStandardEnum, {
  name: 'ProviderStandard',
  description: 'The PSD2 API standard a bank speaks.',
});

export enum InstitutionCapability {
  /** Account information: accounts, balances, transactions. */
  AIS = 'AIS',
  /** Payment initiation. */
  PIS = 'PIS',
}
registerEnumType(InstitutionCapability, { name: 'InstitutionCapability' });

@ObjectType({ description: 'A bank the gateway can connect to.' })
@Entity('institution')
@Index('institution_country_name_id', ['country', 'name', 'id'])
@Index('institution_name_id', ['name', 'id'])
export class Institution {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** A stable, human-readable key, used to seed and update institutions idempotently. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  slug: string;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field({ description: 'ISO 3166-1 alpha-2 country code.' })
  @Column({ type: 'char', length: 2 })
  country: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 11, nullable: true })
  bic: string | null;

  @Field(() => ProviderStandardEnum)
  @Column({ type: 'varchar', length: 32 })
  standard: ProviderStandard;

  @Field(() => [InstitutionCapability])
  @Column({ type: 'text', array: true })
  capabilities: InstitutionCapability[];

  @Field(() => Int, { description: 'The longest transaction history a consent at this bank can cover, in days.' })
  @Column({ name: 'max_history_days', type: 'int' })
  maxHistoryDays: number;

  @Field(() => Int, { description: 'The longest a consent at this bank can stay valid, in days.' })
  @Column({ name: 'max_consent_days', type: 'int' })
  maxConsentDays: number;

  /**
   * Base URL of the bank's PSD2 API. `sandbox:<path>` points at the sandbox banks, wherever they are served, so the
   * same rows work in-process, in a compose file and in tests.
   */
  @Column({ name: 'api_base_url', type: 'text' })
  apiBaseUrl: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
