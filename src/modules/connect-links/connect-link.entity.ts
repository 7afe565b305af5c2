import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Institution } from '../institutions/institution.entity';
import { Principal } from '../principals/principal.entity';

/**
 * A short-lived, single-use link an owner hands to a frontend team's user to go through the consent journey without
 * the owner's API key. Only the SHA-256 of its token is stored: a database leak yields no usable link.
 */
@Entity('connect_link')
export class ConnectLink {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Principal, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner: Principal;

  @Index()
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** SHA-256 of the token, hex. Tokens are 256-bit random, so a fast hash is enough. */
  @Index({ unique: true })
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  /** Where the browser goes after the bank: the consent started with this link must use exactly this URI. */
  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  @ManyToOne(() => Institution, { nullable: true, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'institution_id' })
  institution: Institution | null;

  /** The bank the journey is for, when the owner chose it; the link then starts a consent at that bank only. */
  @Column({ name: 'institution_id', type: 'uuid', nullable: true })
  institutionId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Set when a consent journey starts with the link: from then on it is refused. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
