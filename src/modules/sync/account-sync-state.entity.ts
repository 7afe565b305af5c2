import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Account } from '../accounts/account.entity';

/** How far an account's transactions have been synced: the next sync overlaps the end of the last window. */
@Entity('account_sync_state')
export class AccountSyncState {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @OneToOne(() => Account, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'account_id' })
  account: Account;

  @Column({ name: 'last_synced_at', type: 'timestamptz' })
  lastSyncedAt: Date;

  /** The last day the bank's feed covered (inclusive). */
  @Column({ name: 'synced_through', type: 'date' })
  syncedThrough: string;
}
