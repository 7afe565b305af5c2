import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from './connection.entity';
import { ConsentScope, ConsentStatus } from './consent-scope';

/**
 * One explicit, dated authorisation given at the bank. The bank's consent id and OAuth tokens are stored only
 * encrypted (AES-256-GCM, see src/security) and wiped on revocation.
 */
@ObjectType({ description: 'An explicit, dated authorisation the owner gave at the bank.' })
@Entity('consent')
@Index('consent_status_valid_until', ['status', 'validUntil'])
export class Consent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Connection, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection: Connection;

  @Index()
  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  /** Copied from the connection so every ownership check is one indexed comparison. */
  @Index()
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field(() => ConsentStatus)
  @Column({ type: 'varchar', length: 32 })
  status: ConsentStatus;

  @Field(() => String, { nullable: true, description: 'Why the consent left ACTIVE or never reached it.' })
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Field(() => [ConsentScope])
  @Column({ type: 'text', array: true })
  scopes: ConsentScope[];

  @Field()
  @Column({ name: 'valid_until', type: 'timestamptz' })
  validUntil: Date;

  @Field(() => Int)
  @Column({ name: 'history_days', type: 'int' })
  historyDays: number;

  /** PSD2 RTS art. 36(5): unattended reads a day. */
  @Field(() => Int)
  @Column({ name: 'frequency_per_day', type: 'int' })
  frequencyPerDay: number;

  /** Where the user's browser goes once the bank has answered. */
  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  /** SHA-256 of the OAuth `state` sent to the bank: the callback finds its consent by it, and uses it once. */
  @Index({ unique: true })
  @Column({ name: 'state_hash', type: 'char', length: 64 })
  stateHash: string;

  /** The bank's consent id, encrypted; null once revoked. */
  @Column({ name: 'provider_consent_id_enc', type: 'text', nullable: true })
  providerConsentIdEnc: string | null;

  /** HMAC of the bank's consent id, to find this row from it (a token refresh names the consent that way). */
  @Index()
  @Column({ name: 'provider_consent_lookup', type: 'char', length: 64, nullable: true })
  providerConsentLookup: string | null;

  /** OAuth tokens (STET) as encrypted JSON; null once revoked. */
  @Column({ name: 'provider_tokens_enc', type: 'text', nullable: true })
  providerTokensEnc: string | null;

  /** The consent this one renews, whose accounts it keeps. */
  @Column({ name: 'renews_consent_id', type: 'uuid', nullable: true })
  renewsConsentId: string | null;

  /** Set from the service's clock, not the database's: the authorisation window is measured against it. */
  @Field()
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'authorised_at', type: 'timestamptz', nullable: true })
  authorisedAt: Date | null;

  /** Set once the callback (or completeConnection) has been used: a second use is a replay. */
  @Column({ name: 'callback_used_at', type: 'timestamptz', nullable: true })
  callbackUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** The principal who revoked; null when the bank revoked it. */
  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedBy: string | null;

  /** When the owner was warned that the consent expires soon, so the warning goes out once. */
  @Column({ name: 'expiry_warned_at', type: 'timestamptz', nullable: true })
  expiryWarnedAt: Date | null;
}
