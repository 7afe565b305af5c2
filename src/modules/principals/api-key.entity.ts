import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiScope } from './api-scope';
import { Principal } from './principal.entity';

/** An API key. Only a hash of its secret is stored: a database leak yields no usable key. */
@Entity('api_key')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => Principal, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'principal_id' })
  principal: Principal;

  @Index()
  @Column({ name: 'principal_id', type: 'uuid' })
  principalId: string;

  /** The public, non-secret part of the key, to find its row without scanning hashes. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 32 })
  prefix: string;

  /** SHA-256 of the secret part, hex. Keys are 256-bit random, so a fast hash is enough (no password stretching). */
  @Column({ name: 'secret_hash', type: 'char', length: 64 })
  secretHash: string;

  @Column({ type: 'text', array: true })
  scopes: ApiScope[];

  @Column({ type: 'varchar', length: 200 })
  label: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
