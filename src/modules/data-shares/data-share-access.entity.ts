import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DataShare } from './data-share.entity';

/** One read by the lender of a share: the owner sees every one of them. */
@Entity('data_share_access')
@Index('data_share_access_share_at', ['shareId', 'at'])
export class DataShareAccess {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => DataShare, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'share_id' })
  share: DataShare;

  @Column({ name: 'share_id', type: 'uuid' })
  shareId: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** The field the lender read, e.g. `sharedHistory.transactions`. */
  @Column({ type: 'varchar', length: 64 })
  operation: string;
}
