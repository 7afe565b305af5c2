import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../connections/connection.entity';
import { Institution } from '../institutions/institution.entity';

export enum AccountType {
  CURRENT = 'CURRENT',
  SAVINGS = 'SAVINGS',
  CARD = 'CARD',
  LOAN = 'LOAN',
  OTHER = 'OTHER',
}
registerEnumType(AccountType, {
  name: 'AccountType',
  description:
    'The ISO 20022 cash account types folded into kinds: LOAN covers loans, marginal lending and overdrafts.',
});

/**
 * A bank account, one row per owner and bank account: the institution and the IBAN, or the bank's resource id when
 * there is no IBAN. Its id is Passerelle's and outlives consents and connections: a renewed consent, or a second
 * connection to the same bank login, that sees the same account updates this row (and moves it to the newest
 * connection, whose consent reads it) instead of making a new one, so its lines are never stored twice.
 */
@ObjectType({ description: 'A bank account, from any bank, in one shape.' })
@Entity('account')
@Index('account_connection_iban', ['connectionId', 'iban'], { unique: true })
@Index('account_owner_institution_iban', ['ownerId', 'institutionId', 'iban'], {
  unique: true,
  where: 'iban IS NOT NULL',
})
@Index('account_owner_institution_resource', ['ownerId', 'institutionId', 'providerAccountId'], {
  unique: true,
  where: 'iban IS NULL',
})
export class Account {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Connection, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection: Connection;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @ManyToOne(() => Institution, { nullable: false })
  @JoinColumn({ name: 'institution_id', foreignKeyConstraintName: 'FK_account_institution' })
  institution: Institution;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @Index()
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** The bank's resource id under the current consent. */
  @Column({ name: 'provider_account_id', type: 'text' })
  providerAccountId: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 34, nullable: true })
  iban: string | null;

  @Field()
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Field({ description: 'ISO 4217 currency code.' })
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Field(() => AccountType)
  @Column({ type: 'varchar', length: 16 })
  type: AccountType;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
