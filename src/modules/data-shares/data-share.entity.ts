import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Principal } from '../principals/principal.entity';

/**
 * An owner's grant to one lender: some accounts, the lines of a fixed window of days, readable until `validUntil`
 * or revocation. The window is fixed at creation, so what the lender reads (and what the snapshot signs) does not
 * slide while the loan is being examined.
 */
@Entity('data_share')
export class DataShare {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Principal, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner: Principal;

  @Index()
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => Principal, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lender_id' })
  lender: Principal;

  @Index()
  @Column({ name: 'lender_id', type: 'uuid' })
  lenderId: string;

  /** The shared accounts. Always read back through the owner's account table, so a purged account drops out. */
  @Column({ name: 'account_ids', type: 'uuid', array: true })
  accountIds: string[];

  /** What the owner asked for; `historyFrom` may start later when the consents cover less. */
  @Column({ name: 'history_days', type: 'int' })
  historyDays: number;

  @Column({ name: 'history_from', type: 'date' })
  historyFrom: string;

  @Column({ name: 'history_to', type: 'date' })
  historyTo: string;

  @Column({ name: 'valid_until', type: 'timestamptz' })
  validUntil: Date;

  /** From the service's clock, like `validUntil`: both are measured against it. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** When the lender was told the share expired, so the event goes out once. */
  @Column({ name: 'expiry_announced_at', type: 'timestamptz', nullable: true })
  expiryAnnouncedAt: Date | null;
}
