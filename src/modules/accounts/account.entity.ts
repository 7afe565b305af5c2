import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../connections/connection.entity';

export enum AccountType {
  CURRENT = 'CURRENT',
  SAVINGS = 'SAVINGS',
  CARD = 'CARD',
  LOAN = 'LOAN',
  OTHER = 'OTHER',
}
registerEnumType(AccountType, {
  name: 'AccountType',
  description: 'The ISO 20022 cash account types folded into kinds: LOAN covers loans, marginal lending and overdrafts.',
});

/**
 * A bank account under a connection. Its id is Passerelle's and outlives consents: a renewed consent that sees the
 * same IBAN updates this row (the bank's resource id may change with the consent) instead of making a new one.
 */
@ObjectType({ description: 'A bank account, from any bank, in one shape.' })
@Entity('account')
@Index('account_connection_iban', ['connectionId', 'iban'], { unique: true })
export class Account {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Connection, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection: Connection;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

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
